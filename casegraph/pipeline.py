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
            timings: dict | None = None) -> tuple[Clean, Resolved, CaseGraph]:
    """The shared path of both engines, up to the graph."""
    timings = {} if timings is None else timings
    with _bulk():
        return _prepare(export, judges, options, timings)


def _prepare(export, judges, options, timings):
    t = time.perf_counter()
    tables = read_export(export, judges)
    timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    clean = normalise(tables)
    clean.input_rows = {name: len(df) for name, df in tables.items()}
    del tables  # a million cases' raw text: free it before the next stage needs room
    timings["normalise"] = time.perf_counter() - t
    t = time.perf_counter()
    resolved = resolve(clean.parties)
    timings["resolve"] = time.perf_counter() - t
    t = time.perf_counter()
    graph = build_graph(clean, resolved, options)
    timings["graph"] = time.perf_counter() - t
    # The graph and the resolved records hold everything from here on; keep one copy.
    clean.parties = clean.parties.head(0)
    clean.cases, clean.assets = graph.cases, graph.assets
    return clean, resolved, graph


def analyze(export: str | Path, judges: str | Path | None = None, options: C.Options | None = None,
            backend: str = "embedded", **engine_args) -> Result:
    """Analyse a court export (folder of CSVs or .xlsx workbook).

    ``backend`` is ``"embedded"`` (networkx and pandas, no server) or
    ``"neo4j"`` (load into the database, then answer from it; ``engine_args``
    go to :func:`casegraph.neo4j_engine.connect`). Both give the same result.
    """
    options = options or C.Options()
    timings: dict[str, float] = {}
    with _bulk():
        return _analyze(export, judges, options, backend, timings, engine_args)


def _analyze(export, judges, options, backend, timings, engine_args) -> Result:
    clean, resolved, graph = _prepare(export, judges, options, timings)
    t = time.perf_counter()
    progress = engine_args.pop("progress", False)
    scope = None
    with open_engine(backend, graph, options, **engine_args) as engine:
        if backend == "neo4j":
            # The database may hold earlier exports too: the findings are the
            # database's, and the summary says so with both counts.
            engine.load(graph, resolved, progress=progress)
            scope = engine.scope()
        findings = engine.findings()
    timings["find"] = time.perf_counter() - t
    if not graph.judges.empty:
        t = time.perf_counter()
        findings["assignments"] = assign(graph.cases, findings["bundles"], graph.judges, options)
        timings["assign"] = time.perf_counter() - t
    summary = summarise(clean, resolved, graph, findings, timings, backend)
    if scope is not None:
        summary["database"] = scope
    return Result(graph, clean, resolved, findings, summary)


def load(db, export: str | Path, judges: str | Path | None = None, options: C.Options | None = None,
         progress: bool = False):
    """Read, normalise and resolve an export and load it into a Neo4j database
    (a :class:`casegraph.engines.neo4j.db.Database`); see
    :func:`casegraph.engines.neo4j.load.load_graph`."""
    _, resolved, graph = prepare(export, judges, options)
    return Neo4jEngine(db, graph.options).load(graph, resolved, progress=progress)


def summarise(clean: Clean, resolved: Resolved, graph: CaseGraph, findings: dict, timings: dict, backend: str) -> dict:
    rejected = clean.rejected["source"].value_counts()
    f = findings
    bundles = f["bundles"]
    return {
        "backend": backend,
        "input_rows": getattr(clean, "input_rows", {}),
        "accepted": {"cases": len(graph.cases), "parties": len(resolved.records), "assets": len(graph.assets),
                     "judges": len(graph.judges)},
        "rejected": {k: int(rejected.get(k, 0)) for k in ("cases", "parties", "assets", "judges")},
        "warnings": len(clean.warnings),
        "resolved_parties": len(resolved.parties),
        "merged_records": int(len(resolved.records) - len(resolved.parties)),
        "rules": resolved.records["rule"].value_counts().to_dict(),
        "repeat_applicants": len(f["repeat_applicants"]),
        "mass_applicants": int(f["repeat_applicants"]["mass_applicant"].sum()),
        "common_debtors": len(f["common_debtors"]),
        "offsets": f["offsets"]["kind"].value_counts().to_dict(),
        "shared_assets": len(f["shared_assets"]),
        "bundles": int(bundles["bundle_id"].nunique()),
        "cases_in_bundles": len(bundles),
        "largest_bundle": int(bundles["bundle_id"].value_counts().max()) if len(bundles) else 0,
        "assigned": int((f["assignments"]["judge"] != "").sum()) if "assignments" in f else None,
        "unassigned": int((f["assignments"]["judge"] == "").sum()) if "assignments" in f else None,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
    }


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
