"""Routing the day's new cases to judges (分案): ``casegraph assign``.

Each morning the case assigner gets the newly filed cases. :func:`assign_new`
loads them into the database through the engine's own load
(:func:`casegraph.neo4j_load.load_graph`, which re-resolves their parties
with those already there), then routes each case that has no judge, one by
one, by the rules of :mod:`casegraph.assign`:

1. ``kept``: a case that already has a judge keeps it (in the database, or
   given in the input). Cases are never moved: routing only fills empty
   judges.
2. ``follows_holder``: a case tied to existing bundles (a shared resolved
   party or asset; ``cypher/route_case.cypher``) goes to the judge who holds
   most of their cases, if that judge has room. A case that joins bundles
   held by different judges goes to that one too, and the ``conflict``
   column names the others for a person to decide.
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
it, the rest are routed as the first run would have. One assigner at a time.

>>> RULES
('kept', 'follows_holder', 'minors_team', 'least_loaded', 'no_capacity')
>>> from casegraph import neo4j_engine as ne                         # doctest: +SKIP
>>> with ne.connect() as db:                                           # doctest: +SKIP
...     routing = assign_new(db, "today/")
>>> routing.routes[["case_no", "judge", "rule", "related_cases"]]     # doctest: +SKIP
"""
from __future__ import annotations

import math
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.assign.batch import GENERAL, _charge, _Pool
from casegraph.engines.neo4j.db import Database, defaults, statements
from casegraph.write.files import _csv, atomic_file

ROUTES = C.Output(
    "routes.csv",
    ("case_no", "judge", "team", "rule", "reason", "related_cases", "links", "conflict", "routed_at", "run_id"),
)
RULES = ("kept", "follows_holder", "minors_team", "least_loaded", "no_capacity")
KEPT = "kept: the case already has this judge"

# What the database holds of the day's cases before they are loaded: a case
# routed by an earlier (perhaps interrupted) run keeps its judge and route.
READ_HELD = """UNWIND $case_nos AS case_no
MATCH (c:Case {case_no: case_no})
RETURN c.case_no AS case_no, coalesce(c.judge, '') AS judge, c.route_rule AS rule, c.route_reason AS reason,
       c.route_related AS related_cases, c.route_links AS links, c.route_conflict AS conflict,
       toString(c.routed_at) AS routed_at, c.route_run AS run_id"""

# Judges, their team and capacity, and their load: the cases the database
# gives them (through the index on Case.judge).
JUDGE_LOADS = """MATCH (j:Judge)
RETURN j.judge AS judge, coalesce(j.team, '') AS team, j.capacity AS capacity,
       COUNT { MATCH (c:Case) WHERE c.judge = j.judge } AS load"""

# The routes of a few cases, each written only if its case still has no
# judge: running it twice, or after another assigner, never moves a case.
WRITE_ROUTES = """UNWIND $routes AS r
MATCH (c:Case {case_no: r.case_no})
WHERE coalesce(c.judge, '') = ''
SET c.judge = r.judge, c.route_rule = r.rule, c.route_reason = r.reason, c.route_related = r.related_cases,
    c.route_links = r.links, c.route_conflict = r.conflict, c.routed_at = datetime(r.routed_at),
    c.route_run = r.run_id
RETURN c.case_no AS case_no, toString(c.routed_at) AS routed_at"""
# Routes are committed in small groups: one disk flush per group, not per
# case. A run cut short loses at most the group in flight, which the next run
# routes again, the same way (same loads, same cases still to route).
WRITE_EVERY = 32


@dataclass
class Routing:
    """What :func:`assign_new` did: ``routes`` (one row per case of the
    input, columns of :data:`ROUTES`), the load's report, the milliseconds
    each routed case took (lookup, decision and write) and its lookup alone,
    and a summary."""

    routes: pd.DataFrame
    load: object = None
    latencies_ms: list = field(default_factory=list)
    lookup_ms: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)


class Router:
    """The judges' book (team, room, load) and the per-case rules.

    Made once per run from the database (:data:`JUDGE_LOADS`); each routed
    case is charged to its judge here, so the next case sees the new loads
    without asking the database again.
    """

    def __init__(self, db: Database, options: C.Options):
        self.db, self.options = db, options
        self.query = statements("route_case")[0]
        self.lookup_ms: list[float] = []
        self.unwritten: dict[str, str] = {}  # routed in this run, not committed yet: case_no -> judge
        self.params = {**defaults("route_case"), "hub_threshold": options.hub_threshold}
        judges = db.read(JUDGE_LOADS)
        self.book = {}
        for name, team, cap, load in judges[["judge", "team", "capacity", "load"]].itertuples(index=False) if len(
                judges) else ():
            cap = math.inf if cap is None or pd.isna(cap) else int(cap)
            self.book[name] = {"team": team, "room": max(cap - int(load), 0), "load": int(load)}
        self.minors_judges = [n for n, j in self.book.items() if j["team"] == options.minors_team]
        self.pools = {options.minors_team: _Pool(self.minors_judges, self.book),
                      GENERAL: _Pool([n for n, j in self.book.items() if j["team"] != options.minors_team], self.book)}

    def _minors(self, cause: str) -> bool:
        return any(m in (cause or "") for m in self.options.minors_causes)

    def decide(self, case_no: str, cause: str, pending=()) -> dict:
        """The route of one case without a judge: judge ('' if nobody has
        room), rule, reason, related_cases, links, conflict. Charges the judge.
        ``pending``: the day's cases not routed yet (they count as not there)."""
        t = time.perf_counter()
        rows = self.db.read(self.query, {**self.params, "case_no": case_no, "pending": list(pending)})
        self.lookup_ms.append((time.perf_counter() - t) * 1000)
        # Plain Python from here: a day's cases are routed one at a time.
        tied = list(zip(rows["bundle"], rows["case_no"], rows["judge"], rows["cause"], rows["via"])) if len(rows) else []
        if self.unwritten:  # the database does not show these judges yet
            tied = [(b, c, j or self.unwritten.get(c, ""), cause_, via) for b, c, j, cause_, via in tied]
        links = sorted({v for *_, via in tied for v in via})
        related = sorted(c for _, c, _, _, via in tied if via)
        minors = self._minors(cause) or any(self._minors(c) for _, _, _, c, _ in tied)
        judged = [(b, c, j) for b, c, j, _, _ in tied if j]
        judge, reason, conflict, deciding = None, "", "", related
        if judged:
            counts = Counter(j for _, _, j in judged)
            holder = min(counts, key=lambda j: (-counts[j], j))
            size = len({c for _, c, *_ in tied}) + 1
            conflict = _conflict(judged, holder)
            if holder not in self.book or self.book[holder]["room"] >= 1:
                if holder in self.book:
                    _charge(self.book, holder, 1)
                    self._pool_of(holder).refresh(holder)
                judge = holder
                reason = f"follows_holder: {holder} holds {counts[holder]} of {size} cases of the bundle"
                deciding = sorted(c for _, c, j in judged if j == holder)
            else:
                reason = f"holder {holder} has no room; "
        if judge is None:
            team = self.options.minors_team if minors and self.minors_judges else GENERAL
            judge = self._take(team)
            rule = "minors_team" if team == self.options.minors_team else "least_loaded"
            team_name = team or "any general team"
            if judge is None:
                judge, reason = "", reason + f"no_capacity: no judge of {team_name} has room for 1 cases"
            elif minors and not self.minors_judges:
                reason += f"least_loaded: minors' case, but no judge in team {self.options.minors_team}"
            else:
                reason += f"{rule}: least-loaded judge of {team_name} with room for 1 cases"
        return {"judge": judge, "rule": rule_of(reason), "reason": reason,
                "related_cases": C.LIST_SEP.join(deciding), "links": C.LIST_SEP.join(links), "conflict": conflict}

    def _take(self, team: str) -> str | None:
        return self.pools[team].take(1)

    def _pool_of(self, judge: str) -> _Pool:
        return self.pools[self.options.minors_team if self.book[judge]["team"] == self.options.minors_team else GENERAL]

    def team(self, judge: str) -> str:
        return self.book.get(judge, {}).get("team", "")

    def undo(self, judge: str) -> None:
        """A route that was not written (another assigner got there first)."""
        if judge in self.book:
            self.book[judge]["room"] += 1
            self.book[judge]["load"] -= 1
            self._pool_of(judge).refresh(judge)


def rule_of(reason: str) -> str:
    """The rule that decided, from a reason written by the rules of
    :mod:`casegraph.assign` (the last ``rule:`` in it).

    >>> rule_of("holder 甲 has no room; least_loaded: least-loaded judge of any general team with room for 1 cases")
    'least_loaded'
    """
    found = [(reason.rfind(r + ":"), r) for r in RULES if r + ":" in reason]
    return max(found)[1] if found else ""


def _conflict(judged: list[tuple[str, str, str]], holder: str) -> str:
    """The judges other than ``holder`` holding cases the new case ties to
    (``judged``: bundle, case_no, judge): bundles held by different judges
    (a person decides), or a bundle already split between judges."""
    others = sorted((j, c) for _, c, j in judged if j != holder)
    if not others:
        return ""
    per_bundle: dict[str, Counter] = {}
    for b, _, j in judged:
        per_bundle.setdefault(b, Counter())[j] += 1
    holders = {min(n, key=lambda j: (-n[j], j)) for n in per_bundle.values()}
    what = ("joins bundles held by different judges" if len(holders) > 1
            else "its bundle is already split between judges")
    by_judge: dict[str, list[str]] = {}
    for j, c in others:
        by_judge.setdefault(j, []).append(c)
    parts = [f"{j} holds {C.LIST_SEP.join(cs)}" for j, cs in by_judge.items()]
    return f"{what}: routed to {holder}; " + "; ".join(parts)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_id(prefix: str) -> str:
    """A run's id: its UTC time and a random suffix, e.g. ``A20250101T063000-1a2b3c``."""
    return f"{prefix}{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def assign_new(db: Database, new_input: str | Path, judges: str | Path | None = None,
               options: C.Options | None = None, progress: bool = False, key: bytes | None = None) -> Routing:
    """Load the cases of ``new_input`` (same input as ``casegraph load``) and
    route each one without a judge; see the module docstring.

    Raises :class:`casegraph.neo4j_engine.DatabaseError` (one line) if the
    database fails; run it again to finish.
    """
    from casegraph.pipeline import prepare
    from casegraph.engines.neo4j.load import load_graph

    options = options or C.Options()
    run_id, started = new_run_id("A"), time.perf_counter()
    _, resolved, graph = prepare(new_input, judges, options)
    cases = graph.cases
    held = db.read(READ_HELD, {"case_nos": cases["case_no"].tolist()})
    held = held.set_index("case_no") if len(held) else pd.DataFrame(columns=["judge"])
    # Loading writes the input's judge over the database's: keep what is there
    # when the input has none, so a case routed before is never moved.
    there = dict(zip(held.index, held["judge"]))
    before = pd.Series([there.get(c) or "" for c in cases["case_no"]], index=cases.index, dtype=object)
    cases["judge"] = cases["judge"].where(cases["judge"] != "", before)
    load = load_graph(db, graph, resolved, progress=progress, key=key)

    router = Router(db, options)
    order = cases.sort_values(["filed_on", "case_no"], na_position="last")
    pending = set(order.loc[order["judge"] == "", "case_no"])
    rows, latencies, batch = {}, [], []
    bar = _bar(len(pending), progress)
    try:
        for case_no, cause, judge in order[["case_no", "cause", "judge"]].itertuples(index=False):
            if judge:
                rows[case_no] = _kept(case_no, judge, held, router)
                continue
            t = time.perf_counter()
            pending.discard(case_no)
            route = router.decide(case_no, cause, sorted(pending))
            route.update(case_no=case_no, team=router.team(route["judge"]), routed_at=_now(), run_id=run_id)
            rows[case_no] = route
            router.unwritten[case_no] = route["judge"]
            batch.append(route)
            if len(batch) >= WRITE_EVERY or not pending:
                _write_routes(db, batch, rows, router)
                batch = []
            latencies.append((time.perf_counter() - t) * 1000)
            bar.update(1)
        _write_routes(db, batch, rows, router)
    finally:
        bar.close()
    routes = pd.DataFrame(list(rows.values()), columns=list(ROUTES.columns)).fillna("")
    routing = Routing(routes, load, latencies, router.lookup_ms)
    routing.summary = summarise(routing, run_id, time.perf_counter() - started)
    return routing


def _write_routes(db: Database, batch: list[dict], rows: dict, router: Router) -> None:
    """Commit a group of routes; a case another assigner routed meanwhile
    is reported with the judge the database holds."""
    if not batch:
        return
    cols = ("case_no", "judge", "rule", "reason", "related_cases", "links", "conflict", "routed_at", "run_id")
    written = db.write(WRITE_ROUTES, {"routes": [{k: r[k] for k in cols} for r in batch]})
    at = dict(zip(written["case_no"], written["routed_at"])) if len(written) else {}
    for r in batch:
        router.unwritten.pop(r["case_no"], None)
        if r["case_no"] in at:
            r["routed_at"] = at[r["case_no"]]  # as the database gives it back on a re-run
        else:
            router.undo(r["judge"])
            now = db.read(READ_HELD, {"case_nos": [r["case_no"]]}).set_index("case_no")
            rows[r["case_no"]] = _kept(r["case_no"], now.at[r["case_no"], "judge"], now, router)


def _kept(case_no: str, judge: str, held: pd.DataFrame, router: Router) -> dict:
    """A case that has a judge: the route an earlier assign stored, else kept."""
    row = {"case_no": case_no, "judge": judge, "team": router.team(judge), "rule": "kept", "reason": KEPT,
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
        "rules": {rule: int((r["rule"] == rule).sum()) for rule in RULES},
        "conflicts": int((r["conflict"] != "").sum()),
        "without_judge": int((r["judge"] == "").sum()),
        "routed_now": len(lat),
        "route_ms_p50": round(lat[len(lat) // 2], 1) if lat else None,
        "route_ms_p95": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 1) if lat else None,
        "load_seconds": round(routing.load.total_seconds, 1) if routing.load is not None else None,
        "seconds": round(seconds, 1),
    }


def write_routes(routes: pd.DataFrame, path: str | Path) -> Path:
    """Write the routes to ``path``: an Excel workbook if it ends in .xlsx,
    else a CSV Excel opens (BOM). Written beside it and renamed into place:
    a crash never leaves half a file."""
    path = Path(path)
    with atomic_file(path, "the routes") as tmp:
        if path.suffix.lower() == ".xlsx":
            routes.reindex(columns=list(ROUTES.columns)).to_excel(tmp, sheet_name="routes", index=False,
                                                                   engine="openpyxl")
        else:
            _csv(routes, tmp, ROUTES.columns)
    return path


def split_newest(export: str | Path, out: str | Path, n_new: int) -> tuple[Path, Path]:
    """Split a folder export into ``out/existing`` and ``out/new``, the
    newest ``n_new`` cases (by filing date) in the new part, with their
    parties and assets; judges go to both. For trying ``assign`` on a
    sample: load the existing part, then assign the new one.
    """
    from casegraph.normalise.caseno import official_case_nos

    export, out = Path(export), Path(out)
    tables = {t.name: pd.read_csv(export / t.filename, dtype=str, keep_default_na=False)
              for t in (C.CASES, C.PARTIES, C.ASSETS, C.JUDGES) if (export / t.filename).exists()}
    seen: dict = {}

    def official(df):  # clerks type a case number differently in each table
        return official_case_nos(df["case_no"], seen).fillna(df["case_no"])

    cases = tables["cases"].assign(official=official(tables["cases"]))
    newest = set(cases.sort_values(["filed_on", "official"]).tail(n_new)["official"])
    parts = []
    for name, keep in (("existing", False), ("new", True)):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for table, df in tables.items():
            part = df[official(df).isin(newest) == keep] if "case_no" in df else df
            part.to_csv(folder / f"{table}.csv", index=False)
        parts.append(folder)
    return parts[0], parts[1]


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, show: bool, desc: str = "routing new cases"):
    if not show or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="case", desc=desc, leave=False)
