"""Loading an export into Neo4j: idempotent, incremental, and safe to re-run after a crash.

What a load does, in this order (each step a series of batched ``UNWIND``
writes, :data:`BATCH` rows per transaction, values only ever as parameters;
every statement a commented file in ``cypher/load/``):

1. take the database's writer lease (:mod:`~casegraph.engines.neo4j.lock`):
   one writer at a time, on a shared server too;
2. the schema (``cypher/schema.cypher``: uniqueness constraints first);
3. read what the export can touch (:mod:`~casegraph.engines.neo4j.touched`):
   the party records it meets in resolution through indexed keys, every
   record of their parties, and the evidence of its repeat pairs; its
   cases, assets and attachments. Resolve those records together with the
   export's (:func:`casegraph.resolve.resolve`), so a newer export
   re-resolves parties consistently with what is there, at a cost that
   grows with the export, not with the database;
4. write what differs (``CREATE`` what the database lacks, ``SET`` what
   changed): parties, cases (an empty judge cell never clears the
   database's judge), party records (re-pointed when a party's id changed),
   the party–case roles, orphaned parties removed, assets, judges;
5. rebuild the ``OWES`` projection (``cypher/owes.cypher``) of the parties
   whose debts the load may have changed.

Loading the same export twice writes nothing new. A ``(:CasegraphMeta)`` node
says ``state: 'loading'`` until a load finishes: the next load after an
interrupted one (server killed, connection lost) compares against everything
the database holds, roles included, and rebuilds OWES whole, so running
``load`` again finishes the job with nothing lost and nothing duplicated.

Example::

    from casegraph import pipeline
    from casegraph.engines.neo4j.db import connect
    with connect() as db:
        report = pipeline.load(db, "export/")     # prepare(), then load_graph()
    report.written
    # {'parties': 4425, 'cases': 2000, 'records': 4579, 'roles': 4511, ...}
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.decisions import summary as summarise_decisions
from casegraph.engines.neo4j import decided
from casegraph.graph import CaseGraph
from casegraph.normalise.identity import key_check, secret_key
from casegraph.engines.neo4j.bulk import BULK_MIN_CASES, import_plan, is_empty, local_data_dir
from casegraph.engines.neo4j.db import Database, DatabaseError, params_of, statement, statements
from casegraph.engines.neo4j.lock import writer
from casegraph.engines.neo4j.touched import RECORD_INPUT, RECORD_PROPS, Touched, frame
from casegraph.resolve import Resolved, polars_text, resolve

BATCH = 10_000
WRITERS = 2
META = "casegraph"

# What a (:PartyRecord) keeps: enough to resolve it again with a later export,
# never the ID itself (RECORD_PROPS, from touched.py). ``n``: how many rows of the export carried it.
PARTY_PROPS = ["party_id", "name", "kind", "id_masked", "n_records", "rules"]
CASE_PROPS = ["case_no", "filed_on", "cause", "amount", "status", "judge", "court", "type_code"]
# Relationship types cannot be parameters: the role statements
# (cypher/load/roles.cypher) get theirs from this fixed table, never from data.
ROLE_TYPES = {C.APPLICANT: "APPLICANT_IN", C.DEBTOR: "DEBTOR_IN"}

ROLE_COLS = ["case_no", "role", "party_id"]
ATTACH_COLS = ["case_no", "asset_id", "action", "asset_type"]

@dataclass
class LoadReport:
    """What a load changed: rows written per kind, parties removed, seconds per step."""

    cases: int = 0
    written: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    recovered: bool = False
    seconds: dict = field(default_factory=dict)
    # Cases whose judge the export changed (case_no, judge_before, judge): an
    # empty judge cell never clears one, a different name is taken and told.
    judges_changed: pd.DataFrame = None
    read: dict = field(default_factory=dict)
    bulk: bool = False  # written by Neo4j's offline importer (a first load on the local server)
    # The clerk's decisions applied (casegraph.decisions.summary): by kind, and the lines of those that were not.
    decisions: dict = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def load_graph(db: Database, graph: CaseGraph, resolved: Resolved, progress: bool = False,
               batch: int = BATCH, key: bytes | None = None, decisions: str | Path | None = None,
               wait: float = 0.0, command: str = "load", compare_all: bool = False, bulk: bool | None = None,
               data_dir=None) -> LoadReport:
    """Write a prepared export (:func:`casegraph.pipeline.prepare`, resolved
    by the rules alone) into the database, with the clerk's decisions the
    database keeps and those of the file ``decisions`` applied and kept
    (:mod:`casegraph.engines.neo4j.decided`).

    Holds the database's writer lease (:mod:`~casegraph.engines.neo4j.lock`)
    throughout, waiting up to ``wait`` seconds for another writer. Returns a
    :class:`LoadReport`. Raises :class:`DatabaseError` (one line) if the
    server cannot be reached or fails (run it again to finish), and
    :class:`~casegraph.errors.LockHeld` if another writer kept the lease.
    ``compare_all``: compare with everything the database holds and rebuild
    OWES whole, as after a load cut short. ``bulk``: a first load into an
    empty database on the local server (``data_dir``: its folder, default
    ``casegraph neo4j start``'s) goes through Neo4j's offline importer
    (:mod:`~casegraph.engines.neo4j.bulk`): None (the default) when the
    export holds :data:`~casegraph.engines.neo4j.bulk.BULK_MIN_CASES` cases
    or more, True whenever it can, False never.
    """
    with writer(db, command, wait) as token:
        # A decisions file names candidates anywhere in the database: it is
        # read against everything, as the clerk's review saw it.
        return _load(db, graph, resolved, progress, batch, key or secret_key(), compare_all or decisions is not None,
                     _bulk_dir(db, graph, bulk, data_dir), token, decisions)


def _bulk_dir(db: Database, graph: CaseGraph, bulk: bool | None, data_dir) -> Path | None:
    """The local server's folder if this load may go through the importer."""
    if bulk is False or (bulk is None and len(graph.cases) < BULK_MIN_CASES):
        return None
    return local_data_dir(db, data_dir)


def _load(db: Database, graph: CaseGraph, resolved: Resolved, progress: bool, batch: int, secret: bytes,
          compare_all: bool, bulk_dir: Path | None, token: str, decisions: str | Path | None) -> LoadReport:
    report = LoadReport(cases=len(graph.cases))
    clock = _Clock(report.seconds)

    with clock("schema"):
        for s in statements("schema"):
            db.write(s)
    with clock("begin"):
        report.recovered = _begin(db, secret)
    with clock("read"):
        # After a load cut short the records and roles may disagree: compare
        # with everything the database holds. Otherwise only with what the
        # export can touch; in an empty database, with nothing.
        empty = is_empty(db)
        everything = report.recovered or compare_all or empty
        touched = None if everything else Touched(db, resolved.records, batch, graph.options.hub_threshold)
        old = _nothing() if empty else _read_all(db) if everything else None
    with clock("resolve"):
        if touched is not None:
            res, mine = _resolve_touched(resolved, touched, secret, graph.options, clock)
        elif old["records"].empty:
            res, mine = resolved, None  # nothing to resolve with: the export's own resolution
        else:
            res, mine = resolve(union_records(resolved.records, old["records"]), key=secret, options=graph.options), None
        res, keep = decided.apply(db, res, decisions, graph.options, secret)
        report.decisions = summarise_decisions(res)
        records = _stored_records(res.records if mine is None else res.records[res.records["record_key"].isin(mine)])
        parties = res.parties[PARTY_PROPS]
        if mine is not None:
            parties = parties[parties["party_id"].isin(set(records["party_id"]))].reset_index(drop=True)
        roles = records[ROLE_COLS].drop_duplicates()
    if touched is not None:
        with clock("read"):
            old = _read_touched(db, graph, touched, set(records["party_id"]), batch)

    plan = _Plan()
    plan.parties = _split(parties, old["parties"], ["party_id"])
    cases, report.judges_changed = _keep_judges(graph.cases[CASE_PROPS], old["cases"])
    plan.cases = _split(cases, old["cases"], ["case_no"])
    created, updated = _split(records, old["records"], ["record_key"])
    plan.records = (created, updated)
    plan.roles_added, plan.roles_dropped = _diff(roles, old["roles"], ROLE_COLS)
    plan.orphans = sorted(set(old["parties"]["party_id"]) - set(parties["party_id"]))
    plan.assets = _split(_assets(graph.assets, old["assets"]), old["assets"], ["asset_id"])
    attaches = graph.assets[ATTACH_COLS].drop_duplicates(["case_no", "asset_id"])
    plan.attaches = _split(attaches, old["attaches"], ["case_no", "asset_id"])
    plan.judges = _judges(graph.judges)
    if everything:
        # Only a party that both owes and is owed can sit on an offset.
        both = roles.groupby("party_id")["role"].nunique()
        plan.debtors = sorted(both.index[both.to_numpy() == 2])
    else:
        plan.debtors = []
        plan.touched_cases = sorted(set(graph.cases["case_no"]) | set(records["case_no"]))
        plan.flipped = _owing_changed(roles, old["roles"], set(plan.parties[0]["party_id"]))

    if empty and bulk_dir is not None:
        import_plan(db, bulk_dir, bulk_files(plan), {"name": META, "created": datetime.now(timezone.utc),
                                                     "key_check": key_check(secret),
                                                     "state": "loading"}, token, clock)
        report.bulk = True
        with clock("schema"):
            for s in statements("schema"):
                db.write(s)
    bar = _progress(plan.total(), progress)
    try:
        _write_plan(db, plan, graph.options, bar, batch, clock, keep, written=report.bulk)
    finally:
        bar.close()
    with clock("representatives"):
        _write_representatives(db, resolved.records, batch)
    n = lambda pair: len(pair[0]) + len(pair[1])  # noqa: E731
    report.written = {"parties": n(plan.parties), "cases": n(plan.cases), "records": n(plan.records),
                      "roles": len(plan.roles_added), "assets": n(plan.assets), "attachments": n(plan.attaches),
                      "judges": len(plan.judges), "owes_debtors": len(plan.debtors)}
    report.removed = {"parties": len(plan.orphans), "roles": len(plan.roles_dropped)}
    # Records read back: those the load may change, and (touched loads) those read as evidence only.
    context = 0 if touched is None else len(touched.context)
    report.read = {"records": len(old["records"]) + context, "changeable": len(old["records"]), "context": context,
                   "parties": len(old["parties"])}
    return report


def _write_representatives(db: Database, records: pd.DataFrame, batch: int) -> None:
    """Who represents each of the export's debtors (法定代表人), on its
    record: written apart from the records, as it takes no part in
    resolving them (a later export that names none keeps what was written)."""
    if "representative" not in records:
        return
    rows = records.loc[records["representative"].fillna("").astype(str) != "", ["record_key", "representative"]]
    write = statement("load/representatives")
    rows = rows.drop_duplicates("record_key")
    for i in range(0, len(rows), batch):
        db.write(write, {"rows": rows.iloc[i:i + batch].to_dict("records")})


def _write_plan(db: Database, plan: _Plan, options: C.Options, bar, batch: int, clock: _Clock,
                keep: list[dict], written: bool = False) -> None:
    """Write the plan and keep the clerk's decisions ``keep``
    (:func:`casegraph.engines.neo4j.decided.apply`); ``written``: its nodes
    and relationships are in the store already (the bulk importer's), only
    the decisions, OWES and the finish remain."""
    if not written:
        _write_nodes(db, plan, bar, batch, clock)
    with clock("decisions"):
        decided.store(db, keep)
    with clock("owes"):
        if plan.touched_cases is None:
            _rebuild_owes(db, plan.debtors, options, bar, batch)
        else:
            plan.debtors = _owes_touched(db, plan.touched_cases, plan.flipped, batch)
            _rebuild_owes(db, plan.debtors, options, bar, batch, clear_all=False)
    with clock("finish"):
        _finish(db, options)


def _write_nodes(db: Database, plan: _Plan, bar, batch: int, clock: _Clock) -> None:
    count = {"n_records": "toIntegerOrNull", "n": "toIntegerOrNull"}
    with clock("parties"):
        _create_update(db, "parties", plan.parties, bar, batch, count)
    with clock("cases"):
        _create_update(db, "cases", plan.cases, bar, batch, {"amount": "toFloatOrNull"})
    with clock("records"):
        # a party's records in one batch: fewer transactions wait for the same party
        created, updated = plan.records
        _create_update(db, "records", (created.sort_values("party_id"), updated), bar, batch, count)
    with clock("roles"):
        create, drop = statements("load/roles")
        for role, t in ROLE_TYPES.items():
            dropped = plan.roles_dropped
            _write(db, _of_type(drop, t), dropped.loc[dropped["role"] == role, ["case_no", "party_id"]], bar,
                   batch, writers=1)
        for role, t in ROLE_TYPES.items():
            added = plan.roles_added
            mine = added.loc[added["role"] == role, ["case_no", "party_id"]].sort_values("party_id")
            _write(db, _of_type(create, t), mine, bar, batch)
    with clock("orphans"):
        drop = statement("load/orphans")
        for i in range(0, len(plan.orphans), batch):
            db.write(drop, {"ids": plan.orphans[i:i + batch]})
            bar.update(len(plan.orphans[i:i + batch]))
    with clock("assets"):
        _create_update(db, "assets", plan.assets, bar, batch)
        _create_update(db, "attaches", plan.attaches, bar, batch)
    with clock("judges"):
        _write(db, statement("load/judges"), plan.judges, bar, batch, {"capacity": "toFloatOrNull"}, writers=1)


def bulk_files(plan: _Plan) -> dict:
    """What a plan for an empty database creates, as the bulk importer's
    node and relationship tables (:func:`casegraph.engines.neo4j.bulk.import_plan`):
    the same nodes, properties and relationships as :func:`_write_nodes`
    writes, and, as its ``MATCH`` es do, no relationship whose end is missing."""
    parties, cases, records, assets = plan.parties[0], plan.cases[0], plan.records[0], plan.assets[0]
    judges = plan.judges.drop_duplicates("judge", keep="last")  # MERGE then SET: the last row wins
    has_party, has_case = parties["party_id"], cases["case_no"]
    roles = plan.roles_added[_among(plan.roles_added["party_id"], has_party) & _among(plan.roles_added["case_no"], has_case)]
    attaches = plan.attaches[0]
    attaches = attaches[_among(attaches["case_no"], has_case) & _among(attaches["asset_id"], assets["asset_id"])]
    nodes = [
        {"label": "Party", "space": "Party", "id": "party_id", "df": parties, "kinds": {"n_records": "long"}},
        {"label": "Case", "space": "Case", "id": "case_no", "df": cases, "kinds": {"amount": "double"}},
        {"label": "PartyRecord", "space": "PartyRecord", "id": "record_key", "df": records, "kinds": {"n": "long"}},
        {"label": "Asset", "space": "Asset", "id": "asset_id", "df": assets, "kinds": {}},
        {"label": "Judge", "space": "Judge", "id": "judge", "df": judges, "kinds": {"capacity": "double"}},
    ]
    rels = [{"type": "OF", "start": "PartyRecord", "end": "Party",
             "df": records.loc[_among(records["party_id"], has_party), ["record_key", "party_id"]]}]
    rels += [{"type": t, "start": "Party", "end": "Case", "df": roles.loc[roles["role"] == role, ["party_id", "case_no"]]}
             for role, t in ROLE_TYPES.items()]
    rels.append({"type": "ATTACHES", "start": "Case", "end": "Asset", "df": attaches[ATTACH_COLS]})
    return {"nodes": nodes, "relationships": rels}


def _among(s: pd.Series, values: pd.Series) -> np.ndarray:
    """Which values of ``s`` are among ``values``: by polars, since pandas
    looks Arrow text up one value at a time (a million records)."""
    return polars_text(s).is_in(polars_text(values).implode()).to_numpy()


# -- the steps -----------------------------------------------------------------

def union_records(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """The export's party records plus the database's that the export does not
    carry (each repeated as often as its export had it), ready for
    :func:`casegraph.resolve.resolve`.

    An export's own rows win: on an empty database the union is the export,
    so both engines resolve exactly the same records.
    """
    mine = new[RECORD_INPUT]
    if old.empty:
        return mine.reset_index(drop=True)
    kept = old[~old["record_key"].isin(set(mine["record_key"]))]
    kept = kept.loc[kept.index.repeat(kept["n"].fillna(1).astype(int).clip(lower=1)), RECORD_INPUT]
    return pd.concat([mine, kept], ignore_index=True)


def _stored_records(resolved_records: pd.DataFrame) -> pd.DataFrame:
    """One row per record_key with its multiplicity ``n``: what a
    (:PartyRecord) holds."""
    r = resolved_records
    n = r.groupby("record_key", sort=False).size()
    first = r.drop_duplicates("record_key").set_index("record_key", drop=False)
    out = first[[c for c in RECORD_PROPS if c != "n"]].copy()
    out["n"] = n.reindex(out.index).to_numpy().astype(int)
    return out[RECORD_PROPS].reset_index(drop=True)


def _assets(assets: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """One row per asset; its type is the first non-empty one seen, in the
    database or else in export order (what the embedded engine reports)."""
    typed = assets[assets["asset_type"] != ""].drop_duplicates("asset_id").set_index("asset_id")["asset_type"]
    known = old[old["asset_type"].fillna("") != ""].set_index("asset_id")["asset_type"]
    ids = assets.drop_duplicates("asset_id")["asset_id"]
    kind = known.reindex(ids).fillna(typed.reindex(ids)).fillna("")
    return pd.DataFrame({"asset_id": ids.to_numpy(), "asset_type": kind.to_numpy()})


def _judges(judges: pd.DataFrame) -> pd.DataFrame:
    if judges.empty:
        return pd.DataFrame(columns=["judge", "team", "capacity", "court"])
    j = judges.reindex(columns=["judge", "team", "capacity", "court"]).fillna({"court": ""})
    j["capacity"] = j["capacity"].astype(object).where(j["capacity"].notna(), None)
    return j


def _read(db: Database, what: str, columns: list[str]) -> pd.DataFrame:
    """What the database holds of one kind (``cypher/load/read_<what>.cypher``)."""
    df = db.read(statement(f"load/read_{what}"))
    return df.reindex(columns=columns) if not df.empty else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    """Values as the database gives them back, so that equal means unchanged."""
    # astype(object) turns numpy numbers into Python ints and floats
    return df.astype(object).where(df.notna(), None)


def _split(new: pd.DataFrame, old: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows of ``new`` the database lacks, rows it holds with other values)."""
    new = new.reset_index(drop=True)
    if old.empty:
        return new, new.iloc[0:0]
    new = _comparable(new)
    old = _comparable(old[list(new.columns)].drop_duplicates(keys))
    m = new.merge(old, on=keys, how="left", suffixes=("", " old"), indicator=True)
    missing = (m["_merge"] == "left_only").to_numpy()
    differs = np.zeros(len(m), dtype=bool)
    for c in new.columns:
        if c not in keys:
            a, b = m[c], m[c + " old"]
            differs |= ~((a == b).to_numpy(dtype=bool) | (a.isna() & b.isna()).to_numpy())
    return new[missing].reset_index(drop=True), new[~missing & differs].reset_index(drop=True)


def _diff(new: pd.DataFrame, old: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows only in new, rows only in old)."""
    if old.empty:
        return new[cols].drop_duplicates().reset_index(drop=True), old[cols].reset_index(drop=True)
    m = new[cols].merge(old[cols], how="outer", on=cols, indicator=True)
    return (m.loc[m["_merge"] == "left_only", cols].reset_index(drop=True),
            m.loc[m["_merge"] == "right_only", cols].reset_index(drop=True))


def _begin(db: Database, secret: bytes) -> bool:
    """Mark a load as running; True if the previous one did not finish.

    Refuses a database loaded with another secret key: its keyed hashes
    would never match this key's, and every party would be doubled.
    """
    check = key_check(secret)
    meta = db.write(statement("load/begin"), {"name": META, "check": check})
    if not bool(meta.at[0, "same_key"]):
        raise DatabaseError(f"the database at {db.uri} was loaded with another casegraph key (CASEGRAPH_SECRET or "
                            "~/.config/casegraph/secret.key): use that key, or load into an empty database")
    return meta.at[0, "previous"] not in ("ready", "new")


def _finish(db: Database, options: C.Options) -> None:
    db.write(statement("load/finish"), {"name": META, "personal_causes": list(options.personal_causes)})


def _rebuild_owes(db: Database, debtors: list[str], options: C.Options, bar, batch: int,
                  clear_all: bool = True) -> None:
    """The OWES projection between the parties that both owe and are owed
    (nobody else can sit on an offset): rebuilt whole (``clear_all``: after a
    load cut short, or by :func:`refresh_owes`), or for the ``debtors`` an
    incremental load touched, whose edges owes.cypher replaces."""
    clear = statement("load/owes_clear")
    while clear_all and int(db.write(clear, {"batch": batch * 5}).iloc[0, 0]):
        pass
    query = statement("owes")
    causes = params_of(options)["personal_causes"]
    step = max(batch // 4, 1)  # a debtor expands to a few rows: smaller batches, similar transactions
    for i in range(0, len(debtors), step):
        chunk = debtors[i:i + step]
        db.write(query, {"debtors": chunk, "personal_causes": causes})
        bar.update(len(chunk))


def refresh_owes(db: Database, options: C.Options, batch: int = BATCH) -> None:
    """Rebuild the OWES projection, e.g. for other ``personal_causes`` than
    the last load's."""
    debtors = db.read(statement("load/owes_debtors"))["id"].tolist()
    _rebuild_owes(db, sorted(debtors), options, _progress(0, False), batch)
    db.write(statement("load/owes_causes_set"), {"name": META, "causes": list(options.personal_causes)})


def _nothing() -> dict[str, pd.DataFrame]:
    """What an empty database holds."""
    def none(cols):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return {"records": none(RECORD_PROPS), "parties": none(PARTY_PROPS), "cases": none(CASE_PROPS),
            "assets": none(["asset_id", "asset_type"]), "attaches": none(ATTACH_COLS), "roles": none(ROLE_COLS)}


def _read_all(db: Database) -> dict[str, pd.DataFrame]:
    """Everything the database holds, to compare an export with."""
    old = {
        "records": _read(db, "records", RECORD_PROPS),
        "parties": _read(db, "parties", PARTY_PROPS),
        "cases": _read(db, "cases", CASE_PROPS),
        "assets": _read(db, "assets", ["asset_id", "asset_type"]),
        "attaches": _read(db, "attaches", ATTACH_COLS),
    }
    old["roles"] = _read(db, "roles", ROLE_COLS)
    return old


def _resolve_touched(resolved: Resolved, touched: Touched, secret: bytes, options: C.Options,
                     clock: _Clock) -> tuple[Resolved, set[str]]:
    """The export's records resolved with what they touch, and the keys of
    the records to write (the export's and the members'). A context record
    that the resolution puts into a member's party, or whose party a member
    joins, is no context: it becomes a member, and the reading goes on."""
    while True:
        union = union_records(resolved.records, frame([touched.members, touched.context]))
        res = resolve(union, key=secret, options=options)
        mine = set(resolved.records["record_key"]) | set(touched.members["record_key"])
        r = res.records
        theirs = r[~r["record_key"].isin(mine)]
        ours = set(r.loc[r["record_key"].isin(mine), "party_id"])
        stored = touched.context.set_index("record_key")["party_id"].reindex(theirs["record_key"]).to_numpy()
        strays = set(theirs.loc[theirs["party_id"].isin(ours).to_numpy() | pd.Series(stored).isin(ours).to_numpy(),
                                "record_key"])
        if not strays:
            return res, mine
        with clock("read"):
            touched.more(strays)


def _read_touched(db: Database, graph: CaseGraph, touched: Touched, party_ids: set[str],
                  batch: int) -> dict[str, pd.DataFrame]:
    """What the database holds that the export can change: the touched
    records (:mod:`~casegraph.engines.neo4j.touched`' members), their
    parties and those the load writes, the export's cases, assets and
    attachments. The roles are what those records say."""
    records = touched.members
    ids = sorted(set(records["party_id"].dropna()) | party_ids)
    case_nos = graph.cases["case_no"].tolist()
    return {
        "records": records,
        "parties": _read_by(db, "parties", {"ids": ids}, PARTY_PROPS, batch),
        "cases": _read_by(db, "cases", {"case_nos": case_nos}, CASE_PROPS, batch),
        "assets": _read_by(db, "assets", {"ids": sorted(set(graph.assets["asset_id"]))}, ["asset_id", "asset_type"],
                           batch),
        "attaches": _read_by(db, "attaches", {"case_nos": case_nos}, ATTACH_COLS, batch),
        "roles": records[ROLE_COLS].drop_duplicates(),
    }


def _read_by(db: Database, what: str, params: dict, columns: list[str], batch: int) -> pd.DataFrame:
    """``cypher/load/read_<what>_by.cypher`` over one list parameter, in batches."""
    (name, values), = params.items()
    query = statement(f"load/read_{what}_by")
    parts = [db.read(query, {name: values[i:i + batch]}) for i in range(0, len(values), batch)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True).reindex(columns=columns)


def _keep_judges(cases: pd.DataFrame, old: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The export's cases with the database's judge where the export has
    none (routing promised that nothing assigned moves), and the cases whose
    judge the export changes to another name (taken, and reported)."""
    there = dict(zip(old["case_no"], old["judge"].fillna(""))) if len(old) else {}
    before = pd.Series([there.get(c, "") for c in cases["case_no"]], index=cases.index, dtype=object)
    given = cases["judge"].fillna("")
    cases = cases.assign(judge=given.where(given != "", before))
    moved = (given != "") & (before != "") & (given != before)
    changed = pd.DataFrame({"case_no": cases.loc[moved, "case_no"].to_numpy(), "judge_before": before[moved].to_numpy(),
                            "judge": given[moved].to_numpy()})
    return cases, changed


def _owing_changed(roles: pd.DataFrame, old_roles: pd.DataFrame, created: set[str]) -> list[str]:
    """Parties that are new, or owe somewhere now and did not before (or the
    other way round): their creditors' OWES edges towards them may change."""
    def owing(r: pd.DataFrame) -> set[str]:
        return set(r.loc[r["role"] == C.DEBTOR, "party_id"])
    now, before = owing(roles), owing(old_roles)
    return sorted(created | (now ^ before))


def _owes_touched(db: Database, case_nos: list[str], flipped: list[str], batch: int) -> list[str]:
    """The parties whose OWES edges an incremental load may have changed
    (``cypher/load/owes_touched.cypher``)."""
    query = statement("load/owes_touched")
    ids: set[str] = set()
    for i in range(0, len(case_nos), batch):
        ids.update(db.read(query, {"case_nos": case_nos[i:i + batch], "flipped": []})["id"])
    for i in range(0, len(flipped), batch):
        ids.update(db.read(query, {"case_nos": [], "flipped": flipped[i:i + batch]})["id"])
    return sorted(ids)


@dataclass
class _Plan:
    parties: tuple = None  # (to create, to update)
    cases: tuple = None
    records: tuple = None
    roles_added: pd.DataFrame = None
    roles_dropped: pd.DataFrame = None
    orphans: list = None
    assets: tuple = None
    attaches: tuple = None
    judges: pd.DataFrame = None
    debtors: list = None
    touched_cases: list = None  # an incremental load's cases, whose OWES edges may change
    flipped: list = None  # parties new or owing where they did not (or the other way round)

    def total(self) -> int:
        pairs = (self.parties, self.cases, self.records, self.assets, self.attaches)
        return sum(len(a) + len(b) for a, b in pairs) + sum(
            len(x) for x in (self.roles_added, self.roles_dropped, self.orphans, self.judges, self.debtors))


# The Python driver packs every value of a parameter in Python (a few µs
# each): at a million cases that alone takes minutes. So a batch travels as
# one string per column, its values joined with the unit separator, and the
# statement splits it again on the server. Still parameters, never values
# in the query text; no value can hold the separator (normalise folds it
# away as whitespace, keys and hashes are hex).
SEP = "\x1f"


def _packed(df: pd.DataFrame, numeric: dict[str, str]) -> dict:
    out = {"sep": SEP}
    for c in df.columns:
        values = df[c].tolist()
        if c in numeric:
            text = ["" if v is None or v != v else repr(float(v)) if isinstance(v, float) else str(int(v))
                    for v in values]
        else:
            text = ["" if v is None or v != v else str(v) for v in values]  # v != v: NaN, pandas' missing text
        joined = SEP.join(text)
        if joined.count(SEP) != len(text) - 1:
            raise ValueError(f"a value of {c} holds the separator U+001F")
        out[c] = joined
    return out


# A batched statement's first line, which the unpacking head takes the place of.
ROWS = "UNWIND $rows AS r"


def _unpacking(columns: list[str], numeric: dict[str, str]) -> str:
    """The head of a batched write: one row ``r`` per packed value.
    Column names come from this module's constants, never from data."""
    split = ", ".join(f"split(${c}, $sep) AS {c}" for c in columns)
    def one(c):
        return f"{c}: {numeric[c]}({c}[i])" if c in numeric else f"{c}: {c}[i]"
    fields = ", ".join(one(c) for c in columns)
    return f"WITH {split}\nUNWIND range(0, size({columns[0]}) - 1) AS i\nWITH {{{fields}}} AS r\n"


def _of_type(text: str, role_type: str) -> str:
    """A role statement (``cypher/load/roles.cypher``, written for
    APPLICANT_IN) for the role type ``role_type`` of :data:`ROLE_TYPES`."""
    if text.count(":APPLICANT_IN]") != 1 or role_type not in ROLE_TYPES.values():
        raise ValueError(f"cannot make a statement for {role_type} of: {text}")
    return text.replace(":APPLICANT_IN]", f":{role_type}]")


def _create_update(db: Database, kind: str, rows: tuple[pd.DataFrame, pd.DataFrame], bar, batch: int,
                   numeric: dict[str, str] | None = None) -> None:
    """The rows the database lacks and those it holds in another state, by
    the two statements of ``cypher/load/<kind>.cypher``. Updates run one
    transaction at a time: two could wait on each other's nodes."""
    create, update = statements(f"load/{kind}")
    _write(db, create, rows[0], bar, batch, numeric)
    _write(db, update, rows[1], bar, batch, numeric, writers=1)


def _write(db: Database, text: str, df: pd.DataFrame, bar, batch: int, numeric: dict[str, str] | None = None,
           writers: int = WRITERS) -> None:
    """A statement that reads its rows as ``UNWIND $rows AS r``, over ``df``:
    ``batch`` rows per transaction, packed (see :data:`SEP`), ``writers``
    transactions at a time. ``numeric`` maps number columns to their Cypher
    conversion.

    One transaction runs on one server thread: two at a time keep a 2-core
    server busy. Two batches that lock the same node (a bank's roles) wait
    for each other; a deadlock between them is retried by the driver.
    """
    numeric = numeric or {}
    head, _, body = text.partition("\n")
    if head.strip() != ROWS:
        raise ValueError(f"a batched statement begins with {ROWS!r}, not {head!r}")
    if df.empty:
        return
    query = _unpacking(list(df.columns), numeric) + body
    chunks = [df.iloc[i:i + batch] for i in range(0, len(df), batch)]

    def one(chunk: pd.DataFrame) -> int:
        db.write(query, _packed(chunk, numeric))
        return len(chunk)

    if writers <= 1 or len(chunks) == 1:
        for chunk in chunks:
            bar.update(one(chunk))
        return
    with ThreadPoolExecutor(max_workers=writers) as pool:
        for n in pool.map(one, chunks):
            bar.update(n)


class _Clock:
    def __init__(self, seconds: dict):
        self.seconds = seconds

    def __call__(self, name: str):
        clock = self

        class _Timer:
            def __enter__(self):
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                clock.seconds[name] = clock.seconds.get(name, 0.0) + time.perf_counter() - self.t

        return _Timer()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, show: bool):
    if not show or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="row", desc="loading into Neo4j", leave=False, disable=None)  # None: only on a terminal
