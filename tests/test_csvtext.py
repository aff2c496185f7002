"""The fast CSV writer writes what pandas writes, byte for byte."""
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.write.csvtext import write_csv

OUT = Path(tempfile.mkdtemp()) / "t.csv"
text = st.one_of(st.none(), st.just(""), st.text(alphabet=st.sampled_from(list('ab张 ,;"\'\n\r\t=-+@.0')), max_size=6),
                 st.text(max_size=4))
amount = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e12, 1e12).map(lambda x: round(x, 2)))


def pandas_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, float_format="%.2f").encode("utf-8-sig")


@settings(max_examples=60)
@given(rows=st.lists(st.tuples(text, st.integers(-2**40, 2**40), amount, st.booleans(), text), max_size=12),
       as_str=st.booleans())
def test_the_bytes_pandas_writes(rows, as_str):
    df = pd.DataFrame(rows, columns=["name", "n", "amount", "flag", "note"])
    if as_str:  # pandas' own text type, as the tables of a run carry it
        df["note"] = df["note"].astype("str")
    write_csv(df, OUT)
    assert OUT.read_bytes() == pandas_bytes(df)


def test_what_polars_would_write_otherwise_is_written_by_pandas(tmp_path):
    tables = [pd.DataFrame({"row": [1, "x", 2.5], "when": pd.to_datetime(["2024-01-02", None, "2024-03-04"])}),
              pd.DataFrame({"only": ["", "x"]}),  # one column: pandas quotes an empty row
              pd.DataFrame({"cell": ["a\rb", ""], "n": [1, 2]})]  # a lone carriage return stays unquoted
    for df in tables:
        write_csv(df, tmp_path / "t.csv")
        assert (tmp_path / "t.csv").read_bytes() == pandas_bytes(df)
