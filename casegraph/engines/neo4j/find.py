"""The findings, answered by Neo4j with the queries in ``cypher/``.

The database computes every finding; Python only formats the rows the way
:mod:`casegraph.find` does (sorted ``;``-joined lists, amounts rounded to
cents, content-derived ids, the same notes), so both engines write the same
files. Bundles are the exception that proves it: the database gives the
case–link edges (``cypher/bundles.cypher``) and the connected components
are found by the very function the embedded engine uses.

Example::

    from casegraph.engines.neo4j import db as ne
    with ne.connect() as db:
        common_debtors(db, C.Options()).head(3)
"""
from __future__ import annotations

import pandas as pd

from casegraph import contract as C
from casegraph.cells import content_id
from casegraph.find.embedded import BILATERAL_NOTE, MULTILATERAL_NOTE, bundles_from_links
from casegraph.engines.neo4j.db import Database, defaults, params_of, statements


def _cols(name: str) -> list[str]:
    return list(C.OUTPUTS[name].columns)


def _run(db: Database, name: str, options: C.Options) -> pd.DataFrame:
    (query,) = statements(name)
    return db.read(query, {**defaults(name), **params_of(options)})


def _joined(lists) -> list[str]:
    """Each list as its sorted distinct values joined with ``;`` (as
    :func:`casegraph.cells.join_per_group` writes a cell)."""
    return [C.LIST_SEP.join(sorted({str(v) for v in values})) for values in lists]


def repeat_applicants(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.repeat_applicants` and ``cypher/repeat_applicants.cypher``."""
    r = _run(db, "repeat_applicants", options)
    if r.empty:
        return pd.DataFrame(columns=_cols("repeat_applicants"))
    r["n_cases"] = r["n_cases"].astype("int64")
    r["n_debtors"] = r["n_debtors"].astype("int64")
    r["case_nos"] = _joined(r["case_nos"])
    r["repeat_pairs"] = _joined(r["repeat_pairs"])
    r["mass_applicant"] = r["mass_applicant"].astype(bool)
    return r.sort_values(["n_cases", "party_id"], ascending=[False, True])[_cols("repeat_applicants")].reset_index(drop=True)


def common_debtors(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.common_debtors` and ``cypher/common_debtors.cypher``."""
    r = _run(db, "common_debtors", options)
    if r.empty:
        return pd.DataFrame(columns=_cols("common_debtors"))
    for c in ("n_cases", "n_applicants", "n_no_property"):
        r[c] = r[c].astype("int64")
    r["total_amount"] = r["total_amount"].astype("float64").round(2)
    r["case_nos"] = _joined(r["case_nos"])
    return r.sort_values(["n_cases", "total_amount", "party_id"], ascending=[False, False, True])[
        _cols("common_debtors")].reset_index(drop=True)


def bilateral_offsets(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.bilateral_offsets` and ``cypher/bilateral_offsets.cypher``."""
    r = _run(db, "bilateral_offsets", options)
    case_nos = _joined(r["case_nos"]) if len(r) else []
    out = pd.DataFrame({
        "kind": "bilateral",
        "parties": [C.LIST_SEP.join(p) for p in r["parties"]] if len(r) else [],
        "case_nos": case_nos,
        "amount": r["amount"].astype("float64").round(2).to_numpy() if len(r) else [],
        "note": BILATERAL_NOTE,
    })
    out.insert(0, "offset_id", [content_id("O", c) for c in out["case_nos"]])
    return out


def offset_cycles(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.offset_cycles` and ``cypher/offset_cycles.cypher``."""
    r = _run(db, "offset_cycles", options)
    rows = [(C.LIST_SEP.join(p), C.LIST_SEP.join(sorted(set(c))), round(float(a), 2))
            for p, c, a in zip(r.get("parties", []), r.get("case_nos", []), r.get("amount", []))]
    out = pd.DataFrame(rows, columns=["parties", "case_nos", "amount"])
    out.insert(0, "kind", "multilateral")
    out["note"] = MULTILATERAL_NOTE
    out.insert(0, "offset_id", [content_id("O", p + "|" + c) for p, c in zip(out["parties"], out["case_nos"])])
    return out


def offsets(db: Database, options: C.Options) -> pd.DataFrame:
    """Bilateral pairs, then multilateral cycles (as :func:`casegraph.find.offsets`)."""
    _owes_current(db, options)
    out = pd.concat([bilateral_offsets(db, options), offset_cycles(db, options)], ignore_index=True)
    return out.sort_values(["kind", "amount", "offset_id"], ascending=[True, False, True])[_cols("offsets")].reset_index(drop=True)


def _owes_current(db: Database, options: C.Options) -> None:
    """The OWES projection leaves out the personal causes of the last load;
    other causes asked for now mean rebuilding it first."""
    meta = db.read("MATCH (m:CasegraphMeta {name: 'casegraph'}) RETURN m.personal_causes AS causes")
    built = list(meta.at[0, "causes"] or []) if len(meta) else None
    if built is not None and built != list(options.personal_causes):
        from casegraph.engines.neo4j.load import refresh_owes

        refresh_owes(db, options)


def shared_assets(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.shared_assets` and ``cypher/shared_assets.cypher``."""
    r = _run(db, "shared_assets", options)
    if r.empty:
        return pd.DataFrame(columns=_cols("shared_assets"))
    r["n_cases"] = r["n_cases"].astype("int64")
    r["case_nos"] = _joined(r["case_nos"])
    return r.sort_values(["n_cases", "asset_id"], ascending=[False, True])[_cols("shared_assets")].reset_index(drop=True)


def links(db: Database, options: C.Options) -> pd.DataFrame:
    """The case–link edges of bundles (``cypher/bundles.cypher``), as
    :meth:`casegraph.graph.CaseGraph.links` gives them."""
    r = _run(db, "bundles", options)
    return r[["case_no", "link"]] if len(r) else pd.DataFrame({"case_no": pd.Series(dtype=str), "link": pd.Series(dtype=str)})


def bundles(db: Database, options: C.Options) -> pd.DataFrame:
    """See :func:`casegraph.find.bundles`."""
    return bundles_from_links(links(db, options))


def related_cases(db: Database, case_no: str, options: C.Options | None = None) -> pd.DataFrame:
    """The cases sharing a party or asset with one case: case_no, via (as
    :func:`casegraph.find.related_cases`)."""
    (query,) = statements("related_cases")
    r = db.read(query, {**params_of(options or C.Options()), "case_no": case_no})
    if r.empty:
        return pd.DataFrame(columns=["case_no", "via"])
    r["via"] = _joined(r["via"])
    return r.sort_values("case_no").reset_index(drop=True)


def find_all(db: Database, options: C.Options | None = None) -> dict[str, pd.DataFrame]:
    """Every finding, by output name (as :func:`casegraph.find.find_all`)."""
    options = options or C.Options()
    return {
        "repeat_applicants": repeat_applicants(db, options),
        "common_debtors": common_debtors(db, options),
        "offsets": offsets(db, options),
        "shared_assets": shared_assets(db, options),
        "bundles": bundles(db, options),
    }
