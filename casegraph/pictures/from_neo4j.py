"""The pictures' questions answered by the Neo4j database (the Neo4j engine).

Each question is a commented, parameterised file of ``cypher/``
(``lookup_*.cypher``, ``picture_*.cypher``). The mass-applicant rule stays in
the database's terms: ``picture_mass_applicants.cypher`` with
``$hub_threshold`` from the run's options. The model is the loader's
(``cypher/schema.cypher``)::

    (:Party)-[:APPLICANT_IN|DEBTOR_IN]->(:Case)-[:ATTACHES {action}]->(:Asset), (:Judge {judge, team})

Example::

    source = Neo4jSource(db, C.Options())
    neighbourhood(source, party=find_party(source, "王建国"))
"""
from __future__ import annotations

import networkx as nx
import pandas as pd

from casegraph import contract as C
from casegraph.engines.neo4j.db import Database, query
from casegraph.pictures.from_graph import add_representatives
from casegraph.pictures.lookup import PARTY_KEYS


def _col(df: pd.DataFrame, name: str) -> set:
    return set(df[name]) if len(df) else set()


def _plain(v):
    """Neo4j temporal values as ISO text, as the embedded engine shows them."""
    return v.iso_format() if hasattr(v, "iso_format") else v


class Neo4jSource:
    """A :class:`~casegraph.pictures.lookup.Directory` and
    :class:`~casegraph.pictures.select.Adjacency` over one database."""

    where = "the database"

    def __init__(self, db: Database, options: C.Options | None = None):
        self.db = db
        self.options = options or C.Options()

    # -- lookup

    def has_case(self, case_no: str) -> bool:
        return not query(self.db, "lookup_case", {"case_no": case_no}).empty

    def parties_by(self, key: str, value: str) -> pd.DataFrame:
        return query(self.db, "lookup_party", {**dict.fromkeys(PARTY_KEYS), key: value})

    # -- the walk

    def sides(self, case_nos: set[str]) -> tuple[set[str], set[str]]:
        s = query(self.db, "picture_sides", {"case_nos": sorted(case_nos)})
        if s.empty:
            return set(), set()
        return set(s.loc[s["kind"] == "party", "id"]), set(s.loc[s["kind"] == "asset", "id"])

    def mass_applicants(self, party_ids: set[str]) -> set[str]:
        return _col(query(self.db, "picture_mass_applicants",
                          {"party_ids": sorted(party_ids), "hub_threshold": self.options.hub_threshold}), "party_id")

    def cases_of(self, party_ids: set[str], asset_ids: set[str], not_as_applicant: set[str]) -> set[str]:
        return _col(query(self.db, "picture_reached", {"party_ids": sorted(party_ids), "asset_ids": sorted(asset_ids),
                                                       "not_as_applicant": sorted(not_as_applicant)}), "case_no")

    def draw(self, case_nos: set[str], party_ids: set[str], asset_ids: set[str]) -> nx.Graph:
        g = nx.Graph()
        case_nos, party_ids, asset_ids = sorted(case_nos), sorted(party_ids), sorted(asset_ids)
        for rec in query(self.db, "picture_cases", {"case_nos": case_nos}).to_dict("records"):
            rec = {k: _plain(v) for k, v in rec.items()}
            g.add_node("case:" + rec["case_no"], kind="case", **rec)
        for rec in query(self.db, "picture_parties", {"party_ids": party_ids}).to_dict("records"):
            g.add_node("party:" + rec["party_id"], kind="person" if rec["kind"] == C.PERSON else "organisation",
                       party_id=rec["party_id"], name=rec["name"], id_masked=rec["id_masked"] or "",
                       party_kind=rec["kind"], n_debtor_cases=int(rec["n_debtor_cases"]),
                       n_applicant_cases=int(rec["n_applicant_cases"]))
        roles = query(self.db, "picture_roles", {"case_nos": case_nos, "party_ids": party_ids})
        for no, pid, role in roles.itertuples(index=False):
            g.add_edge("party:" + pid, "case:" + no, role=role)
        if asset_ids:
            attached = query(self.db, "picture_assets", {"case_nos": case_nos, "asset_ids": asset_ids})
            for no, aid, atype, action in attached.itertuples(index=False):
                g.add_node("asset:" + aid, kind="asset", asset_id=aid, asset_type=atype or "")
                g.add_edge("asset:" + aid, "case:" + no, role=action or "attached")
        reps = query(self.db, "picture_representatives", {"case_nos": case_nos, "party_ids": party_ids})
        add_representatives(g, reps.itertuples(index=False) if len(reps) else ())
        return g

    def teams(self, judges: list[str]) -> dict[str, str]:
        rows = query(self.db, "picture_teams", {"judges": judges})
        return {j: t for j, t in rows.itertuples(index=False) if t}
