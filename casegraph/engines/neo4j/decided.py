"""A clerk's decisions in the shared database: kept with the records they name,
applied again at every load (:func:`casegraph.engines.neo4j.load.load_graph`).

A decision is interpreted once, when a decisions file first brings it
(:func:`casegraph.decisions.interpret`, against the parties as the rules
resolve them with the database's records), and kept as the record keys it
names (``cypher/load/keep_decisions.cypher``). From then on it needs neither the
file nor the candidate's id: each later load, however much it adds, links
(``same``) or keeps apart (``different``) exactly those records, so the
morning routing (``casegraph assign``) and the nightly flags see the parties
as the clerk decided. A decision whose records are all gone is reported.

Example::

    from casegraph import pipeline
    from casegraph.engines.neo4j.db import connect, query
    with connect() as db:
        pipeline.load(db, "export/", decisions="decisions.csv")
        query(db, "decisions")          # what the database keeps
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph import decisions
from casegraph.engines.neo4j.db import Database, statement
from casegraph.resolve import DECIDED_COLUMNS, Resolved, no_decisions, settle


def stored(db: Database) -> pd.DataFrame:
    """The decisions the database keeps, one row per record named
    (:data:`casegraph.resolve.DECIDED_COLUMNS`)."""
    kept = db.read(statement("decisions"))
    if kept.empty:
        return no_decisions()
    kept = kept.assign(pair=[list(zip(r, s)) for r, s in zip(kept["records"], kept["sides"])]).explode("pair")
    kept = kept.dropna(subset=["pair"])
    return pd.DataFrame({"decision_id": kept["decision_id"].to_numpy(), "decision": kept["decision"].to_numpy(),
                         "side": [int(p[1]) for p in kept["pair"]], "record_key": [p[0] for p in kept["pair"]],
                         "shown": kept["shown"].to_numpy()})[DECIDED_COLUMNS]


def apply(db: Database, resolved: Resolved, path: str | Path | None, options: C.Options,
          key: bytes | None = None) -> tuple[Resolved, list[dict]]:
    """``resolved`` (by the rules alone, over the database's records and
    the export's) with the kept decisions and those of the file at ``path``
    applied (a file's decision replaces a kept one of the same id); and the
    file's decisions as ``cypher/load/keep_decisions.cypher`` keeps them."""
    kept = stored(db)
    rows, problems = decisions.read(path) if path is not None else (pd.DataFrame(columns=["candidate_id"]), [])
    new, more = decisions.interpret(rows, resolved, options)
    decided = pd.concat([kept[~kept["decision_id"].isin(set(new["decision_id"]))], new], ignore_index=True)
    if decided.empty and not problems + more:
        return resolved, []
    there = set(resolved.records["record_key"])
    absent = {d: set(keys) for d, keys in kept.groupby("decision_id")["record_key"] if not set(keys) & there}
    if absent:
        # A load reads only the records its export touches: ask the database
        # before calling a decision's records gone.
        held = db.read(statement("load/read_records_by_record_key"), {"values": sorted(set().union(*absent.values()))})
        there |= set(held["record_key"]) if len(held) else set()
    gone = [d for d, keys in absent.items() if not keys & there]
    settled = settle(resolved, decided, key)
    settled.problems = (problems + more + [f"{d}: its records are no longer in the database" for d in gone]
                        + settled.problems)
    meta = rows.set_index("candidate_id") if len(rows) else pd.DataFrame(columns=["by", "on", "note"])
    keep = []
    for did, grp in new.groupby("decision_id", sort=False):
        keep.append({"decision_id": did, "decision": grp["decision"].iloc[0], "decided_by": meta.at[did, "by"],
                     "decided_on": meta.at[did, "on"], "note": meta.at[did, "note"], "shown": grp["shown"].iloc[0],
                     "records": grp["record_key"].tolist(), "sides": [int(s) for s in grp["side"]]})
    return settled, keep


def store(db: Database, keep: list[dict]) -> None:
    """Keep decisions (as :func:`apply` gives them) in the database."""
    if keep:
        db.write(statement("load/keep_decisions"), {"rows": keep})
