"""The nightly flags: candidates for centralised enforcement (集中执行), ``casegraph flag``.

A batch job scans the whole database and flags, by kind:

``centralised``
    debtors with ``min_open_cases`` or more open cases (not closed, not
    终本), ranked by open cases, then their amount: study enforcing them
    together (集中执行, DOMAIN.md).
``bankruptcy``
    debtors whose cases were closed for lack of property (终本)
    ``min_no_property`` times or more, ranked the same way: candidates for
    enforcement to bankruptcy (执转破, organisations) or personal debt
    consolidation (个人债务集中清理, natural persons).
``offset``
    the offset finding (:func:`casegraph.engines.neo4j.find.offsets`):
    bilateral set-off, and cycles that need every party's agreement.
``split_bundle``
    related-case bundles whose cases sit with two or more judges (bundles as
    :func:`casegraph.engines.neo4j.find.bundles` finds them), most judges
    first; the holder is the judge the bundle's new cases follow
    (:func:`casegraph.assign.rules.holder`).
``cross_court``
    debtors owing in cases of two or more courts (``common_debtors``'
    ``cross_court``), most courts first: the higher court's finding, a
    candidate for 提级执行 or 协同执行 (cross-court enforcement, seed 002).

Flags go back into Neo4j as ``(:Flag {kind, rank, run_id, run_at, ...})``
nodes pointing at what they flag (``-[:FLAGS]->`` a Party or a Case), under a
``(:FlagRun)``. The same tables go to files: one CSV per kind (BOM, for
Excel), ``flags.xlsx`` with a sheet per kind, and ``summary.json``. The
order keeps both places whole: the run's flags are written to the database
(not yet counted), its files are staged in the output folder, and only then
does the run say ``state: 'done'``, are the flags of earlier runs removed
(the ``cypher/flags_*.cypher`` files) and the files moved in, ``summary.json``
last. Files that cannot be written remove the new run again: the previous
run stays whole in the database and in the folder. A later run replaces the
last instead of piling up, and a run cut short (server killed) leaves the
last finished run in place and is finished by running again.
``cypher/flags_latest.cypher`` reads the latest finished run's flags. A run
holds the database's writer lease (:mod:`casegraph.engines.neo4j.lock`): two
runs at once would remove each other's flags.

>>> KINDS
('centralised', 'bankruptcy', 'offset', 'split_bundle', 'cross_court')
>>> from casegraph.engines import open_engine                          # doctest: +SKIP
>>> with open_engine("neo4j") as engine:                                 # doctest: +SKIP
...     run = flag_all(engine, FlagOptions(min_open_cases=5), out="flags/")
>>> run.tables["centralised"].head(3)                                    # doctest: +SKIP
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.assign.rules import by_holding
from casegraph.cells import content_id
from casegraph.engines.neo4j import find as nf
from casegraph.engines.neo4j.db import Database, query, statements
from casegraph.engines.neo4j.engine import Neo4jEngine
from casegraph.engines.neo4j.lock import writer
from casegraph.errors import OutputError
from casegraph.jobs.runs import new_run_id, now
from casegraph.reasons import localised
from casegraph.write.files import STAGE_PREFIX, write_sheets, write_tables

KINDS = ("centralised", "bankruptcy", "offset", "split_bundle", "cross_court")
# What each kind is called on a court's screen.
TITLES = {
    "centralised": "集中执行 centralised enforcement",
    "bankruptcy": "执转破 / 个人债务集中清理 enforcement to bankruptcy, personal debt consolidation",
    "offset": "抵销 offsets",
    "split_bundle": "关联案件分散承办 bundles split between judges",
    "cross_court": "提级执行 / 协同执行 debtors across courts",
}
OUTPUTS = {
    "centralised": C.Output("flags_centralised.csv", (
        "rank", "flag_id", "party_id", "name", "kind", "n_open_cases", "open_amount", "n_cases", "total_amount",
        "n_no_property", "n_applicants", "open_case_nos", "run_id")),
    "bankruptcy": C.Output("flags_bankruptcy.csv", (
        "rank", "flag_id", "party_id", "name", "kind", "route", "n_no_property", "no_property_amount", "n_cases",
        "total_amount", "n_open_cases", "n_applicants", "no_property_case_nos", "run_id")),
    "offset": C.Output("flags_offsets.csv", (
        "rank", "flag_id", "offset_id", "kind", "parties", "case_nos", "amount", "note", "run_id")),
    "split_bundle": C.Output("flags_split_bundles.csv", (
        "rank", "flag_id", "bundle_id", "n_cases", "n_judges", "judges", "holder", "case_nos", "run_id")),
    "cross_court": C.Output("flags_cross_court.csv", (
        "rank", "flag_id", "party_id", "name", "kind", "n_courts", "courts", "n_cases", "total_amount", "case_nos",
        "run_id")),
}
WORKBOOK = "flags.xlsx"
BANKRUPTCY = "执转破"  # an organisation: enforcement to bankruptcy
CONSOLIDATION = "个人债务集中清理"  # a natural person: personal debt consolidation

@dataclass(frozen=True)
class FlagOptions:
    """The thresholds of a flag run, with the defaults a court would expect.
    What the findings use (hub threshold, personal causes, longest offset
    cycle) are the engine's options.

    >>> FlagOptions().min_open_cases
    3
    """

    min_open_cases: int = 3
    min_no_property: int = 3
    # Statuses that close a case for good (a case without one is open).
    closed_markers: tuple[str, ...] = C.CLOSED_MARKERS


@dataclass
class FlagRun:
    """A run's flags by kind (columns of :data:`OUTPUTS`), its id and time,
    and a summary."""

    run_id: str
    run_at: str
    tables: dict[str, pd.DataFrame]
    summary: dict = field(default_factory=dict)


def flag_all(engine: Neo4jEngine, flag_options: FlagOptions | None = None, progress: bool = False,
             batch: int = 1_000, out: str | Path | None = None, wait: float = 0.0,
             lang: str = "zh") -> FlagRun:
    """Scan the engine's database, write the flags back and return them (see
    the module docstring), holding the database's writer lease (waiting up
    to ``wait`` seconds for it).

    With ``out``, the files (notes in ``lang``) are written first, staged
    in that folder; only then does the new run replace the database's, and the files are moved in.
    If they cannot be written, the new run is removed again and
    :class:`~casegraph.errors.OutputError` raised: the previous run stays
    whole, in the database and in ``out``. Raises
    :class:`casegraph.errors.DatabaseError` (one line) if the database fails
    (run it again to finish), :class:`~casegraph.errors.LockHeld` if another
    writer kept the lease.
    """
    fo = flag_options or FlagOptions()
    with writer(engine.db, "flag", wait):
        return _flag(engine, fo, progress, batch, None if out is None else Path(out), lang)


def _flag(engine: Neo4jEngine, fo: FlagOptions, progress: bool, batch: int, out: Path | None,
          lang: str) -> FlagRun:
    db = engine.db
    run_id, run_at = new_run_id("F"), now()
    steps = _Steps(progress)
    stage = None
    try:
        with steps("schema"):
            _write(db, "flags_schema")
            _write(db, "flags_begin_run", {"run_id": run_id, "run_at": run_at})
            n_cases = int(query(db, "count_cases").iloc[0, 0])
        with steps("debtors"):
            debtors = _debtors(db, fo)
            tables = {"centralised": centralised(debtors, fo), "bankruptcy": bankruptcy(debtors, fo)}
        with steps("offsets"):
            tables["offset"] = offsets(engine)
        with steps("bundles"):
            tables["split_bundle"] = split_bundles(engine)
        with steps("courts"):
            tables["cross_court"] = cross_court(engine)
        for kind, t in tables.items():
            t["flag_id"] = [content_id("F", f"{kind}|{s}") for s in _subjects(kind, t)]
            t["run_id"] = run_id
            tables[kind] = t.reindex(columns=list(OUTPUTS[kind].columns))
        with steps("writing to Neo4j"):
            _write_back(db, tables, run_id, run_at, batch)
        counts = {k: len(t) for k, t in tables.items()}
        replaced = sorted(query(db, "flags_other_runs", {"run_id": run_id}).iloc[0, 0])
        run = FlagRun(run_id, run_at, tables)
        run.summary = summarise(run, fo, n_cases, replaced, steps.seconds, engine)
        if out is not None:
            try:
                stage = _stage(run, out, lang)
            except OutputError:
                _drop_run(db, run_id, batch)
                raise
        with steps("replacing earlier runs"):
            _write(db, "flags_finish_run", {"run_id": run_id, "counts": json.dumps(counts)})
            while int(_write(db, "flags_drop_old_flags", {"run_id": run_id, "batch": batch * 5}).iloc[0, 0]):
                pass
            _write(db, "flags_drop_old_runs", {"run_id": run_id})
        if stage is not None:
            _move_in(stage, out)
            stage = None
    finally:
        steps.close()
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    run.summary["seconds"] = {k: round(v, 2) for k, v in steps.seconds.items()}
    return run


def _drop_run(db: Database, run_id: str, batch: int) -> None:
    """Remove a run that will not be finished (its files failed)."""
    drop_flags, drop_run = statements("flags_drop_run")
    while int(db.write(drop_flags, {"run_id": run_id, "batch": batch * 5}).iloc[0, 0]):
        pass
    db.write(drop_run, {"run_id": run_id})


def _stage(run: FlagRun, out: Path, lang: str) -> Path:
    """Every file of the run, written into a folder staged inside ``out``."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder for the flags")
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    except OSError as e:
        raise OutputError(f"{out}: cannot write the flags here ({e.strerror})") from None
    try:
        write_flags(run, stage, lang)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def _move_in(stage: Path, out: Path) -> None:
    """The staged files into ``out``, ``summary.json`` last (a folder with
    a summary holds one whole run)."""
    try:
        (out / C.SUMMARY_FILE).unlink(missing_ok=True)
        for f in sorted(stage.iterdir(), key=lambda f: f.name == C.SUMMARY_FILE):
            os.replace(f, out / f.name)
    except OSError as e:
        raise OutputError(f"{out}: moving the flags in failed ({e.strerror})") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _write(db: Database, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run the statements of ``cypher/<name>.cypher`` as writes (each one
    transaction); the last one's rows."""
    out = pd.DataFrame()
    for statement in statements(name):
        out = db.write(statement, params)
    return out


# -- the flags -----------------------------------------------------------------

def _debtors(db: Database, fo: FlagOptions) -> pd.DataFrame:
    d = query(db, "flags_debtors", {"min_open_cases": fo.min_open_cases, "min_no_property": fo.min_no_property,
                                    "no_property_markers": list(C.NO_PROPERTY_MARKERS),
                                    "closed_markers": list(fo.closed_markers)})
    cols = ["party_id", "name", "kind", "n_cases", "total_amount", "n_open_cases", "open_amount", "open_case_nos",
            "n_no_property", "no_property_amount", "no_property_case_nos", "n_applicants"]
    if d.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in ("n_cases", "n_open_cases", "n_no_property", "n_applicants"):
        d[c] = d[c].astype("int64")
    for c in ("total_amount", "open_amount", "no_property_amount"):
        d[c] = d[c].astype("float64").round(2)
    for c in ("open_case_nos", "no_property_case_nos"):
        d[c] = [C.LIST_SEP.join(sorted(v)) for v in d[c]]
    return d[cols]


def _ranked(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    df = df.sort_values(by, ascending=[False] * (len(by) - 1) + [True]).reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df


def centralised(debtors: pd.DataFrame, fo: FlagOptions) -> pd.DataFrame:
    """Debtors with ``min_open_cases`` open cases or more, most open cases
    (then the largest open amount) first."""
    d = debtors[debtors["n_open_cases"] >= fo.min_open_cases]
    return _ranked(d.copy(), ["n_open_cases", "open_amount", "party_id"])


def bankruptcy(debtors: pd.DataFrame, fo: FlagOptions) -> pd.DataFrame:
    """Debtors with ``min_no_property`` cases closed for lack of property or
    more; ``route``: 执转破 for an organisation, 个人债务集中清理 for a person."""
    d = debtors[debtors["n_no_property"] >= fo.min_no_property].copy()
    d["route"] = [CONSOLIDATION if k == C.PERSON else BANKRUPTCY for k in d["kind"]]
    return _ranked(d, ["n_no_property", "no_property_amount", "party_id"])


def offsets(engine: Neo4jEngine) -> pd.DataFrame:
    """The offset finding, in its own order (bilateral first, largest amount first)."""
    o = nf.offsets(engine.db, engine.options).reset_index(drop=True)
    o.insert(0, "rank", range(1, len(o) + 1))
    return o


def split_bundles(engine: Neo4jEngine) -> pd.DataFrame:
    """Bundles whose cases sit with two or more judges; ``judges``:
    ``<judge>×<cases>``, most first; ``holder``: the judge with the most."""
    b = nf.bundles(engine.db, engine.options)
    cols = ["bundle_id", "n_cases", "n_judges", "judges", "holder", "case_nos"]
    if b.empty:
        return _ranked(pd.DataFrame({c: pd.Series(dtype=object) for c in cols}), ["n_judges", "n_cases", "bundle_id"])
    judges = query(engine.db, "flags_case_judges", {"case_nos": b["case_no"].tolist()})
    b = b.merge(judges, on="case_no", how="left").fillna({"judge": ""})
    held = b[b["judge"] != ""]
    n = held.groupby("bundle_id")["judge"].nunique()
    split = held[held["bundle_id"].isin(n[n >= 2].index)]
    rows = []
    for bundle_id, g in split.groupby("bundle_id"):
        counts = Counter(g["judge"])
        order = by_holding(counts)
        cases = b.loc[b["bundle_id"] == bundle_id, "case_no"]
        rows.append((bundle_id, len(cases), len(order), C.LIST_SEP.join(f"{j}×{counts[j]}" for j in order), order[0],
                     C.LIST_SEP.join(sorted(cases))))
    return _ranked(pd.DataFrame(rows, columns=cols), ["n_judges", "n_cases", "bundle_id"])


def cross_court(engine: Neo4jEngine) -> pd.DataFrame:
    """Debtors owing in cases of two or more courts, most courts (then most
    cases) first: for the higher court to consider 提级执行 or 协同执行."""
    d = nf.common_debtors(engine.db, engine.options)
    d = d[d["cross_court"]][["party_id", "name", "kind", "n_courts", "courts", "n_cases", "total_amount", "case_nos"]]
    return _ranked(d.copy(), ["n_courts", "n_cases", "party_id"])


def _subjects(kind: str, t: pd.DataFrame) -> list[str]:
    col = {"centralised": "party_id", "bankruptcy": "party_id", "offset": "offset_id", "split_bundle": "bundle_id",
           "cross_court": "party_id"}[kind]
    return t[col].astype(str).tolist()


# -- writing back ----------------------------------------------------------------

def _nodes(kind: str, t: pd.DataFrame, run_id: str) -> tuple[list[dict], list[dict], list[dict]]:
    """(flag nodes, party links, case links) of one kind's table."""
    flags, parties, cases = [], [], []
    for r in t.to_dict("records"):
        key = f"{run_id}:{r['flag_id']}"
        if kind == "centralised":
            title = f"{r['name']}: {r['n_open_cases']} open cases, {r['open_amount']:,.2f} yuan"
            n, amount, case_nos, subject = r["n_open_cases"], r["open_amount"], r["open_case_nos"], r["party_id"]
        elif kind == "bankruptcy":
            title = f"{r['name']}: {r['n_no_property']} cases closed for lack of property (终本), {r['route']}"
            n, amount, case_nos, subject = (r["n_no_property"], r["no_property_amount"], r["no_property_case_nos"],
                                            r["party_id"])
        elif kind == "offset":
            title = f"{r['kind']} offset of {r['amount']:,.2f} yuan between {len(r['parties'].split(C.LIST_SEP))} parties"
            case_nos, amount, subject = r["case_nos"], r["amount"], r["offset_id"]
            n = len(case_nos.split(C.LIST_SEP))
        elif kind == "cross_court":
            title = f"{r['name']}: {r['n_cases']} cases in {r['n_courts']} courts ({r['courts']})"
            n, amount, case_nos, subject = r["n_cases"], r["total_amount"], r["case_nos"], r["party_id"]
        else:
            title = f"bundle of {r['n_cases']} cases held by {r['n_judges']} judges: {r['judges']}"
            n, amount, case_nos, subject = r["n_cases"], None, r["case_nos"], r["bundle_id"]
        case_list = case_nos.split(C.LIST_SEP) if case_nos else []
        flags.append({"key": key, "flag_id": r["flag_id"], "kind": kind, "rank": int(r["rank"]), "subject": subject,
                      "title": title, "n_cases": int(n), "amount": None if amount is None else float(amount),
                      "case_nos": case_list, "run_id": run_id})
        if kind in ("centralised", "bankruptcy", "cross_court"):
            parties.append({"key": key, "target": r["party_id"]})
        elif kind == "offset":
            parties.extend({"key": key, "target": p} for p in r["parties"].split(C.LIST_SEP))
        else:
            cases.extend({"key": key, "target": c} for c in case_list)
    return flags, parties, cases


def _write_back(db: Database, tables: dict[str, pd.DataFrame], run_id: str, run_at: str, batch: int) -> None:
    for kind in KINDS:
        flags, parties, cases = _nodes(kind, tables[kind], run_id)
        for i in range(0, len(flags), batch):
            _write(db, "flags_write", {"flags": flags[i:i + batch], "run_at": run_at})
        for name, links in (("flags_link_parties", parties), ("flags_link_cases", cases)):
            for i in range(0, len(links), batch):
                _write(db, name, {"links": links[i:i + batch]})


# -- summary and files -------------------------------------------------------------

def summarise(run: FlagRun, fo: FlagOptions, n_cases: int, replaced: list[str], seconds: dict,
              engine: Neo4jEngine) -> dict:
    t = run.tables
    bank = t["bankruptcy"]
    off = t["offset"]
    top = t["centralised"].head(1).to_dict("records")
    return {
        "run_id": run.run_id,
        "run_at": run.run_at,
        "database": f"{engine.db.uri} (database {engine.db.database})",
        "cases": n_cases,
        "thresholds": {"min_open_cases": fo.min_open_cases, "min_no_property": fo.min_no_property,
                       "hub_threshold": engine.options.hub_threshold,
                       "max_cycle_length": engine.options.max_cycle_length,
                       "closed_markers": list(fo.closed_markers)},
        "flags": {k: len(v) for k, v in t.items()},
        "centralised_top": ({"name": top[0]["name"], "party_id": top[0]["party_id"],
                             "n_open_cases": int(top[0]["n_open_cases"]),
                             "open_amount": float(top[0]["open_amount"])} if top else None),
        "centralised_open_cases": int(t["centralised"]["n_open_cases"].sum()),
        "bankruptcy_routes": {BANKRUPTCY: int((bank["route"] == BANKRUPTCY).sum()),
                              CONSOLIDATION: int((bank["route"] == CONSOLIDATION).sum())},
        "offsets": {"bilateral": int((off["kind"] == "bilateral").sum()),
                    "multilateral": int((off["kind"] == "multilateral").sum()),
                    "amount": round(float(off["amount"].sum()), 2) if len(off) else 0.0},
        "split_bundle_cases": int(t["split_bundle"]["n_cases"].sum()) if len(t["split_bundle"]) else 0,
        "cross_court_cases": int(t["cross_court"]["n_cases"].sum()) if len(t["cross_court"]) else 0,
        "replaced_runs": replaced,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def write_flags(run: FlagRun, out_dir: str | Path, lang: str = "zh") -> Path:
    """One CSV per kind, ``flags.xlsx`` (a sheet per kind and a summary
    sheet) and ``summary.json`` into ``out_dir``; notes in ``lang``
    (:mod:`casegraph.reasons`). Every file is written beside its place and
    renamed in, ``summary.json`` last: a folder with a summary holds one whole run."""
    tables = localised(run.tables, lang)
    sheets = {"summary": _summary_sheet(run), **{kind: tables[kind] for kind in KINDS}}
    return write_tables(tables, OUTPUTS, run.summary, out_dir,
                        parts={WORKBOOK: lambda path: write_sheets(sheets, path)})


def _summary_sheet(run: FlagRun) -> pd.DataFrame:
    s = run.summary
    rows = [("run_id", s["run_id"]), ("run_at", s["run_at"]), ("cases", s["cases"])]
    rows += [(f"flags: {TITLES[k]}", n) for k, n in s["flags"].items()]
    rows += [(f"threshold: {k}", json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
             for k, v in s["thresholds"].items()]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": str})


class _Steps:
    """A progress bar over the run's steps, and the seconds of each."""

    def __init__(self, show: bool):
        self.seconds: dict[str, float] = {}
        self.bar = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=7, desc="flagging", unit="step", leave=False, disable=None)  # None: only on a terminal

    def __call__(self, name: str):
        steps = self

        class _Step:
            def __enter__(self):
                if steps.bar is not None:
                    steps.bar.set_description(f"flagging: {name}")
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                steps.seconds[name] = time.perf_counter() - self.t
                if steps.bar is not None and exc[0] is None:
                    steps.bar.update(1)

        return _Step()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
