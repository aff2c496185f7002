"""The judges table: names, teams (执行一组 …, and the minors team
涉未成年人), capacities about 1.3 times the cases, and the cases that
already carry a judge.

>>> import numpy as np
>>> table, col = draw_judges(np.random.default_rng(0), 4, np.array([True, False, False]),
...                          np.array(["2024-01-01", "2024-02-01", "2024-03-01"], "datetime64[D]"))
>>> table["team"], len(col)
(['执行一组', '执行二组', '涉未成年人', '涉未成年人'], 3)
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from casegraph.sample.vocabulary import SURNAMES, TRADE_CHARS

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(k: int) -> str:
    """Chinese numeral as in team names.

    >>> [cn_number(k) for k in (1, 10, 12, 20, 105)]
    ['一', '十', '十二', '二十', '一百零五']
    """
    if k < 10:
        return _CN_DIGITS[k]
    if k < 20:
        return "十" + (_CN_DIGITS[k - 10] if k > 10 else "")
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = k // unit % 10
        if d:
            out += ("零" if zero and out else "") + _CN_DIGITS[d] + name
            zero = False
        elif out:
            zero = True
    return out


def draw_judges(rng, n_judges, minors, day):
    """Judges in teams with capacities ~1.3x the cases; some cases already have a judge."""
    n = len(minors)
    n_minor = int(minors.sum())
    m = min(max(2, round(n_judges * n_minor / max(n, 1))), n_judges - 1)
    regular = n_judges - m
    space = len(SURNAMES) * len(TRADE_CHARS) ** 2
    draws = rng.choice(space, n_judges, replace=False) if n_judges * 4 < space else rng.integers(0, space, n_judges)
    names, seen = [], Counter()
    for v in draws.tolist():
        nm = SURNAMES[v // len(TRADE_CHARS) ** 2] + TRADE_CHARS[v // len(TRADE_CHARS) % len(TRADE_CHARS)] \
            + TRADE_CHARS[v % len(TRADE_CHARS)]
        seen[nm] += 1
        names.append(nm if seen[nm] == 1 else f"{nm}({seen[nm]})")
    n_teams = max(2 if regular >= 2 else 1, math.ceil(regular / 8))
    teams = [f"执行{cn_number(1 + i * n_teams // regular)}组" for i in range(regular)] + ["涉未成年人"] * m

    def capacities(k, total):
        w = rng.uniform(0.8, 1.2, k) * np.where(rng.random(k) < 0.1, 0.5, 1.0)  # some work part time
        cap = np.floor(w / w.sum() * total).astype(np.int64)
        cap[: total - cap.sum()] += 1
        return cap

    cap = np.concatenate([capacities(regular, math.ceil(1.3 * (n - n_minor))), capacities(m, math.ceil(1.3 * n_minor))])
    # ~30 % of cases already carry a judge, few of the newest ones
    newest = day >= np.quantile(day.astype(np.int64), 0.75).astype("datetime64[D]")
    has = rng.random(n) < np.where(newest, 0.05, 0.38)
    pick = np.where(minors & (rng.random(n) < 0.5), regular + rng.integers(0, m, n), rng.integers(0, regular, n))
    judge = np.where(has, pick, -1)
    load = np.bincount(judge[judge >= 0], minlength=n_judges)
    cap = np.maximum(cap, load)
    col = np.array(names + [""], object)[judge]
    return dict(judge=names, team=teams, capacity=cap.astype(str).tolist()), col

