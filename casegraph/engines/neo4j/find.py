"""The findings, answered by Neo4j with the queries in ``cypher/``.

The database computes every finding; its rows are finished
(:mod:`casegraph.find.finish`) exactly as the embedded engine's are, so both
engines write the same files. Bundles are the exception that proves it: the
database gives the case–link edges (``cypher/bundles.cypher``) and the
connected components are found by the very function the embedded engine
uses.

Example::

    from casegraph.engines.neo4j import db as ne
    with ne.connect() as db:
        common_debtors(db, C.Options()).head(3)
"""
from __future__ import annotations

import pandas as pd

from casegraph import contract as C
from casegraph.engines.neo4j.db import Database, defaults, params_of, statement
from casegraph.engines.neo4j.load import META, refresh_owes
from casegraph.find import candidates as K
from casegraph.find import finish


def _run(db: Database, name: str, options: C.Options) -> pd.DataFrame:
    return db.read(statement(name), {**defaults(name), **params_of(options)})


def repeat_applicants(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.repeat_applicants` and ``cypher/repeat_applicants.cypher``."""
    return finish.repeat_applicants(_run(db, "repeat_applicants", options))


def common_debtors(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.common_debtors` and ``cypher/common_debtors.cypher``."""
    return finish.common_debtors(_run(db, "common_debtors", options))


def bilateral_offsets(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.embedded.bilateral_offsets` and ``cypher/bilateral_offsets.cypher``."""
    return finish.bilateral_offsets(_run(db, "bilateral_offsets", options))


def offset_cycles(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.embedded.offset_cycles` and ``cypher/offset_cycles.cypher``."""
    return finish.offset_cycles(_run(db, "offset_cycles", options))


def offsets(db: Database, options: C.Options) -> pd.DataFrame:
    """Bilateral pairs, then multilateral cycles (as :func:`casegraph.find.offsets`)."""
    _owes_current(db, options)
    return finish.offsets(bilateral_offsets(db, options), offset_cycles(db, options))


def _owes_current(db: Database, options: C.Options) -> None:
    """The OWES projection leaves out the personal causes of the last load;
    other causes asked for now mean rebuilding it first."""
    meta = db.read(statement("load/owes_causes"), {"name": META})
    built = list(meta.at[0, "causes"] or []) if len(meta) else None
    if built is not None and built != list(options.personal_causes):
        refresh_owes(db, options)


def shared_assets(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.shared_assets` and ``cypher/shared_assets.cypher``."""
    return finish.shared_assets(_run(db, "shared_assets", options))


def shared_representatives(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.embedded.shared_representatives` and ``cypher/shared_representatives.cypher``."""
    return finish.shared_representatives(db.read(statement("shared_representatives"),
                                                  {**defaults("shared_representatives"), "person_kind": C.PERSON}))


def links(db: Database, options: C.Options) -> pd.DataFrame:
    """The case–link edges of bundles (``cypher/bundles.cypher``), as
    :meth:`casegraph.graph.CaseGraph.links` gives them."""
    r = _run(db, "bundles", options)
    return r[["case_no", "link", "court"]] if len(r) else pd.DataFrame(
        {"case_no": pd.Series(dtype=str), "link": pd.Series(dtype=str), "court": pd.Series(dtype=str)})


def bundles(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.bundles`."""
    return finish.bundles_from_links(links(db, options))


def related_cases(db: Database, case_no: str, options: C.Options | None = None) -> pd.DataFrame:
    """The cases sharing a party or asset with one case: case_no, via (as
    :func:`casegraph.find.related_cases`)."""
    query = statement("related_cases")
    return finish.related_cases(db.read(query, {**params_of(options or C.Options()), "case_no": case_no}))


def candidates(db: Database, options: C.Options) -> pd.DataFrame:
    """See :mod:`casegraph.find.candidates`: the parties are selected, their
    records and cases read, and weighed as the embedded engine weighs them
    (``cypher/candidates_*.cypher``)."""
    selected = K.select(_run(db, "candidates_parties", options), options)
    if selected.empty:
        return K.finish(pd.DataFrame())
    records = db.read(statement("candidates_records"), {"ids": sorted(set(selected["party_id"]))})
    sides = db.read(statement("candidates_sides"), {"case_nos": sorted(set(records["case_no"]))})
    names = _run(db, "candidates_counts", options)
    apart = db.read(statement("candidates_apart"))
    return K.weigh(selected, records, sides, names, apart, options)


def find_all(db: Database, options: C.Options | None = None) -> dict[str, pd.DataFrame]:
    """Every finding, by output name (as :func:`casegraph.find.find_all`)."""
    options = options or C.Options()
    return {
        "repeat_applicants": repeat_applicants(db, options),
        "common_debtors": common_debtors(db, options),
        "offsets": offsets(db, options),
        "shared_assets": shared_assets(db, options),
        "shared_representatives": shared_representatives(db, options),
        "bundles": bundles(db, options),
        "candidates": candidates(db, options),
    }
