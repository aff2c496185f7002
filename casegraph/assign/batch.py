"""Judge assignment: each bundle to one judge, within capacity, loads even.

The rules, in order (the ``reason`` column names the one that decided):

1. ``kept``: a case that already has a judge keeps it.
2. ``follows_holder``: the rest of its bundle goes to the judge who holds
   most of the bundle, if that judge has room.
3. ``minors_team``: a bundle holding a minors' case (抚养费, 探望权, 抚养权)
   goes to the team for minors (Baoshan's 涉未成年人专项执行团队).
4. ``least_loaded``: otherwise the least-loaded judge of the team with room
   for the whole bundle; bundles are placed largest first, which keeps
   loads even.
5. ``no_capacity``: no judge of the team has room; the case is listed
   without a judge for a person to decide, never dropped.

Both engines share this code: they differ in how they find bundles, not in
how bundles are given out.

>>> import pandas as pd
>>> cases = pd.DataFrame({"case_no": ["a", "b", "c"], "cause": ["", "", "抚养费纠纷"], "judge": ["", "", ""]})
>>> judges = pd.DataFrame({"judge": ["王", "李", "赵"], "team": ["一组", "一组", "涉未成年人"], "capacity": [5, 5, 5]})
>>> bundles = pd.DataFrame({"bundle_id": ["B1", "B1"], "case_no": ["a", "b"]})
>>> assign(cases, bundles, judges)[["case_no", "judge"]].values.tolist()
[['a', '李'], ['b', '李'], ['c', '赵']]
"""
from __future__ import annotations

import heapq
import math

import pandas as pd

from casegraph import contract as C

GENERAL = ""  # the pool of every judge outside the minors' team


def _judges(judges: pd.DataFrame, cases: pd.DataFrame, options: C.Options):
    held = cases.loc[cases["judge"] != "", "judge"].value_counts()
    book = {}
    for name, team, cap in judges[["judge", "team", "capacity"]].itertuples(index=False):
        cap = math.inf if cap is None or pd.isna(cap) else int(cap)
        book[name] = {"team": team, "room": cap, "load": int(held.get(name, 0))}
    return book


class _Pool:
    """The judges of one team, least loaded first."""

    def __init__(self, names, book):
        self.book = book
        self.heap = [(book[n]["load"], n) for n in names]
        heapq.heapify(self.heap)

    def take(self, size: int) -> str | None:
        """The least-loaded judge with room for ``size`` cases, charged for them."""
        skipped, chosen = [], None
        while self.heap:
            load, name = heapq.heappop(self.heap)
            if load != self.book[name]["load"]:
                continue  # stale: the judge took cases elsewhere and has a fresh entry
            if self.book[name]["room"] >= size:
                chosen = name
                break
            skipped.append((load, name))
        for item in skipped:
            heapq.heappush(self.heap, item)
        if chosen is not None:
            _charge(self.book, chosen, size)
            heapq.heappush(self.heap, (self.book[chosen]["load"], chosen))
        return chosen

    def refresh(self, name: str) -> None:
        """A judge of this pool took cases outside it: re-rank them."""
        heapq.heappush(self.heap, (self.book[name]["load"], name))


def _charge(book, name, size):
    book[name]["room"] -= size
    book[name]["load"] += size


def assign(cases: pd.DataFrame, bundles: pd.DataFrame, judges: pd.DataFrame,
           options: C.Options | None = None) -> pd.DataFrame:
    """One row per case: case_no, bundle_id ('' for a case on its own),
    judge ('' when nobody has room), team, reason."""
    options = options or C.Options()
    book = _judges(judges, cases, options)
    minors_judges = [n for n, j in book.items() if j["team"] == options.minors_team]
    pools = {options.minors_team: _Pool(minors_judges, book),
             GENERAL: _Pool([n for n, j in book.items() if j["team"] != options.minors_team], book)}

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
    for (size, minors, held), lo, hi in zip(units[["size", "minors", "held"]].itertuples(index=False, name=None), starts, ends):
        bundle_id = bundle_a[lo]
        rest = []
        for i in range(lo, hi):
            if has_a[i]:
                j = judge_a[i]
                out.append((case_no_a[i], bundle_id, j, book.get(j, {}).get("team", ""), "kept: the case already has this judge"))
            else:
                rest.append(case_no_a[i])
        if not rest:
            continue
        judge, reason = None, ""
        if held:
            counts = pd.Series(judge_a[lo:hi][has_a[lo:hi]]).value_counts()
            holder = sorted(counts.index, key=lambda j: (-counts[j], j))[0]
            if holder not in book or book[holder]["room"] >= len(rest):
                if holder in book:
                    _charge(book, holder, len(rest))
                    pools[options.minors_team if book[holder]["team"] == options.minors_team else GENERAL].refresh(holder)
                judge, reason = holder, f"follows_holder: {holder} holds {counts[holder]} of {size} cases of the bundle"
            else:
                reason = f"holder {holder} has no room; "
        if judge is None:
            team = options.minors_team if minors and minors_judges else GENERAL
            judge = pools[team].take(len(rest))
            rule = "minors_team" if team == options.minors_team else "least_loaded"
            team_name = team or "any general team"
            if judge is None:
                judge, reason = "", reason + f"no_capacity: no judge of {team_name} has room for {len(rest)} cases"
            elif minors and not minors_judges:
                reason += f"least_loaded: minors' case, but no judge in team {options.minors_team}"
            else:
                reason += f"{rule}: least-loaded judge of {team_name} with room for {len(rest)} cases"
        team_of = book.get(judge, {}).get("team", "")
        out.extend((case_no, bundle_id, judge, team_of, reason) for case_no in rest)
    cols = list(C.OUTPUTS["assignments"].columns)
    return pd.DataFrame(out, columns=cols).sort_values("case_no").reset_index(drop=True)
