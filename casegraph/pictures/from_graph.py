"""The pictures' questions answered by a CaseGraph in memory (the embedded engine).

A :class:`GraphSource` is both a :class:`~casegraph.pictures.lookup.Directory`
(finding what a user typed) and an :class:`~casegraph.pictures.select.Adjacency`
(the walk's steps). The mass-applicant rule is the graph's own
(:meth:`CaseGraph.hub_applicants`).

Example::

    source = GraphSource(graph, resolved.records)
    neighbourhood(source, party=find_party(source, "王建国"))
"""
from __future__ import annotations

from functools import cached_property

import networkx as nx
import pandas as pd

from casegraph import contract as C
from casegraph.graph import CaseGraph


def add_representatives(g: nx.Graph, pairs) -> None:
    """Who represents the organisations drawn (法定代表人): a node of the
    person (``rep:<name>``) and a ``representative`` edge to each party it
    represents in the cases drawn. A relation, never the party itself.

    >>> g = nx.Graph([("party:P1", "case:1")]); add_representatives(g, [("P1", "杨天夫")])
    >>> g.nodes["rep:杨天夫"]["kind"], g.edges["rep:杨天夫", "party:P1"]["role"]
    ('representative', 'representative')
    """
    for pid, name in sorted(set(pairs)):
        if f"party:{pid}" in g and name:
            g.add_node(f"rep:{name}", kind="representative", name=name)
            g.add_edge(f"rep:{name}", f"party:{pid}", role="representative")


class GraphSource:
    """``records`` (``Resolved.records``) lets a full ID number be found
    through its keyed hash; without them only the party_id, masked ID and
    name are."""

    where = "the export"

    def __init__(self, graph: CaseGraph, records: pd.DataFrame | None = None):
        self.graph = graph
        self.records = records

    # -- lookup

    def has_case(self, case_no: str) -> bool:
        return bool((self.graph.cases["case_no"] == case_no).any())

    def parties_by(self, key: str, value: str) -> pd.DataFrame:
        parties = self.graph.parties
        if key == "id_key":
            r = self.records
            pids = set(r.loc[r["id_key"] == value, "party_id"]) if r is not None and "id_key" in r else set()
        else:
            pids = set(parties.loc[parties[key] == value, "party_id"])
        hits = parties.loc[parties["party_id"].isin(pids), ["party_id", "kind", "id_masked"]]
        roles = self.graph.roles
        n = roles[roles["party_id"].isin(pids)].drop_duplicates(["case_no", "party_id"])["party_id"].value_counts()
        hits = hits.assign(n_cases=n.reindex(hits["party_id"]).fillna(0).astype(int).to_numpy())
        return hits.sort_values(["n_cases", "party_id"], ascending=[False, True]).reset_index(drop=True)

    # -- the walk

    @cached_property
    def _roles(self) -> pd.DataFrame:
        return self.graph.distinct_roles()

    @cached_property
    def _assets(self) -> pd.DataFrame:
        return self.graph.assets.drop_duplicates(["case_no", "asset_id"])

    @cached_property
    def _hubs(self) -> set[str]:
        return self.graph.hub_applicants()

    def sides(self, case_nos: set[str]) -> tuple[set[str], set[str]]:
        rows = self.graph.rows_of
        return (set(rows(self._roles, "case_no", case_nos)["party_id"]),
                set(rows(self._assets, "case_no", case_nos)["asset_id"]))

    def mass_applicants(self, party_ids: set[str]) -> set[str]:
        return self._hubs & set(party_ids)

    def cases_of(self, party_ids: set[str], asset_ids: set[str], not_as_applicant: set[str]) -> set[str]:
        r = self.graph.rows_of(self._roles, "party_id", party_ids)
        rc = r[~((r["role"] == C.APPLICANT) & r["party_id"].isin(not_as_applicant))]
        return set(rc["case_no"]) | set(self.graph.rows_of(self._assets, "asset_id", asset_ids)["case_no"])

    def draw(self, case_nos: set[str], party_ids: set[str], asset_ids: set[str]) -> nx.Graph:
        g = self.graph.to_networkx(case_nos)
        g.add_nodes_from(f"party:{p}" for p in party_ids if f"party:{p}" not in g)
        # A fringe case comes without its other parties and assets: they are a hop further.
        drop = [n for n, d in g.nodes(data=True)
                if (d.get("kind") in ("person", "organisation") and n[6:] not in party_ids)
                or (d.get("kind") == "asset" and n[6:] not in asset_ids)]
        g.remove_nodes_from(drop)
        self._fill_parties(g)
        rep = self.graph.representatives
        if len(rep):
            mine = rep[rep["case_no"].isin(case_nos) & rep["party_id"].isin(party_ids)]
            add_representatives(g, zip(mine["party_id"], mine["representative"]))
        return g

    def _fill_parties(self, g: nx.Graph) -> None:
        """Party attributes, including case counts over the whole data (not only
        what is shown): a debtor in 26 cases is drawn large even when 5 are in view."""
        pids = [n[6:] for n in g if n.startswith("party:")]
        if not pids:
            return
        r = self.graph.rows_of(self._roles, "party_id", pids)
        n = r.groupby(["party_id", "role"]).size()
        info = self.graph.party_info()
        for pid in pids:
            d = g.nodes[f"party:{pid}"]
            if "name" not in d and pid in info.index:
                p = info.loc[pid]
                d.update(kind="person" if p["kind"] == C.PERSON else "organisation", party_id=pid, name=p["name"],
                         id_masked=p["id_masked"], party_kind=p["kind"])
            d["n_debtor_cases"] = int(n.get((pid, C.DEBTOR), 0))
            d["n_applicant_cases"] = int(n.get((pid, C.APPLICANT), 0))

    def teams(self, judges: list[str]) -> dict[str, str]:
        j = self.graph.judges
        if j.empty or "team" not in j:
            return {}
        team = j.drop_duplicates("judge").set_index("judge")["team"]
        return {name: team[name] for name in judges if name in team.index and team[name]}
