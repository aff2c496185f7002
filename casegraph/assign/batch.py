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


def _judges(judges: pd.DataFrame, cases: pd.DataFrame, options: C.Options) -> Judges:
    """The judges' book of a batch: the capacity is the new cases a judge may
    take; the cases it holds already only rank it among the least loaded."""
    held = cases.loc[cases["judge"] != "", "judge"].value_counts()
    return Judges(((name, team, capacity(cap), int(held.get(name, 0)))
                   for name, team, cap in judges[["judge", "team", "capacity"]].itertuples(index=False)), options)


def assign(cases: pd.DataFrame, bundles: pd.DataFrame, judges: pd.DataFrame,
           options: C.Options | None = None) -> pd.DataFrame:
    """One row per case: case_no, bundle_id ('' for a case on its own),
    judge ('' when nobody has room), team, rule, reason."""
    options = options or C.Options()
    book = _judges(judges, cases, options)

    c = cases[["case_no", "cause", "judge"]].merge(bundles[["case_no", "bundle_id"]], on="case_no", how="left")
    c["bundle_id"] = c["bundle_id"].fillna("")
    c["unit"] = c["bundle_id"].where(c["bundle_id"] != "", "case:" + c["case_no"])
    c["minors"] = c["cause"].str.contains("|".join(options.minors_causes))
    c["has_judge"] = c["judge"] != ""
    units = c.groupby("unit", sort=False).agg(size=("case_no", "size"), minors=("minors", "any"),
                                              held=("has_judge", "any"))
    # Units whose holder is known go first; then the largest bundles, so that
    # the small ones fill the gaps and loads end even.
    units = (units.rename_axis("unit").reset_index()
             .sort_values(["held", "size", "unit"], ascending=[False, False, True]).reset_index(drop=True))
    c["rank"] = c["unit"].map(pd.Series(units.index, index=units["unit"]))
    c = c.sort_values(["rank", "case_no"]).reset_index(drop=True)
    starts = c["rank"].searchsorted(units.index, side="left")
    ends = list(starts[1:]) + [len(c)]
    case_no_a, judge_a = c["case_no"].to_numpy(), c["judge"].to_numpy()
    bundle_a, has_a = c["bundle_id"].to_numpy(), c["has_judge"].to_numpy()

    out = []
    for (size, minors), lo, hi in zip(units[["size", "minors"]].itertuples(index=False, name=None), starts, ends):
        bundle_id = bundle_a[lo]
        rest = []
        for i in range(lo, hi):
            if has_a[i]:
                j = judge_a[i]
                out.append((case_no_a[i], bundle_id, j, book.team(j), KEPT.name, KEPT_REASON))
            else:
                rest.append(case_no_a[i])
        if not rest:
            continue
        held = Counter(judge_a[lo:hi][has_a[lo:hi]].tolist())
        judge, rule, reason = book.decide(Unit(n=len(rest), held=held, size=size, minors=minors))
        team_of = book.team(judge)
        out.extend((case_no, bundle_id, judge, team_of, rule, reason) for case_no in rest)
    cols = list(C.OUTPUTS["assignments"].columns)
    return pd.DataFrame(out, columns=cols).sort_values("case_no").reset_index(drop=True)
