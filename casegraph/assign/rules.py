"""Who gets a case: the judges' rules, shared by batch assignment and daily routing.

A *unit* is what goes to one judge: the cases of a bundle still without a
judge (:mod:`casegraph.assign.batch`), or one newly filed case
(:mod:`casegraph.jobs.route`). The rules are an ordered list of data
(:data:`RULES`): the first rule that applies and finds a judge decides, and
its name and reason are written beside the judge, so an assigner can ask
"why this judge?" and read the answer.

1. ``kept``: a case that already has a judge keeps it; cases are never moved.
2. ``follows_holder``: a unit tied to cases that judges hold goes to the
   judge who holds most of them (:func:`holder`), if that judge has room.
3. ``minors_team``: a unit holding a minors' case (抚养费, 探望权, 抚养权)
   goes to the least-loaded judge of the minors' team (Baoshan's
   涉未成年人专项执行团队).
4. ``least_loaded``: otherwise the least-loaded judge outside that team with
   room for the whole unit.
5. ``no_capacity``: no judge of the team has room; the unit is listed
   without a judge for a person to decide, never dropped.

>>> [r.name for r in RULES]
['kept', 'follows_holder', 'minors_team', 'least_loaded', 'least_loaded', 'no_capacity']
>>> judges = Judges([("王", "一组", 5, 0), ("李", "一组", 5, 1), ("赵", "涉未成年人", 5, 0)])
>>> judges.decide(Unit(n=2, minors=True))
Decision(judge='赵', rule='minors_team', reason='minors_team: least-loaded judge of 涉未成年人 with room for 2 cases')
>>> judges.decide(Unit(n=1, held=Counter({"李": 2, "王": 1}), size=4)).reason
'follows_holder: 李 holds 2 of 4 cases of the bundle'
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from casegraph import contract as C

GENERAL = ""  # the pool of every judge outside the minors' team


def holder(held: Counter) -> str:
    """The judge who holds most of some cases, ties to the first name: the
    judge a bundle follows (and, for a bundle split between judges, the one
    its flag names).

    >>> holder(Counter({"乙": 2, "甲": 2, "丙": 1}))
    '乙'
    """
    return by_holding(held)[0]


def by_holding(held: Counter) -> list[str]:
    """Judges by the cases they hold, most first, ties by name."""
    return sorted(held, key=lambda j: (-held[j], j))


def capacity(value) -> float:
    """A judges table's capacity as a number: empty means no limit.

    >>> capacity(None), capacity("12")
    (inf, 12)
    """
    return math.inf if value is None or pd.isna(value) else int(value)


@dataclass(frozen=True)
class Unit:
    """What one decision is about: ``n`` cases going to one judge.

    ``judge``: the judge it already has ('' for none); ``held``: the judges
    holding the cases it is tied to, with how many each holds; ``size``: the
    cases of its bundle in all; ``minors``: it holds (or is tied to) a minors'
    case.
    """

    n: int = 1
    judge: str = ""
    held: Counter = field(default_factory=Counter)
    size: int = 1
    minors: bool = False


class Decision(NamedTuple):
    """A unit's judge ('' if nobody has room), the rule that decided and why."""

    judge: str
    rule: str
    reason: str


class _Pool:
    """The judges of one team, least loaded first."""

    def __init__(self, names, book):
        self.book = book
        self.heap = [(book[n]["load"], n) for n in names]
        heapq.heapify(self.heap)

    def take(self, size: int) -> str | None:
        """The least-loaded judge with room for ``size`` cases (not charged)."""
        skipped, chosen = [], None
        while self.heap:
            load, name = heapq.heappop(self.heap)
            if load != self.book[name]["load"]:
                continue  # stale: the judge took cases elsewhere and has a fresh entry
            if self.book[name]["room"] >= size:
                chosen = name
                break
            skipped.append((load, name))
        for item in skipped + ([(load, chosen)] if chosen is not None else []):
            heapq.heappush(self.heap, item)
        return chosen

    def refresh(self, name: str) -> None:
        """A judge's load changed: rank them again (the old entry goes stale)."""
        heapq.heappush(self.heap, (self.book[name]["load"], name))

    def take_each(self, k: int) -> list[str]:
        """``take(1)`` for ``k`` one-case units in a row, each judge charged as
        it is taken: the same judges in the same order (fewer when the team
        runs out of room), found at array speed.

        The i-th one-case unit goes to the judge of the i-th smallest (load,
        name) among every judge's next loads, load, load + 1, … while it has
        room; so the first k of those pairs, sorted, are the answer.
        """
        names = sorted({name for _, name in self.heap})
        if k <= 0 or not names:
            return []
        load = np.array([self.book[n]["load"] for n in names], dtype=np.int64)
        room = np.array([max(min(self.book[n]["room"], k), 0) for n in names], dtype=np.int64)
        # The smallest level L below which the judges have k loads to give.
        lo, hi = int(load.min()), int((load + room).max())
        while lo < hi:
            mid = (lo + hi) // 2
            if np.clip(mid - load, 0, room).sum() >= k:
                hi = mid
            else:
                lo = mid + 1
        count = np.clip(lo - load, 0, room)
        judge = np.repeat(np.arange(len(names)), count)
        level = load[judge] + (np.arange(len(judge)) - np.repeat(np.cumsum(count) - count, count))
        picked = judge[np.lexsort((judge, level))][:k]  # names are sorted: the index orders them
        taken = np.bincount(picked, minlength=len(names))
        for i in np.flatnonzero(taken):
            self.book[names[i]]["room"] -= int(taken[i])
            self.book[names[i]]["load"] += int(taken[i])
        self.heap = [(self.book[n]["load"], n) for n in names]
        heapq.heapify(self.heap)
        return [names[i] for i in picked]


class Judges:
    """The judges' book: each judge's team, room (cases it may still take)
    and load (cases it holds), and the rules' decisions, each charged to the
    judge it names. ``rows``: (judge, team, room, load).
    """

    def __init__(self, rows: Iterable[tuple[str, str, float, int]], options: C.Options | None = None):
        self.options = options or C.Options()
        self.book = {name: {"team": team, "room": room, "load": int(load)} for name, team, room, load in rows}
        minors = self.options.minors_team
        self.minors_judges = [n for n, j in self.book.items() if j["team"] == minors]
        self.pools = {minors: _Pool(self.minors_judges, self.book),
                      GENERAL: _Pool([n for n, j in self.book.items() if j["team"] != minors], self.book)}

    def team(self, judge: str) -> str:
        return self.book.get(judge, {}).get("team", "")

    def has_room(self, judge: str, n: int) -> bool:
        """A judge outside the judges table is never full: nobody counts its cases."""
        return judge not in self.book or self.book[judge]["room"] >= n

    def charge(self, judge: str, n: int) -> None:
        """``judge`` takes ``n`` cases (``n`` < 0 gives them back)."""
        if judge in self.book:
            self.book[judge]["room"] -= n
            self.book[judge]["load"] += n
            self.pools[self._pool(judge)].refresh(judge)

    def _pool(self, judge: str) -> str:
        return self.options.minors_team if self.team(judge) == self.options.minors_team else GENERAL

    def destination(self, unit: Unit) -> str:
        """The team a unit is routed within when no holder takes it."""
        return self.options.minors_team if unit.minors and self.minors_judges else GENERAL

    def decide(self, unit: Unit) -> Decision:
        """The first rule of :data:`RULES` that applies and finds a judge;
        that judge is charged for the unit."""
        missed = ""
        for rule in RULES:
            if not rule.applies(unit, self):
                continue
            judge = rule.pick(unit, self)
            if judge is None:
                missed += rule.missed.format(**self._facts(unit))
                continue
            if rule is not KEPT:
                self.charge(judge, unit.n)
            return Decision(judge, rule.name, missed + rule.reason(self._facts(unit)))
        raise AssertionError("no_capacity always applies")  # pragma: no cover

    def decide_each(self, minors: Sequence[bool]) -> pd.DataFrame:
        """:meth:`decide` for units of one case each, tied to no judge's cases
        (``Unit(minors=m)`` for each ``m`` of ``minors``), in that order: the
        same decisions (columns judge, rule, reason; a row per unit), with
        each team's least-loaded picks made at once (:meth:`_Pool.take_each`).

        A unit that finds no room in its team finds none later either (a
        team's room only shrinks, and a full team stays full for one case),
        so the units left over are decided alike, once for each kind.

        >>> judges = Judges([("王", "一组", 2, 0), ("李", "一组", 5, 1)])
        >>> judges.decide_each([False] * 6)["judge"].tolist()
        ['王', '李', '王', '李', '李', '李']
        >>> judges.decide_each([False, False])["rule"].tolist()  # 李 had room for one more
        ['least_loaded', 'no_capacity']
        """
        minors = np.asarray(minors, dtype=bool)
        judge, rule, reason = (np.full(len(minors), "", dtype=object) for _ in range(3))
        kinds = {m: Unit(minors=m) for m in (False, True)}
        picker = {m: next((r for r in RULES if r.applies(u, self) and r.pick is _least_loaded), None)
                  for m, u in kinds.items()}
        team = np.where(minors, self.destination(kinds[True]), self.destination(kinds[False]))
        left = [np.flatnonzero([picker[m] is None for m in minors])]
        for t in dict.fromkeys(team.tolist()):
            # both kinds share the general team when there is no minors' team: one queue, in order
            units = np.flatnonzero((team == t) & np.array([picker[m] is not None for m in (False, True)])[minors.astype(int)])
            picked = self.pools[t].take_each(len(units))
            got = units[:len(picked)]
            judge[got] = picked
            for m, r in picker.items():
                at = got[minors[got] == m]
                if len(at):
                    rule[at], reason[at] = r.name, r.reason(self._facts(kinds[m]))
            left.append(units[len(picked):])
        nobody: dict[bool, Decision] = {}
        for i in np.sort(np.concatenate(left)).tolist():
            m = bool(minors[i])
            d = nobody.get(m) or self.decide(kinds[m])
            if not d.judge:
                nobody[m] = d
            judge[i], rule[i], reason[i] = d
        return pd.DataFrame({"judge": judge, "rule": rule, "reason": reason})

    def _facts(self, unit: Unit) -> dict:
        team = self.destination(unit)
        top = holder(unit.held) if unit.held else ""
        return {"holder": top, "held": unit.held.get(top, 0), "size": unit.size, "n": unit.n,
                "team": team or "any general team", "minors_team": self.options.minors_team}


@dataclass(frozen=True)
class Rule:
    """A named rule: ``applies(unit, judges)`` says whether it speaks to a
    unit, ``pick(unit, judges)`` names its judge (None: it has none with
    room, and ``missed`` says so before the next rule's reason); ``why`` is
    the reason it gives, written ``<name>: <why>``."""

    name: str
    why: str
    applies: Callable[[Unit, Judges], bool]
    pick: Callable[[Unit, Judges], str | None]
    missed: str = ""

    def reason(self, facts: dict) -> str:
        return f"{self.name}: {self.why.format(**facts)}"


def _least_loaded(unit: Unit, judges: Judges) -> str | None:
    return judges.pools[judges.destination(unit)].take(unit.n)


def _holder_with_room(unit: Unit, judges: Judges) -> str | None:
    top = holder(unit.held)
    return top if judges.has_room(top, unit.n) else None


RULES: tuple[Rule, ...] = (
    Rule("kept", "the case already has this judge",
         lambda u, j: bool(u.judge), lambda u, j: u.judge),
    Rule("follows_holder", "{holder} holds {held} of {size} cases of the bundle",
         lambda u, j: bool(u.held), _holder_with_room, missed="holder {holder} has no room; "),
    Rule("minors_team", "least-loaded judge of {team} with room for {n} cases",
         lambda u, j: j.destination(u) != GENERAL, _least_loaded),
    # A minors' case in a court without a minors' team: said, not hidden.
    Rule("least_loaded", "minors' case, but no judge in team {minors_team}",
         lambda u, j: u.minors and not j.minors_judges, _least_loaded),
    Rule("least_loaded", "least-loaded judge of {team} with room for {n} cases",
         lambda u, j: not u.minors, _least_loaded),
    Rule("no_capacity", "no judge of {team} has room for {n} cases",
         lambda u, j: True, lambda u, j: ""),
)
#: The rules' names, in order, each once.
NAMES: tuple[str, ...] = tuple(dict.fromkeys(r.name for r in RULES))
KEPT, FOLLOWS_HOLDER = RULES[:2]
#: The reason of a case that has a judge, for the callers that keep
#: thousands of cases without asking the rules one by one.
KEPT_REASON = KEPT.reason({})
