"""Judge assignment of a whole export: each bundle to one judge, within capacity, loads even.

Bundles are placed by the rules of :mod:`casegraph.assign.rules` (the
``rule`` and ``reason`` columns name the one that decided): a case that has a
judge keeps it, the rest of its bundle follows the judge who holds most of
it, a bundle with a minors' case goes to the minors' team, the others to the
least-loaded judge with room for the whole bundle, and a bundle nobody has
room for is listed without a judge. Bundles are placed largest first, which
keeps loads even.

Both engines share this code: they differ in how they find bundles, not in
how bundles are given out.

>>> import pandas as pd
>>> cases = pd.DataFrame({"case_no": ["a", "b", "c"], "cause": ["", "", "抚养费纠纷"], "judge": ["", "", ""]})
>>> judges = pd.DataFrame({"judge": ["王", "李", "赵"], "team": ["一组", "一组", "涉未成年人"], "capacity": [5, 5, 5]})
>>> bundles = pd.DataFrame({"bundle_id": ["B1", "B1"], "case_no": ["a", "b"]})
>>> assign(cases, bundles, judges)[["case_no", "judge", "rule"]].values.tolist()
[['a', '李', 'least_loaded'], ['b', '李', 'least_loaded'], ['c', '赵', 'minors_team']]
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from casegraph import contract as C
from casegraph.assign.rules import KEPT, KEPT_REASON, Judges, Unit, capacity
from casegraph.columns import text_order
from casegraph.normalise.caseno import court_code


def _judges(judges: pd.DataFrame, cases: pd.DataFrame, options: C.Options) -> Judges:
    """The judges' book of a batch: the capacity is the new cases a judge may
    take; the cases it holds already only rank it among the least loaded."""
    held = cases.loc[cases["judge"] != "", "judge"].value_counts()
    return Judges(((name, team, capacity(cap), int(held.get(name, 0)))
                   for name, team, cap in judges[["judge", "team", "capacity"]].itertuples(index=False)), options)


def assign(cases: pd.DataFrame, bundles: pd.DataFrame, judges: pd.DataFrame,
           options: C.Options | None = None) -> pd.DataFrame:
    """One row per case: case_no, bundle_id ('' for a case on its own),
    judge ('' when nobody has room), team, rule, reason.

    Judges who name a court (``court``) take only that court's cases (a
    case's court as its ``court`` column or its case number's code gives
    it); judges who name none take any court's. Bundles are within one
    court already, so each court's cases are assigned on their own, the
    courtless judges' room carried from one court to the next.

    >>> cases = pd.DataFrame({"case_no": ["（2024）沪0113执1号", "（2024）沪0115执1号"], "cause": "", "judge": "",
    ...                       "court": ["沪0113", "沪0115"]})
    >>> judges = pd.DataFrame({"judge": ["王", "李"], "team": "", "capacity": [5, 5], "court": ["沪0115", "沪0113"]})
    >>> assign(cases, pd.DataFrame(columns=["bundle_id", "case_no"]), judges)["judge"].tolist()
    ['李', '王']
    """
    options = options or C.Options()
    courts = judges["court"].fillna("").astype(str) if "court" in judges else pd.Series("", index=judges.index)
    if not (courts != "").any():
        return _assign(cases, bundles, judges, options)
    court = cases["court"].fillna("").astype(str) if "court" in cases else pd.Series("", index=cases.index)
    code = court_code(cases["case_no"])
    parts, room = [], judges.assign(court=courts, capacity=pd.to_numeric(judges["capacity"], errors="coerce"))
    for k in sorted(pd.unique(court)):
        mine = (court == k).to_numpy()
        names = {k, *pd.unique(code[mine])} - {""}
        theirs = room[room["court"].isin(names) | (room["court"] == "")]
        part = _assign(cases[mine], bundles[bundles["case_no"].isin(set(cases["case_no"][mine]))], theirs, options)
        parts.append(part)
        # What a courtless judge took here is room they no longer have for the next court.
        took = part.loc[part["rule"] != KEPT.name, "judge"].value_counts()
        free = (room["court"] == "").to_numpy()
        if free.any():
            room.loc[free, "capacity"] = [c - took.get(j, 0) for j, c in  # no limit (NaN) stays none
                                          zip(room.loc[free, "judge"], room.loc[free, "capacity"])]
    cols = list(C.OUTPUTS["assignments"].columns)
    return pd.concat(parts, ignore_index=True)[cols].sort_values("case_no").reset_index(drop=True)


def _assign(cases: pd.DataFrame, bundles: pd.DataFrame, judges: pd.DataFrame, options: C.Options) -> pd.DataFrame:
    book = _judges(judges, cases, options)
    cols = list(C.OUTPUTS["assignments"].columns)

    c = pd.DataFrame({"case_no": cases["case_no"].to_numpy(object), "judge": cases["judge"].to_numpy(object)})
    c["bundle_id"] = (pd.Series(bundles["bundle_id"].to_numpy(object), index=bundles["case_no"].to_numpy(object))
                      .reindex(c["case_no"]).fillna("").to_numpy(object))
    c["minors"] = cases["cause"].str.contains("|".join(options.minors_causes)).to_numpy(bool)
    c["has_judge"] = c["judge"] != ""
    teams = {name: j["team"] for name, j in book.book.items()}
    # A case that has a judge keeps it: no rule to ask, one row each.
    kept = c[c["has_judge"]]
    parts = [pd.DataFrame({"case_no": kept["case_no"], "bundle_id": kept["bundle_id"], "judge": kept["judge"],
                           "team": kept["judge"].map(teams).fillna(""), "rule": KEPT.name, "reason": KEPT_REASON})]

    # The units still to place: a bundle with a case that has no judge, or
    # such a case on its own. Units whose holder is known go first; then the
    # largest bundles, so that the small ones fill the gaps and loads end even.
    bundled = c[c["bundle_id"] != ""].sort_values("case_no")
    units = bundled.groupby("bundle_id").agg(size=("case_no", "size"), minors=("minors", "any"),
                                             held=("has_judge", "any"), done=("has_judge", "all"))
    units = units[~units["done"]].rename_axis("unit").reset_index().assign(alone=False)
    alone = c[(c["bundle_id"] == "") & ~c["has_judge"]]
    units = pd.concat([units, pd.DataFrame({"unit": "case:" + alone["case_no"], "size": 1, "minors": alone["minors"],
                                            "held": False, "alone": True, "case_no": alone["case_no"]})])
    units = units.iloc[text_order(units, ["held", "size", "unit"], [True, True, False])].reset_index(drop=True)
    bundled = bundled.sort_values("bundle_id", kind="stable")
    first = dict(zip(bundled["bundle_id"].to_numpy(object)[::-1], range(len(bundled) - 1, -1, -1)))
    case_a, judge_a, has_a = (bundled[k].to_numpy() for k in ("case_no", "judge", "has_judge"))
    rows = []
    # Cases on their own are decided a run at a time (Judges.decide_each);
    # bundles one by one.
    for _, block in units.groupby((units["alone"] != units["alone"].shift()).cumsum(), sort=False):
        if block["alone"].iloc[0]:
            d = book.decide_each(block["minors"].to_numpy(bool))
            parts.append(d.assign(case_no=block["case_no"].to_numpy(), bundle_id="",
                                  team=d["judge"].map(teams).fillna("")))
            continue
        for unit, size, minors in block[["unit", "size", "minors"]].itertuples(index=False):
            lo = first[unit]
            has = has_a[lo:lo + size]
            rest = case_a[lo:lo + size][~has]
            held = Counter(judge_a[lo:lo + size][has].tolist())
            judge, rule, reason = book.decide(Unit(n=len(rest), held=held, size=size, minors=minors))
            rows.extend((case_no, unit, judge, book.team(judge), rule, reason) for case_no in rest)
    parts.append(pd.DataFrame(rows, columns=cols))
    out = pd.concat(parts, ignore_index=True)[cols]
    return out.iloc[text_order(out, ["case_no"])].reset_index(drop=True)  # a case once: one order
