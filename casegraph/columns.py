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
