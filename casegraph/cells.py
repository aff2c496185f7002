"""List cells: many values of a group in one CSV cell, joined with ``;``.

Sorted and de-duplicated, so that both engines (and two runs) write the
same cell for the same group.

>>> import pandas as pd
>>> join_per_group(pd.Series(["b", "a", "b"]), pd.Series(["x", "y", "z"])).to_dict()
{'a': 'y', 'b': 'x;z'}
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from casegraph.contract import LIST_SEP


def join_per_group(keys: pd.Series, values: pd.Series, sep: str = LIST_SEP) -> pd.Series:
    """Sorted distinct ``values`` of each key, joined; indexed by key (sorted)."""
    df = pd.DataFrame({"k": keys.to_numpy(), "v": values.astype(str).to_numpy()}).drop_duplicates()
    df = df.sort_values(["k", "v"], kind="stable")
    k = df["k"].to_numpy()
    v = df["v"].to_numpy(dtype=object)
    if len(k) == 0:
        return pd.Series(dtype=object)
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    ends = np.r_[starts[1:], len(k)]
    # Most groups hold one value: no join needed for them.
    out = v[starts].copy()
    multi = np.flatnonzero(ends - starts > 1)
    for i in multi:
        out[i] = sep.join(v[starts[i]:ends[i]])
    return pd.Series(out, index=k[starts])


def mode_per_group(keys: pd.Series, values: pd.Series) -> pd.Series:
    """The most frequent value of each key (ties: the smallest), indexed by key."""
    df = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy()})
    # Most keys have a single value: no counting needed for them.
    single = ~df["k"].duplicated(keep=False)
    fast = pd.Series(df["v"][single].to_numpy(), index=df["k"][single].to_numpy())
    df = df[~single]
    counts = df.groupby(["k", "v"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["k", "n", "v"], ascending=[True, False, True], kind="stable")
    first = counts.drop_duplicates("k")
    return pd.concat([fast, pd.Series(first["v"].to_numpy(), index=first["k"].to_numpy())])


def content_id(prefix: str, content: str) -> str:
    """An id derived from what a finding holds (not from a counter), so that
    a bundle or offset keeps its id across runs and engines.

    >>> content_id("B", "（2024）沪0113执1号;（2024）沪0113执2号")
    'B9f66104a5a'
    """
    return prefix + hashlib.sha1(content.encode("utf-8")).hexdigest()[:10]
