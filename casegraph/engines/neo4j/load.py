"""Loading an export into Neo4j: idempotent, incremental, and safe to re-run after a crash.

What a load does, in this order (each step a series of batched ``UNWIND``
writes, :data:`BATCH` rows per transaction, values only ever as parameters;
every statement a commented file in ``cypher/load/``):

1. the schema (``cypher/schema.cypher``: uniqueness constraints first);
2. read what the database holds (``read_*.cypher``) and resolve its party
   records together with the export's (:func:`casegraph.resolve.resolve`
   over the union), so a newer export re-resolves parties consistently with
   what is there;
3. write what differs from the database (``CREATE`` what it lacks, ``SET``
   what changed): parties, cases, party records (re-pointed when a party's
   id changed), the party–case roles, orphaned parties removed, assets,
   judges;
4. rebuild the ``OWES`` projection (``cypher/owes.cypher``) between the
   parties that both owe and are owed.

Loading the same export twice writes nothing new. A ``(:CasegraphMeta)`` node
says ``state: 'loading'`` until a load finishes: the next load after an
interrupted one (server killed, connection lost) compares against the roles
the database really holds, so running ``load`` again finishes the job with
nothing lost and nothing duplicated. One loader at a time.

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
from pathlib import Path

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.decisions import summary as summarise_decisions
from casegraph.engines.neo4j import decided
from casegraph.graph import CaseGraph
from casegraph.normalise.identity import key_check, secret_key
from casegraph.engines.neo4j.db import Database, DatabaseError, params_of, statement, statements
from casegraph.resolve import Resolved, resolve

BATCH = 10_000
WRITERS = 2
META = "casegraph"

# What a (:PartyRecord) keeps: enough to resolve it again with a later export,
# never the ID itself. ``n``: how many rows of the export carried it.
RECORD_INPUT = ["record_key", "case_no", "role", "name", "name_norm", "kind", "id_status", "id_key", "id_masked"]
RECORD_PROPS = RECORD_INPUT + ["n", "party_id", "rule", "key"]
PARTY_PROPS = ["party_id", "name", "kind", "id_masked", "n_records", "rules"]
CASE_PROPS = ["case_no", "filed_on", "cause", "amount", "status", "judge", "type_code"]
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
    # The clerk's decisions applied (casegraph.decisions.summary): by kind, and the lines of those that were not.
    decisions: dict = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def load_graph(db: Database, graph: CaseGraph, resolved: Resolved, progress: bool = False,
               batch: int = BATCH, key: bytes | None = None, decisions: str | Path | None = None) -> LoadReport:
    """Write a prepared export (:func:`casegraph.pipeline.prepare`, resolved
    by the rules alone) into the database, with the clerk's decisions the
    database keeps and those of the file ``decisions`` applied and kept
    (:mod:`casegraph.engines.neo4j.decided`).

    Returns a :class:`LoadReport`. Raises :class:`DatabaseError` (one line)
    if the server cannot be reached or fails; run it again to finish.
    """
    report = LoadReport(cases=len(graph.cases))
    secret = key or secret_key()
    clock = _Clock(report.seconds)

    with clock("schema"):
        for s in statements("schema"):
            db.write(s)
    with clock("begin"):
        report.recovered = _begin(db, secret)
    with clock("read"):
        old = {
            "records": _read(db, "records", RECORD_PROPS),
            "parties": _read(db, "parties", PARTY_PROPS),
            "cases": _read(db, "cases", CASE_PROPS),
            "assets": _read(db, "assets", ["asset_id", "asset_type"]),
            "attaches": _read(db, "attaches", ATTACH_COLS),
        }
        # The roles are what the records say, unless a load was cut short
        # between writing records and roles: then ask the database.
        old["roles"] = (_read(db, "roles", ROLE_COLS) if report.recovered
                        else old["records"][ROLE_COLS].drop_duplicates())
    with clock("resolve"):
        if old["records"].empty:
            res = resolved  # nothing to resolve with: the export's own resolution
        else:
            res = resolve(union_records(resolved.records, old["records"]), key=secret, options=graph.options)
        res, keep = decided.apply(db, res, decisions, graph.options, secret)
        report.decisions = summarise_decisions(res)
        records = _stored_records(res.records)
        parties = res.parties[PARTY_PROPS]
        roles = records[ROLE_COLS].drop_duplicates()

    plan = _Plan()
    plan.parties = _split(parties, old["parties"], ["party_id"])
    plan.cases = _split(graph.cases[CASE_PROPS], old["cases"], ["case_no"])
    created, updated = _split(records, old["records"], ["record_key"])
    # a party's records in one batch: fewer transactions wait for the same party
    plan.records = (created.sort_values("party_id"), updated)
    plan.roles_added, plan.roles_dropped = _diff(roles, old["roles"], ROLE_COLS)
    plan.orphans = sorted(set(old["parties"]["party_id"]) - set(parties["party_id"]))
    plan.assets = _split(_assets(graph.assets, old["assets"]), old["assets"], ["asset_id"])
    attaches = graph.assets[ATTACH_COLS].drop_duplicates(["case_no", "asset_id"])
    plan.attaches = _split(attaches, old["attaches"], ["case_no", "asset_id"])
    plan.judges = _judges(graph.judges)
    # Only a party that both owes and is owed can sit on an offset.
    both = roles.groupby("party_id")["role"].nunique()
    plan.debtors = sorted(both.index[both.to_numpy() == 2])

    bar = _progress(plan.total(), progress)
    count = {"n_records": "toIntegerOrNull", "n": "toIntegerOrNull"}
    try:
        with clock("parties"):
            _create_update(db, "parties", plan.parties, bar, batch, count)
        with clock("cases"):
            _create_update(db, "cases", plan.cases, bar, batch, {"amount": "toFloatOrNull"})
        with clock("records"):
            _create_update(db, "records", plan.records, bar, batch, count)
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
        with clock("decisions"):
            decided.store(db, keep)
        with clock("owes"):
            _rebuild_owes(db, plan.debtors, graph.options, bar, batch)
        with clock("finish"):
            _finish(db, graph.options)
    finally:
        bar.close()
    n = lambda pair: len(pair[0]) + len(pair[1])  # noqa: E731
    report.written = {"parties": n(plan.parties), "cases": n(plan.cases), "records": n(plan.records),
                      "roles": len(plan.roles_added), "assets": n(plan.assets), "attachments": n(plan.attaches),
                      "judges": len(plan.judges), "owes_debtors": len(plan.debtors)}
    report.removed = {"parties": len(plan.orphans), "roles": len(plan.roles_dropped)}
    return report


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
        return pd.DataFrame(columns=["judge", "team", "capacity"])
    j = judges[["judge", "team", "capacity"]].copy()
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
    new = _comparable(new.reset_index(drop=True))
    if old.empty:
        return new, new.iloc[0:0]
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


def _rebuild_owes(db: Database, debtors: list[str], options: C.Options, bar, batch: int) -> None:
    """The OWES projection between the parties that both owe and are owed
    (nobody else can sit on an offset), rebuilt whole: small, and right
    after any load, finished or not."""
    clear = statement("load/owes_clear")
    while int(db.write(clear, {"batch": batch * 5}).iloc[0, 0]):
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
            text = ["" if v is None else str(v) for v in values]
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
