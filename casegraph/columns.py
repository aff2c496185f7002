"""Text columns between pandas and Arrow, without a Python string per cell.

The reader hands on CSV columns as pandas' ``str`` (Arrow strings): these
helpers take their Arrow buffers as they are, convert other columns (Python
objects: a workbook's, a test's) once, and give pandas ``str`` columns back
on the same buffers.

>>> import pandas as pd
>>> s = pd.Series(["（2024）沪0113执1号", "x"], dtype="str")
>>> text_series(arrow_text(s), s.index).equals(s)
True
>>> is_in(pd.Series(["a", "b", "c"], dtype=object), pd.Series(["c", "a"], dtype="str")).tolist()
[True, False, True]
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_text(s: pd.Series) -> pa.Array:
    """The column as one Arrow string array (nulls where cells are missing)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        arr = pa.array(s.array)  # the Series' own buffers
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    values = s.to_numpy(dtype=object)
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers among the cells: only text is text
        return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def text_series(arr: pa.Array, index: pd.Index | None = None) -> pd.Series:
    """An Arrow string array as a pandas ``str`` column, on the same buffers."""
    out = pd.Series(pd.array(arr, dtype="str"))
    return out if index is None else out.set_axis(index)


def is_in(s: pd.Series, values) -> np.ndarray:
    """Which cells of ``s`` are among ``values`` (a column, an Arrow array, a set),
    by Arrow's hash table: pandas' ``isin`` on a ``str`` column goes cell by cell."""
    text = arrow_text(s)
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = arrow_text(values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object))
    return pc.fill_null(pc.is_in(text, value_set=values.cast(text.type)), False).to_numpy(zero_copy_only=False)


def _polars(frame: pd.DataFrame, columns) -> "pl.DataFrame":
    import polars as pl

    return pl.DataFrame({c: pl.from_arrow(arrow_text(frame[c])) if frame[c].dtype.kind in "OUT" else frame[c].to_numpy()
                         for c in columns})


def distinct_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame.drop_duplicates()`` (the first of each row kept, in order),
    rows of text compared by polars' hash in one pass: pandas hashes a
    column of Python strings one string at a time.

    >>> distinct_rows(pd.DataFrame({"a": ["x", "y", "x"], "b": ["1", "2", "1"]})).index.tolist()
    [0, 1]
    """
    import polars as pl

    keep = _polars(frame, frame.columns).select(pl.struct(pl.all()).is_first_distinct()).to_series()
    return frame[keep.to_numpy()]


def text_order(frame: pd.DataFrame, by: list[str], descending: list[bool] | None = None) -> np.ndarray:
    """The row positions of ``frame`` sorted by ``by`` (text in code point
    order, as Python compares it), for keys that tell every row apart (so
    that any sort gives this order): ``frame.iloc[text_order(...)]`` is
    ``frame.sort_values(by, ascending=...)`` sorted by polars.

    >>> text_order(pd.DataFrame({"n": [1, 2, 2], "u": ["b", "c", "a"]}), ["n", "u"], [True, False]).tolist()
    [2, 1, 0]
    """
    order = _polars(frame, by).with_row_index("_row").sort(by, descending=descending or False, nulls_last=True)
    return order["_row"].to_numpy()
