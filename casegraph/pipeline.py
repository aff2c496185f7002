"""One analysis run: read → normalise → resolve → graph → find → assign.

Example::

    from casegraph import analyze, write_result
    result = analyze("sample/")
    result.findings["common_debtors"].head(3)
    write_result(result, "out/")
"""
from __future__ import annotations

import contextlib
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph import decisions as clerk
from casegraph.assign.batch import assign
from casegraph.engines import open_engine
from casegraph.find.clearing import clearing_plan
from casegraph.engines.neo4j.engine import Neo4jEngine
from casegraph.graph import CaseGraph, build_graph
from casegraph.normalise.clean import Clean, normalise
from casegraph.read import read_export
from casegraph.resolve import Resolved, resolve


@dataclass
class Result:
    """What a run found. ``findings`` holds the tables of
    ``contract.FINDINGS``; the rest explains them."""

    graph: CaseGraph
    clean: Clean
    resolved: Resolved
    findings: dict[str, pd.DataFrame]
    summary: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every output table by contract name."""
        records = self.resolved.records.assign(source="parties")
        return {
            **self.findings,
            "parties": self.resolved.parties,
            "party_records": records,
            "warnings": self.clean.warnings,
            "rejected": self.clean.rejected,
            "set_aside": self.clean.set_aside,
        }


@contextlib.contextmanager
def _bulk():
    """Python's cycle collector re-scans every live object each time enough
    new ones are made; with millions of rows alive that makes a run
    quadratic. The tables hold no cycles worth finding, so pause it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def prepare(export: str | Path, judges: str | Path | None = None, options: C.Options | None = None,
            timings: dict | None = None, decisions: str | Path | None = None) -> tuple[Clean, Resolved, CaseGraph]:
    """The shared path of both engines, up to the graph; with the clerk's
    decisions of the file ``decisions`` applied (:mod:`casegraph.decisions`).
    What Neo4j loads is prepared without them: the database applies its own
    with the file's (:mod:`casegraph.engines.neo4j.decided`)."""
    timings = {} if timings is None else timings
    with _bulk():
        return _prepare(export, judges, options, timings, decisions)


def _prepare(export, judges, options, timings, decisions=None):
    stage = _Stages(timings)
    with stage("read"):
        tables = read_export(export, judges)
    with stage("normalise"):
        clean = normalise(tables)
        del tables  # a million cases' raw text: free it before the next stage needs room
    with stage("resolve"):
        resolved = clerk.apply(resolve(clean.parties, options=options), decisions, options)
    with stage("graph"):
        graph = build_graph(clean, resolved, options)
        # The graph and the resolved records hold everything from here on; keep one copy.
        clean.parties = clean.parties.head(0)
        clean.cases, clean.assets = graph.cases, graph.assets
    return clean, resolved, graph


class _Stages:
    """Times each stage of a run into ``timings`` (wall seconds) and
    ``timings["cpu"]`` (this process's CPU seconds: on a shared machine the
    wall time says more about the neighbours than about the run).

    >>> t = {}
    >>> with _Stages(t)("read"):
    ...     pass
    >>> sorted(t), sorted(t["cpu"])
    (['cpu', 'read'], ['read'])
    """

    def __init__(self, timings: dict):
        self.timings = timings
        timings.setdefault("cpu", {})

    @contextlib.contextmanager
    def __call__(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.timings[name] = time.perf_counter() - wall
        self.timings["cpu"][name] = time.process_time() - cpu


def analyze(export: str | Path, judges: str | Path | None = None, options: C.Options | None = None,
            backend: str = "embedded", decisions: str | Path | None = None, **engine_args) -> Result:
    """Analyse a court export (folder of CSVs or .xlsx workbook).

    ``backend`` is ``"embedded"`` (networkx and pandas, no server) or
    ``"neo4j"`` (load into the database, then answer from it; ``engine_args``
    go to :func:`casegraph.neo4j_engine.connect`). Both give the same result.
    ``decisions``: a file of the clerk's decisions on the candidates for
    review (:mod:`casegraph.decisions`).
    """
    options = options or C.Options()
    timings: dict[str, float] = {}
    with _bulk():
        return _analyze(export, judges, options, backend, timings, engine_args, decisions)


def _analyze(export, judges, options, backend, timings, engine_args, decisions=None) -> Result:
    clean, resolved, graph = _prepare(export, judges, options, timings, None if backend == "neo4j" else decisions)
    stage = _Stages(timings)
    progress = engine_args.pop("progress", False)
    wait = engine_args.pop("wait", 0.0)
    scope = None
    with stage("find"), open_engine(backend, graph, options, **engine_args) as engine:
        if backend == "neo4j":
            # The database may hold earlier exports too: the findings are the
            # database's, and the summary says so with both counts.
            decided = engine.load(graph, resolved, progress=progress, decisions=decisions, wait=wait,
                                  command="analyze").decisions
            scope = engine.scope()
        else:
            decided = clerk.summary(resolved)
        findings = engine.findings()
    if not graph.judges.empty:
        with stage("assign"):
            findings["assignments"] = assign(graph.cases, findings["bundles"], graph.judges, options)
    summary = summarise(clean, resolved, graph, findings, timings, backend, decided)
    if scope is not None:
        summary["database"] = scope
    return Result(graph, clean, resolved, findings, summary)


def load(db, export: str | Path, judges: str | Path | None = None, options: C.Options | None = None,
         progress: bool = False, decisions: str | Path | None = None, wait: float = 0.0):
    """Read, normalise and resolve an export and load it into a Neo4j database
    (a :class:`casegraph.engines.neo4j.db.Database`), with the clerk's
    decisions of the file ``decisions``, waiting up to ``wait`` seconds for
    another writer; see :func:`casegraph.engines.neo4j.load.load_graph`."""
    _, resolved, graph = prepare(export, judges, options)
    return Neo4jEngine(db, graph.options).load(graph, resolved, progress=progress, decisions=decisions, wait=wait)


def summarise(clean: Clean, resolved: Resolved, graph: CaseGraph, findings: dict, timings: dict, backend: str,
              decided: dict | None = None) -> dict:
    rejected = clean.rejected["source"].value_counts()
    f = findings
    bundles = f["bundles"]
    debtors = f["common_debtors"]
    # A published list (失信, 终本) names debtors only: what needs applicants is not found, not zero.
    applicants = bool((graph.roles["role"] == C.APPLICANT).any())
    out = {
        "backend": backend,
        "input_rows": getattr(clean, "input_rows", {}),
        "accepted": {"cases": len(graph.cases), "parties": len(resolved.records), "assets": len(graph.assets),
                     "judges": len(graph.judges)},
        "rejected": {k: int(rejected.get(k, 0)) for k in ("cases", "parties", "assets", "judges")},
        "warnings": len(clean.warnings),
        "set_aside": {"parties": len(clean.set_aside)},
        "too_many_rejected": too_many_rejected(clean, graph.options.max_rejected),
        "resolved_parties": len(resolved.parties),
        "merged_records": int(len(resolved.records) - len(resolved.parties)),
        "rules": resolved.records["rule"].value_counts().to_dict(),
        "repeat_applicants": len(f["repeat_applicants"]),
        "mass_applicants": int(f["repeat_applicants"]["mass_applicant"].sum()),
        "common_debtors": len(debtors),
        "cross_court_debtors": int((debtors["n_courts"] >= 2).sum()) if len(debtors) else 0,
        "shared_representatives": len(f["shared_representatives"]) if "shared_representatives" in f else 0,
        "offsets": f["offsets"]["kind"].value_counts().to_dict(),
        "shared_assets": len(f["shared_assets"]),
        "bundles": int(bundles["bundle_id"].nunique()),
        "cases_in_bundles": len(bundles),
        "largest_bundle": int(bundles["bundle_id"].value_counts().max()) if len(bundles) else 0,
        "persons_without_id": without_id(resolved.records, f["candidates"]),
        "candidates": {k: int((f["candidates"]["kind"] == k).sum()) for k in ("person", "org_variant", "branch")},
        "decisions": decided if decided is not None else clerk.summary(resolved),
        "assigned": int((f["assignments"]["judge"] != "").sum()) if "assignments" in f else None,
        "unassigned": int((f["assignments"]["judge"] == "").sum()) if "assignments" in f else None,
        "seconds": {k: round(v, 3) for k, v in timings.items() if k != "cpu"},
        "cpu_seconds": {k: round(v, 3) for k, v in timings.get("cpu", {}).items()},
    }
    if not applicants:
        out.update(repeat_applicants=None, mass_applicants=None, offsets=None, no_applicants=NO_APPLICANTS)
    return out


NO_APPLICANTS = ("the input names no applicants (a published list of debtors): repeat applicants and offsets "
                 "cannot be found in it")


def too_many_rejected(clean: Clean, limit: float) -> dict[str, dict]:
    """The tables of which more than ``limit`` (a share) of the rows were
    rejected: table -> {rejected, rows, share}. A ledger's party rows of a
    rejected case count with the case, not again.

    >>> import pandas as pd
    >>> from types import SimpleNamespace as NS
    >>> clean = NS(rejected=pd.DataFrame({"source": ["cases"] * 2}), input_rows={"cases": 20, "parties": 40})
    >>> too_many_rejected(clean, 0.05)
    {'cases': {'rejected': 2, 'rows': 20, 'share': 0.1}}
    """
    counts = clean.rejected["source"].value_counts()
    out = {}
    for table, rows in getattr(clean, "input_rows", {}).items():
        n = int(counts.get(table, 0))
        if rows and n / rows > limit:
            out[table] = {"rejected": n, "rows": int(rows), "share": round(n / rows, 4)}
    return out
def without_id(records: pd.DataFrame, candidates: pd.DataFrame) -> dict:
    """What became of the person records without a valid ID number: how many
    there were, how many were linked (by rule), how many are offered for
    review (in a person candidate) and how many stand alone.

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> g = from_rows(cases=[(no(i), "抚养费纠纷", 100) for i in (1, 2, 3)] + [(no(4), "民间借贷纠纷", 100)],
    ...               parties=[(no(1), "申请执行人", "李娜"), (no(1), "被执行人", "王强"), (no(2), "申请执行人", "李娜"),
    ...                        (no(2), "被执行人", "王强"), (no(3), "申请执行人", "张某"), (no(3), "被执行人", "王强"),
    ...                        (no(4), "申请执行人", "上海甲有限公司"), (no(4), "被执行人", "赵六")])
    >>> from casegraph.find.candidates import find
    >>> without_id(g.resolved.records, find(g))
    {'records': 7, 'linked': {'same_name_pair': 4}, 'offered_for_review': 1, 'alone': 2}
    """
    person = records[(records["kind"] == C.PERSON) & ~records["id_status"].isin(["resident_id", "credit_code"])]
    linked = person[~person["rule"].isin(["unidentified", C.CLERK_KEPT_APART])]
    people = candidates[candidates["kind"] == "person"]
    offered_pairs = {(n, c) for names, cases in zip(people["names"], people["case_nos"])
                     for n in names.split(C.LIST_SEP) for c in cases.split(C.LIST_SEP)}
    alone = person.drop(linked.index)
    offered = pd.Series([(n, c) in offered_pairs for n, c in zip(alone["name_norm"], alone["case_no"])],
                        index=alone.index, dtype=bool)
    return {"records": len(person), "linked": {k: int(v) for k, v in linked["rule"].value_counts().sort_index().items()},
            "offered_for_review": int(offered.sum()), "alone": int((~offered).sum())}


def plan_clearing(export: str | Path | None = None, judges=None, options: C.Options | None = None,
                  backend: str = "embedded", **engine_args):
    """The clearing plan (:func:`casegraph.find.clearing.clearing_plan`) of a
    court export (``backend="embedded"``) or of the cases in Neo4j
    (``backend="neo4j"``: loads ``export`` first if given; ``engine_args`` go
    to :func:`casegraph.engines.open_engine`)."""
    options = options or C.Options()
    t = time.perf_counter()
    if backend == "embedded" and export is None:
        raise ValueError("the embedded backend needs an export to read")
    graph = resolved = None
    if export is not None:
        _, resolved, graph = prepare(export, judges, options)
    with open_engine(backend, graph, options, **engine_args) as engine:
        if backend == "neo4j" and graph is not None:
            engine.load(graph, resolved)
        graph = engine.clearing_graph()
    prepared = time.perf_counter() - t
    plan = clearing_plan(graph)
    plan.summary["backend"] = backend
    plan.summary["seconds"] = {"prepare": round(prepared, 3), **plan.summary["seconds"]}
    return plan
