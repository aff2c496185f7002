"""Routing the day's new cases to judges (分案): ``casegraph assign``.

Each morning the case assigner gets the newly filed cases. :func:`assign_new`
loads them into the database through the engine's own load
(:func:`casegraph.engines.neo4j.load.load_graph`, which re-resolves their
parties with those already there), then routes each case that has no judge,
one by one, by the rules of :mod:`casegraph.assign.rules`, the same rules
that assign a whole export:

1. ``kept``: a case that already has a judge keeps it (in the database, or
   given in the input). Cases are never moved: routing only fills empty
   judges.
2. ``follows_holder``: a case tied to existing bundles (a shared resolved
   party or asset: the engine's routing lookup, ``cypher/route_case.cypher``)
   goes to the judge who holds most of their cases, if that judge has room.
   A case that joins bundles held by different judges goes to that one too,
   and the ``conflict`` column names the others for a person to decide.
3. ``minors_team``: a minors' case (抚养费, 探望权, 抚养权), or one joining a
   bundle that holds one, goes to the least-loaded judge of the minors' team.
4. ``least_loaded``: otherwise the least-loaded judge outside that team.
5. ``no_capacity``: nobody has room; the case keeps no judge and is listed,
   never dropped (the next ``assign`` tries it again).

A judge's load is what the database holds (cases with that judge); the
capacity of the judges table is the most cases a judge holds, so the room
left is capacity minus load. Cases are routed one by one and their routes
committed in groups of a few cases (:data:`WRITE_EVERY`), and routing sees the cases routed
before it; a run cut short (server killed) is finished by running ``assign``
again: the cases already routed keep their judge and the route stored with
it, the rest are routed as the first run would have. One writer at a time:
``assign`` holds the database's writer lease (:mod:`casegraph.engines.neo4j.lock`)
from its load to its last route.

>>> WRITE_EVERY
32
>>> from casegraph.engines import open_engine                          # doctest: +SKIP
>>> with open_engine("neo4j") as engine:                                 # doctest: +SKIP
...     routing = assign_new(engine, "today/")
>>> routing.routes[["case_no", "judge", "rule", "related_cases"]]     # doctest: +SKIP
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.assign.rules import FOLLOWS_HOLDER, KEPT, KEPT_REASON, NAMES, Judges, Unit, capacity, holder
from casegraph.engines.base import Engine
from casegraph.engines.neo4j.db import query, statements
from casegraph.engines.neo4j.engine import Neo4jEngine
from casegraph.engines.neo4j.load import load_graph
from casegraph.engines.neo4j.lock import writer
from casegraph.jobs.runs import new_run_id, now
from casegraph.normalise.caseno import court_code
from casegraph.reasons import localised
from casegraph.write.files import atomic_file, write_csv, write_sheets

# Routes are committed in small groups: one disk flush per group, not per
# case. A run cut short loses at most the group in flight, which the next run
# routes again, the same way (same loads, same cases still to route).
WRITE_EVERY = 32
# Lookups asked ahead of the case being decided: two keep a 2-core server busy.
LOOKUPS_AHEAD = 2


@dataclass
class Routing:
    """What :func:`assign_new` did: ``routes`` (one row per case of the
    input, columns of :data:`casegraph.contract.ROUTES`), the load's report,
    the milliseconds each routed case took (lookup, decision and write) and
    its lookup alone, and a summary."""

    routes: pd.DataFrame
    load: object = None
    latencies_ms: list = field(default_factory=list)
    lookup_ms: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)


class Router:
    """Routes cases one by one: the engine's routing lookup, then the rules
    of :mod:`casegraph.assign.rules` over the judges' book.

    ``judges``: judge, team, capacity and load (the cases the store gives the
    judge now; ``cypher/route_judge_loads.cypher``). Each routed case is
    charged to its judge in the book, so the next case sees the new loads
    without asking the store again.
    """

    def __init__(self, engine: Engine, judges: pd.DataFrame):
        self.engine = engine
        self.lookup_ms: list[float] = []
        # Routed in this run: case_no -> judge. A lookup asked ahead of time
        # (lookups) does not show these judges, nor one asked before they are committed.
        self.routed: dict[str, str] = {}
        judges = judges.reindex(columns=["judge", "team", "capacity", "load", "court"]).fillna({"court": ""})
        rows = [(name, team, max(capacity(cap) - int(load), 0), load)
                for name, team, cap, load in judges[["judge", "team", "capacity", "load"]].itertuples(index=False)]
        self.judges = Judges(rows, engine.options)
        # A judge who names a court takes only its cases: one book per court, over the same entries.
        self.court_of = dict(zip(judges["judge"], judges["court"].astype(str)))
        self._rows = rows
        self._books: dict[frozenset, Judges] = {}

    def book(self, courts: set[str]) -> Judges:
        """The judges who may take a case of ``courts`` (its court, its case
        number's code): those of that court and those who name none."""
        named = {c for c in self.court_of.values() if c}
        if not named:
            return self.judges
        key = frozenset(courts & named)
        if key not in self._books:
            mine = Judges([r for r in self._rows if self.court_of[r[0]] in key | {""}], self.engine.options)
            for name in mine.book:  # shared: what one court's book charges, every book sees
                mine.book[name] = self.judges.book[name]
            self._books[key] = mine
        return self._books[key]

    def _charged(self, judge: str, by: Judges) -> None:
        """``judge``'s load changed through ``by``: every other book ranks them again."""
        for b in (self.judges, *self._books.values()):
            if b is not by and judge in b.book:
                b.pools[b._pool(judge)].refresh(judge)

    def _minors(self, cause: str) -> bool:
        return any(m in (cause or "") for m in self.engine.options.minors_causes)

    def lookup(self, case_no: str, pending=()) -> pd.DataFrame:
        """The engine's routing lookup of one case (``pending``: the day's
        cases not routed yet, which count as not there)."""
        t = time.perf_counter()
        rows = self.engine.routing_lookup(case_no, pending)
        self.lookup_ms.append((time.perf_counter() - t) * 1000)
        return rows

    def lookups(self, todo: list[tuple[str, list[str]]]) -> Iterator[pd.DataFrame]:
        """The lookups of ``todo`` (case, its pending cases), in order, asked
        on :data:`LOOKUPS_AHEAD` threads ahead of the decisions: what a lookup
        returns does not depend on the routes (their judges are laid over by
        :meth:`decide`), so the next cases are asked while this one is decided."""
        pool = ThreadPoolExecutor(max_workers=LOOKUPS_AHEAD)
        try:
            futures = [pool.submit(self.lookup, *one) for one in todo]
            for f in futures:
                yield f.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def decide(self, case_no: str, cause: str, pending=(), rows: pd.DataFrame | None = None,
               court: str = "") -> dict:
        """The route of one case without a judge: judge ('' if nobody has
        room), rule, reason, related_cases, links, conflict. Charges the judge.
        ``pending``: the day's cases not routed yet (they count as not there);
        ``rows``: its lookup, if asked already (:meth:`lookups`); ``court``:
        the case's (with its number's code, it picks the judges who may take it)."""
        rows = self.lookup(case_no, pending) if rows is None else rows
        # Plain Python from here: a day's cases are routed one at a time.
        tied = list(zip(rows["bundle"], rows["case_no"], rows["judge"], rows["cause"], rows["via"])) if len(rows) else []
        if self.routed:  # the lookup may not show these judges
            tied = [(b, c, j or self.routed.get(c, ""), cause_, via) for b, c, j, cause_, via in tied]
        links = sorted({v for *_, via in tied for v in via})
        related = sorted(c for _, c, _, _, via in tied if via)
        minors = self._minors(cause) or any(self._minors(c) for _, _, _, c, _ in tied)
        judged = [(b, c, j) for b, c, j, _, _ in tied if j]
        held = Counter(j for _, _, j in judged)
        size = len({c for _, c, *_ in tied}) + 1
        book = self.book({court, *court_code(pd.Series([case_no]))} - {""})
        judge, rule, reason = book.decide(Unit(n=1, held=held, size=size, minors=minors))
        self._charged(judge, book)
        # The cases that decided: those of the judge followed, else those tied directly.
        deciding = sorted(c for _, c, j in judged if j == judge) if rule == FOLLOWS_HOLDER.name else related
        return {"judge": judge, "rule": rule, "reason": reason, "related_cases": C.LIST_SEP.join(deciding),
                "links": C.LIST_SEP.join(links), "conflict": _conflict(judged, holder(held)) if judged else ""}

    def team(self, judge: str) -> str:
        return self.judges.team(judge)

    def undo(self, judge: str) -> None:
        """A route that was not written (another assigner got there first)."""
        self.judges.charge(judge, -1)
        self._charged(judge, self.judges)


def _conflict(judged: list[tuple[str, str, str]], followed: str) -> str:
    """The judges other than ``followed`` (the holder) holding cases the new
    case ties to (``judged``: bundle, case_no, judge): bundles held by
    different judges (a person decides), or a bundle already split between
    judges."""
    others = sorted((j, c) for _, c, j in judged if j != followed)
    if not others:
        return ""
    per_bundle: dict[str, Counter] = {}
    for b, _, j in judged:
        per_bundle.setdefault(b, Counter())[j] += 1
    holders = {holder(n) for n in per_bundle.values()}
    what = ("joins bundles held by different judges" if len(holders) > 1
            else "its bundle is already split between judges")
    by_judge: dict[str, list[str]] = {}
    for j, c in others:
        by_judge.setdefault(j, []).append(c)
    parts = [f"{j} holds {C.LIST_SEP.join(cs)}" for j, cs in by_judge.items()]
    return f"{what}: routed to {followed}; " + "; ".join(parts)


def assign_new(engine: Neo4jEngine, new_input: str | Path, judges: str | Path | None = None,
               progress: bool = False, key: bytes | None = None, decisions: str | Path | None = None,
               wait: float = 0.0) -> Routing:
    """Load the cases of ``new_input`` (same input as ``casegraph load``) into
    the engine's database and route each one without a judge, with the
    engine's options and the clerk's decisions (the database's and those of
    the file ``decisions``); see the module docstring. Holds the database's
    writer lease throughout (waiting up to ``wait`` seconds for another writer).

    Raises :class:`casegraph.errors.DatabaseError` (one line) if the
    database fails (run it again to finish), :class:`casegraph.errors.LockHeld`
    if another writer kept the lease.
    """
    from casegraph.pipeline import prepare

    run_id, started = new_run_id("A"), time.perf_counter()
    _, resolved, graph = prepare(new_input, judges, engine.options)
    with writer(engine.db, "assign", wait):
        routing = _assign(engine, graph, resolved, run_id, progress, key, decisions)
    routing.summary = summarise(routing, run_id, time.perf_counter() - started)
    return routing


def _assign(engine: Neo4jEngine, graph, resolved, run_id: str, progress: bool, key: bytes | None,
            decisions: str | Path | None) -> Routing:
    db = engine.db
    cases = graph.cases
    held = query(db, "route_held", {"case_nos": cases["case_no"].tolist()})
    held = held.set_index("case_no") if len(held) else pd.DataFrame(columns=["judge"])
    # The load keeps the database's judge where the input has none (a case
    # routed before never moves); route what has none after it.
    load = load_graph(db, graph, resolved, progress=progress, key=key, command="assign",
                      decisions=decisions)
    there = dict(zip(held.index, held["judge"]))
    before = pd.Series([there.get(c) or "" for c in cases["case_no"]], index=cases.index, dtype=object)
    cases["judge"] = cases["judge"].where(cases["judge"] != "", before)

    router = Router(engine, query(db, "route_judge_loads"))
    order = cases.sort_values(["filed_on", "case_no"], na_position="last")
    to_route = order.loc[order["judge"] == "", "case_no"].tolist()
    # Each case's lookup leaves out the day's cases routed after it.
    todo = [(c, sorted(to_route[i + 1:])) for i, c in enumerate(to_route)]
    rows, latencies, batch = {}, [], []
    bar = _bar(len(to_route), progress)
    looked_up = router.lookups(todo)
    try:
        courts = order["court"] if "court" in order else pd.Series("", index=order.index)
        for case_no, cause, judge, court in zip(order["case_no"], order["cause"], order["judge"], courts):
            if judge:
                rows[case_no] = _kept(case_no, judge, held, router)
                continue
            t = time.perf_counter()
            route = router.decide(case_no, cause, rows=next(looked_up), court=court or "")
            route.update(case_no=case_no, team=router.team(route["judge"]), routed_at=now(), run_id=run_id)
            rows[case_no] = route
            router.routed[case_no] = route["judge"]
            batch.append(route)
            if len(batch) >= WRITE_EVERY:
                _write_routes(db, batch, rows, router)
                batch = []
            latencies.append((time.perf_counter() - t) * 1000)
            bar.update(1)
        _write_routes(db, batch, rows, router)
    finally:
        looked_up.close()
        bar.close()
    routes = pd.DataFrame(list(rows.values()), columns=list(C.ROUTES.columns)).fillna("")
    return Routing(routes, load, latencies, router.lookup_ms)


def _write_routes(db, batch: list[dict], rows: dict, router: Router) -> None:
    """Commit a group of routes; a case another assigner routed meanwhile
    is reported with the judge the database holds."""
    if not batch:
        return
    cols = ("case_no", "judge", "rule", "reason", "related_cases", "links", "conflict", "routed_at", "run_id")
    (write,) = statements("route_write")
    written = db.write(write, {"routes": [{k: r[k] for k in cols} for r in batch]})
    at = dict(zip(written["case_no"], written["routed_at"])) if len(written) else {}
    for r in batch:
        if r["case_no"] in at:
            r["routed_at"] = at[r["case_no"]]  # as the database gives it back on a re-run
        else:
            router.undo(r["judge"])
            there = query(db, "route_held", {"case_nos": [r["case_no"]]}).set_index("case_no")
            rows[r["case_no"]] = _kept(r["case_no"], there.at[r["case_no"], "judge"], there, router)
            router.routed[r["case_no"]] = rows[r["case_no"]]["judge"]


def _kept(case_no: str, judge: str, held: pd.DataFrame, router: Router) -> dict:
    """A case that has a judge: the route an earlier assign stored, else kept."""
    row = {"case_no": case_no, "judge": judge, "team": router.team(judge), "rule": KEPT.name, "reason": KEPT_REASON,
           "related_cases": "", "links": "", "conflict": "", "routed_at": "", "run_id": ""}
    if case_no in held.index and held.at[case_no, "judge"] == judge and held.get("rule") is not None:
        stored = held.loc[case_no]
        if isinstance(stored.get("rule"), str) and stored["rule"]:
            for k in ("rule", "reason", "related_cases", "links", "conflict", "routed_at", "run_id"):
                row[k] = stored[k] if isinstance(stored[k], str) else ""
    return row


def summarise(routing: Routing, run_id: str, seconds: float) -> dict:
    r = routing.routes
    lat = sorted(routing.latencies_ms)
    return {
        "run_id": run_id,
        "cases": len(r),
        "rules": {rule: int((r["rule"] == rule).sum()) for rule in NAMES},
        "conflicts": int((r["conflict"] != "").sum()),
        "without_judge": int((r["judge"] == "").sum()),
        "routed_now": len(lat),
        "route_ms_p50": round(lat[len(lat) // 2], 1) if lat else None,
        "route_ms_p95": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 1) if lat else None,
        "load_seconds": round(routing.load.total_seconds, 1) if routing.load is not None else None,
        "seconds": round(seconds, 1),
    }


def write_routes(routes: pd.DataFrame, path: str | Path, lang: str = "zh") -> Path:
    """Write the routes to ``path``: an Excel workbook if it ends in .xlsx,
    else a CSV Excel opens (BOM); reasons in ``lang`` (:mod:`casegraph.reasons`).
    Written beside it and renamed into place: a crash never leaves half a file."""
    path = Path(path)
    routes = localised({"routes": routes}, lang)["routes"]
    with atomic_file(path, "the routes") as tmp:
        if path.suffix.lower() == ".xlsx":
            write_sheets({"routes": routes.reindex(columns=list(C.ROUTES.columns))}, tmp)
        else:
            write_csv(routes, tmp, C.ROUTES.columns)
    return path


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, show: bool, desc: str = "routing new cases"):
    if not show or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="case", desc=desc, leave=False, disable=None)  # None: only on a terminal
