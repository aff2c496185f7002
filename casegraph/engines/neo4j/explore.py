"""The explorer's questions answered by Neo4j, with the ``cypher/explore_*.cypher`` files.

Search, expansion, details, paths, bundles and parts of the network, in the
shapes of :mod:`casegraph.engines.answers`, the embedded engine's
(:mod:`casegraph.engines.index`) to the letter. Each question is one or a
few round trips: the queries find ids in the order they are shown, and
``explore_parties`` / ``picture_cases`` / ``explore_assets`` give their nodes.

Example::

    from casegraph.engines.neo4j import db as ne
    with ne.connect() as db:
        Explorer(db, C.Options()).search("王建国")
"""
from __future__ import annotations

import pandas as pd

from casegraph import contract as C
from casegraph.cells import content_id
from casegraph.engines import answers as A
from casegraph.engines.neo4j.db import Database, query, statements
from casegraph.errors import DatabaseError, NotFound


def _plain(v):
    return v.iso_format() if hasattr(v, "iso_format") else v


class Explorer:
    """The explorer's answers over one database."""

    def __init__(self, db: Database, options: C.Options):
        self.db = db
        self.options = options

    def ready(self) -> str | None:
        """Create the explorer's indexes (``cypher/explore_schema.cypher``);
        a user who may not create them still explores, more slowly: the
        reason comes back as one line instead of an error."""
        try:
            for s in statements("explore_schema"):
                self.db.write(s)
        except DatabaseError as e:
            return f"search without the explorer's indexes (slower): {e}"
        return None

    # -- nodes -----------------------------------------------------------------

    # Each round trip costs milliseconds: none is made for nothing.

    def cases(self, case_nos) -> dict[str, dict]:
        case_nos = list(dict.fromkeys(case_nos))
        if not case_nos:
            return {}
        rows = query(self.db, "picture_cases", {"case_nos": case_nos})
        return {r["case_no"]: A.case_node(r["case_no"], r["cause"], r["amount"], r["status"], r["judge"],
                                          _plain(r["filed_on"])) for r in rows.to_dict("records")}

    def parties(self, party_ids) -> dict[str, dict]:
        party_ids = list(dict.fromkeys(party_ids))
        if not party_ids:
            return {}
        rows = query(self.db, "explore_parties", {"party_ids": party_ids})
        return {r["party_id"]: A.party_node(r["party_id"], r["name"], r["kind"], r["id_masked"], r["n_cases"],
                                            r["n_applicant_cases"], r["n_debtor_cases"], self.options.hub_threshold)
                for r in rows.to_dict("records")}

    def assets(self, asset_ids) -> dict[str, dict]:
        asset_ids = list(dict.fromkeys(asset_ids))
        if not asset_ids:
            return {}
        rows = query(self.db, "explore_assets", {"asset_ids": asset_ids})
        return {r["asset_id"]: A.asset_node(r["asset_id"], r["asset_type"], r["n_cases"])
                for r in rows.to_dict("records")}

    def _nodes(self, kind: str, keys) -> dict[str, dict]:
        return {"case": self.cases, "party": self.parties, "asset": self.assets}[kind](keys)

    def _one(self, node_id: str) -> tuple[str, str, dict]:
        kind, key = A.split_id(node_id)
        found = self._nodes(kind, [key])
        if key not in found:
            raise NotFound(f"{kind} {key[:80]!r} is not in the database")
        return kind, key, found[key]

    # -- search ----------------------------------------------------------------

    def search(self, text: str, limit: int = A.SEARCH_LIMIT) -> list[dict]:
        t = A.read_search(text)
        if not (t.text or t.id_key):
            return []
        rows = query(self.db, "explore_search", {
            "party_id": t.party_id, "id_key": t.id_key, "id_masked": t.id_masked, "name": t.text or None,
            "fragment": t.fragment or None, "case_no": t.case_no,
            # a whole number is in no other
            "case_fragment": None if t.case_no else t.case_fragment or None,
            # room for the whole matches, which come again among the partial ones
            "limit": 2 * limit + 4})
        found: dict[tuple[str, str], list[dict]] = {}
        for kind, how, x in rows.itertuples(index=False):
            found.setdefault((kind, how), []).append(self._shape(kind, x))

        def take(kind, how, n):
            return found.get((kind, how), [])[:n]

        exact = take("case", "case_no", 1) + take("party", "party_id", 1) + take("party", "id_key", limit)
        exact += take("party", "id_masked", limit) + take("party", "name", limit) + take("asset", "asset_id", 1)
        enough = limit + len(exact)
        partial = take("party", "partial", enough) + take("case", "partial", enough) + take("asset", "partial", enough)
        return A.merge_search(exact, partial, limit)

    def _shape(self, kind: str, x: dict) -> dict:
        """A node of ``explore_search.cypher`` (its properties and counts) as the API gives it."""
        if kind == "party":
            return A.party_node(x["party_id"], x.get("name"), x.get("kind"), x.get("id_masked"), x["n_cases"],
                                x["n_applicant_cases"], x["n_debtor_cases"], self.options.hub_threshold)
        if kind == "asset":
            return A.asset_node(x["asset_id"], x.get("asset_type"), x["n_cases"])
        return A.case_node(x["case_no"], x.get("cause"), x.get("amount"), x.get("status"), x.get("judge"),
                           _plain(x.get("filed_on")))

    # -- expanding ---------------------------------------------------------------

    def _sides(self, case_no: str, f: A.Filters = A.NO_FILTERS) -> list[tuple[dict, list[str]]]:
        rows = query(self.db, "explore_case_sides", {"case_no": case_no})
        if rows.empty:
            self._one("case:" + case_no)  # a case without parties, or none at all
        nodes = [(kind, self._shape(kind, node), list(roles)) for kind, roles, node in rows.itertuples(index=False)]
        return A.sides([(n, r) for kind, n, r in nodes if kind == "party"],
                       [(n, r) for kind, n, r in nodes if kind == "asset"], f)

    def _cases_of(self, kind: str, key: str, f: A.Filters, offset: int, limit: int) -> tuple[list, int, int]:
        """One page of a party's or asset's cases (nodes, with their roles
        or actions), how many pass ``f``, and how many it has in all."""
        name, k = ("explore_expand_party", "party_id") if kind == "party" else ("explore_expand_asset", "asset_id")
        params = {**f.params(), k: key, "offset": int(offset), "limit": int(limit)}
        if kind == "asset":
            params.pop("role")
        rows = query(self.db, name, params)
        if rows.empty:
            raise NotFound(f"{kind} {key[:80]!r} is not in the database")
        row = rows.iloc[0]
        page = [(self._shape("case", c), sorted(set(c["roles"]))) for c in row["page"]]
        return page, int(row["total"]), int(row["every"])

    def expand(self, node_id: str, filters: A.Filters = A.NO_FILTERS, limit: int = A.EXPAND_LIMIT,
               offset: int = 0) -> dict:
        kind, key = A.split_id(node_id)
        if kind == "case":
            sides = self._sides(key, filters)
            every = len(self._sides(key)) if filters != A.NO_FILTERS else len(sides)
            page = sides[offset:offset + limit]
            nodes = [n for n, _ in page]
            edges = [A.edge(n["id"], node_id, r) for n, roles in page for r in roles]
            total = len(sides)
        else:
            page, total, every = self._cases_of(kind, key, filters, offset, limit)
            nodes = [n for n, _ in page]
            edges = [A.edge(node_id, n["id"], r) for n, roles in page for r in roles]
        return {"node": node_id, "nodes": nodes, "edges": A.sorted_edges(edges), "total": total, "offset": offset,
                "more": max(total - offset - len(nodes), 0), "hidden": every - total}

    # -- details -------------------------------------------------------------------

    def node(self, node_id: str) -> dict:
        kind, key, out = self._one(node_id)
        out = dict(out)
        if kind == "case":
            sides = self._sides(key)
            teams = query(self.db, "picture_teams", {"judges": [out["judge"]]}) if out["judge"] else pd.DataFrame()
            out["team"] = next((t for t in teams.get("team", []) if t), "")
            out["parties"] = [{**n, "roles": r} for n, r in sides if n["kind"] == "party"]
            out["assets"] = [{**n, "actions": r} for n, r in sides if n["kind"] == "asset"]
            b = self.bundle(node_id)
            out["bundle"] = {"bundle_id": b["bundle_id"], "n_cases": len(b["case_nos"])} if b["bundle_id"] else None
            return out
        page, total, _ = self._cases_of(kind, key, A.NO_FILTERS, 0, A.DETAIL_CASES)
        k = "roles" if kind == "party" else "actions"
        out["cases"] = [{**n, k: r} for n, r in page]
        out["n_more_cases"] = max(total - A.DETAIL_CASES, 0)
        if kind == "party":
            out["totals"] = self._totals(key)
            out["rules"] = [{"rule": r["rule"], "key": r["key"], "n_records": int(r["n_records"]),
                             "names": sorted(set(r["names"]))}
                            for r in query(self.db, "explore_party_rules", {"party_id": key}).to_dict("records")]
            out["representatives"] = sorted(query(self.db, "explore_party_representatives",
                                                  {"party_id": key}).get("representative", []))
        return out

    def _totals(self, party_id: str) -> dict:
        rows = query(self.db, "explore_party_totals", {"party_id": party_id,
                                                       "closing_markers": list(A.CLOSING_MARKERS)})
        by = {r["role"]: r for r in rows.to_dict("records")}
        return {role: {"n_cases": int(by[role]["n_cases"]) if role in by else 0,
                       "amount": round(float(by[role]["amount"]), 2) if role in by else 0.0,
                       "n_open": int(by[role]["n_open"]) if role in by else 0}
                for role in (C.APPLICANT, C.DEBTOR)}

    # -- bundles and paths -----------------------------------------------------------

    def bundle(self, node_id: str) -> dict:
        kind, key, _ = self._one(node_id)
        if kind != "case":
            raise NotFound(f"{node_id[:80]!r} is not a case: only a case has a bundle")
        others = query(self.db, "bundle_of_case", {"case_no": key, "hub_threshold": self.options.hub_threshold})
        case_nos = sorted({key, *others.get("case_no", [])})
        if len(case_nos) < 2:
            return {"bundle_id": None, "case_nos": case_nos, "links": []}
        links = query(self.db, "explore_links", {"case_nos": case_nos, "hub_threshold": self.options.hub_threshold})
        return {"bundle_id": content_id("B", C.LIST_SEP.join(case_nos)), "case_nos": case_nos,
                "links": sorted(links.get("link", []))}

    def path(self, source: str, target: str, max_hops: int = A.DEFAULT_HOPS, limit: int = A.PATH_LIMIT) -> dict:
        max_hops = A.check_hops(max_hops)
        ends = {}
        for side, node_id in (("from", source), ("to", target)):
            kind, key = A.split_id(node_id)
            ends.update({f"{side}_{k}": (key if k == kind else None) for k in A.KINDS})
        if source == target:
            self._one(source)
            return A.path_answer([[source]], self.subgraph([source]), limit)
        rows = query(self.db, "explore_path", {**ends, "max_hops": max_hops,
                                               "hub_threshold": self.options.hub_threshold})
        paths = [list(p) for p in rows.get("ids", [])]
        if not paths:  # none, or an end that is not there
            self._one(source)
            self._one(target)
        on = sorted({n for p in paths for n in p})
        return A.path_answer(paths, self.subgraph(on) if on else {"nodes": [], "edges": []}, limit)

    # -- a part of the network -----------------------------------------------------------

    def subgraph(self, node_ids, with_sides: bool = False) -> dict:
        want = A.by_kind(node_ids)
        row = query(self.db, "explore_subgraph", {"case_nos": sorted(want["case"]), "party_ids": sorted(want["party"]),
                                                  "asset_ids": sorted(want["asset"]), "with_sides": with_sides}).iloc[0]
        nodes = [self._shape(kind, x) for kind, found in (("case", row["cases"]), ("party", row["parties"]),
                                                          ("asset", row["assets"])) for x in found]
        edges = [A.edge("party:" + p, "case:" + c, r) for c, p, r in row["roles"]]
        edges += [A.edge("asset:" + a, "case:" + c, act) for c, a, act in row["attaches"]]
        return {"nodes": sorted(nodes, key=lambda n: n["id"]), "edges": A.sorted_edges(edges)}
