"""Filing dates and case numbers: the official numbers, rising with the
filing date per court, year and type, and the numbers as clerks type them.

>>> import numpy as np
>>> d = file_dates(np.random.default_rng(0), np.array([2024]))
>>> str(d[0])[:4]
'2024'
"""
from __future__ import annotations

import random

import numpy as np

from casegraph.sample.vocabulary import COURTS, DATA_END, OLD_COURTS, TYPES

def file_dates(rng, year):
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = np.minimum((year - 1969).astype("datetime64[Y]").astype("datetime64[D]"), DATA_END + 1)
    span = (end - start).astype(np.int64)
    return start + (rng.random(len(year)) * span).astype(np.int64).astype("timedelta64[D]")


def official_numbers(rng, cases, day) -> list[str]:
    """Official case numbers, sequences rising with the filing date per court, year and type."""
    n = len(day)
    group = ((cases["old"].astype(np.int64) * 3000 + cases["year"]) * 64 + cases["court"]) * 8 + cases["ctype"]
    order = np.lexsort((day, group))
    inc = 1 + rng.poisson(1.5, n)
    cs = np.cumsum(inc[order])
    g = group[order]
    starts = np.r_[True, g[1:] != g[:-1]]
    base = np.maximum.accumulate(np.where(starts, cs - inc[order], 0))
    seq = np.empty(n, np.int64)
    seq[order] = cs - base
    return [f"（{y}）{OLD_COURTS[c]}执字第{s}号" if o else f"（{y}）{COURTS[c]}{TYPES[t]}{s}号"
            for y, c, t, s, o in zip(cases["year"].tolist(), cases["court"].tolist(), cases["ctype"].tolist(),
                                     seq.tolist(), cases["old"].tolist())]


def typed_case_no(official: str, r: random.Random) -> str:
    """A case number as a clerk may type it: other brackets, stray spaces.

    >>> typed_case_no("（2024）沪0113执1234号", random.Random(1))
    '(2024)沪0113执1234号'
    """
    k = r.random()
    if k < 0.45:
        return official.replace("（", "(").replace("）", ")")
    if k < 0.65:
        return official.replace("（", "〔").replace("）", "〕")
    if k < 0.8:
        return official.replace("）", "） ", 1)
    if k < 0.9:
        return official.replace("执", " 执", 1).replace("号", " 号")
    return " (" + official[1:].replace("）", ") ", 1) + "\u3000"

