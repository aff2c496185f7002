"""One table as a CSV file: the bytes pandas' ``to_csv`` writes, made by polars.

pandas formats and encodes a CSV row by row (about 3 µs a row: seconds for a
million cases' party records); polars writes the whole table in Rust. The
two agree once polars is told what pandas does: an empty text cell and a
missing value are both written as nothing (polars would quote the empty
text), yes/no as ``True``/``False``, amounts with two decimals, a BOM first.
A table with anything else in it (a column of mixed types, say) is written
by pandas itself, so the bytes never depend on which wrote them.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "t.csv"
>>> df = pd.DataFrame({"name": ["张三", "", 'a "b", c'], "n": [1, 2, 3], "amount": [1.5, float("nan"), 2.005],
...                    "mass": [True, False, True]})
>>> write_csv(df, path)
>>> path.read_bytes().decode("utf-8-sig")
'name,n,amount,mass\\n张三,1,1.50,True\\n,2,,False\\n"a ""b"", c",3,2.00,True\\n'
>>> path.read_bytes() == df.to_csv(index=False, float_format="%.2f").encode("utf-8-sig")
True
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from casegraph.contract import CSV_ENCODING


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """``df.to_csv(path, index=False, encoding=CSV_ENCODING, float_format="%.2f")``, byte for byte."""
    frame = _as_polars(df)
    if frame is None or CSV_ENCODING != "utf-8-sig":
        df.to_csv(path, index=False, encoding=CSV_ENCODING, float_format="%.2f", lineterminator="\n")
        return
    try:
        frame.write_csv(path, include_bom=True, float_precision=2, quote_style="necessary", null_value="",
                        line_terminator="\n")
    except OSError as e:
        # polars says "File too large (os error 27)" without an errno: give it
        # back, so that the caller names the reason as for any other write
        code = re.search(r"\(os error (\d+)\)", str(e))
        if e.errno is not None or code is None:
            raise
        raise OSError(int(code[1]), os.strerror(int(code[1])), str(path)) from None


def _as_polars(df: pd.DataFrame) -> pl.DataFrame | None:
    """The table with every column as polars will write it the way pandas
    does, or None when a column is of a kind this does not vouch for."""
    if len(df.columns) < 2 or not df.columns.is_unique or not all(isinstance(c, str) for c in df.columns):
        return None  # a row of one empty cell is written '""' by pandas
    columns = []
    for name in df.columns:
        col = df[name]
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else ""
        if kind == "b":
            s = pl.Series(name, col.to_numpy()).replace_strict({True: "True", False: "False"}, return_dtype=pl.String)
        elif kind in ("i", "u"):
            s = pl.Series(name, col.to_numpy())
        elif kind == "f":
            s = pl.Series(name, col.to_numpy(), nan_to_null=True)
        elif isinstance(col.dtype, pd.StringDtype) or pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
            text = col.array if isinstance(col.dtype, pd.StringDtype) else col.to_numpy(dtype=object)
            s = pl.Series(name, pa.array(text, type=pa.string(), from_pandas=True))
            if s.str.contains("\r", literal=True).any():
                return None  # pandas leaves a lone carriage return unquoted, polars quotes it
            s = s.set(s == "", None)  # pandas writes empty text and a missing value alike
        else:
            return None
        columns.append(s)
    return pl.DataFrame(columns, schema=list(df.columns)) if columns else None
