"""The embedded engine: findings answered from a CaseGraph in memory; no server.

Example::

    from casegraph.pipeline import prepare
    from casegraph.engines.embedded import EmbeddedEngine
    _, _, graph = prepare("export/")
    engine = EmbeddedEngine(graph)
    engine.findings()["common_debtors"].head(3)
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import pandas as pd

from casegraph import contract as C
from casegraph.engines.base import Exploring, Pictures
from casegraph.engines.index import Index
from casegraph.find import embedded as finders
from casegraph.find.finish import court_links
from casegraph.graph import CaseGraph
from casegraph.pictures.from_graph import GraphSource


class EmbeddedEngine(Pictures, Exploring):
    """An :class:`~casegraph.engines.base.Engine` over one prepared :class:`CaseGraph`.

    ``records`` (``Resolved.records``) let :meth:`find_party` find a party by
    a full ID number, through its keyed hash."""

    name = "embedded"

    def __init__(self, graph: CaseGraph, records: pd.DataFrame | None = None):
        self.graph = graph
        self.records = records
        self.options: C.Options = graph.options

    def findings(self) -> dict[str, pd.DataFrame]:
        return finders.find_all(self.graph)

    def related_cases(self, case_no: str) -> pd.DataFrame:
        return finders.related_cases(self.graph, case_no)

    @cached_property
    def _pictures(self) -> GraphSource:
        return GraphSource(self.graph, self.records)

    @cached_property
    def _explorer(self) -> Index:
        return Index(self.graph, self.records)

    def ready_to_explore(self) -> None:
        """Build the explorer's indexes now (seconds at a million cases), not at the first click."""
        self._explorer  # noqa: B018 - built and kept

    def routing_lookup(self, case_no: str, pending: Iterable[str] = ()) -> pd.DataFrame:
        """The rows of ``cypher/route_case.cypher`` from the graph: each
        bundle the case joins is walked from one case tied to it, around the
        case itself and the ``pending`` ones.

        >>> cases = pd.DataFrame({"case_no": ["a", "b", "new"], "judge": ["王", "", ""], "cause": ""})
        >>> roles = pd.DataFrame({"case_no": ["a", "b", "b", "new"], "party_id": ["P1", "P1", "P2", "P2"],
        ...                       "role": C.DEBTOR})
        >>> no_assets = pd.DataFrame(columns=["case_no", "asset_id"])
        >>> engine = EmbeddedEngine(CaseGraph(cases, roles, no_assets, pd.DataFrame(), pd.DataFrame()))
        >>> engine.routing_lookup("new").values.tolist()
        [['a', 'a', '王', '', []], ['a', 'b', '', '', ['party:P2']]]
        >>> engine.routing_lookup("new", pending=["b"]).empty
        True
        """
        by_case, by_link, cases = self._ties
        gone = {case_no, *pending}
        bundles: dict[str, tuple[list[str], dict[str, set[str]]]] = {}
        bundle_of: dict[str, str] = {}
        for link in sorted(by_case.get(case_no, ())):
            tied = {c for c in by_link[link] if c not in gone}
            if not tied:
                continue
            start = min(tied)
            if start not in bundle_of:
                members = _walk(start, by_case, by_link, gone)
                bundle = min(members)
                bundles[bundle] = (sorted(members), {})
                bundle_of.update(dict.fromkeys(members, bundle))
            bundles[bundle_of[start]][1][link] = tied
        rows = [(bundle, m, *cases.get(m, ("", "")),
                 sorted(link.rpartition("\x1f")[2] for link, tied in links.items() if m in tied))
                for bundle, (members, links) in sorted(bundles.items()) for m in members]
        return pd.DataFrame(rows, columns=["bundle", "case_no", "judge", "cause", "via"])

    @cached_property
    def _ties(self) -> tuple[dict, dict, dict]:
        """case -> its links, link -> its cases (:meth:`CaseGraph.links`), and
        case -> (judge, cause): made once, then each lookup walks one bundle."""
        links = self.graph.links()
        by_case: dict[str, set[str]] = {}
        by_link: dict[str, set[str]] = {}
        # A link ties cases of one court (bundles stay in a court): keyed by both, shown as the link.
        for c, link in zip(links["case_no"], court_links(links)):
            by_case.setdefault(c, set()).add(link)
            by_link.setdefault(link, set()).add(c)
        g = self.graph.cases
        cases = dict(zip(g["case_no"], zip(g["judge"].fillna(""), g["cause"].fillna(""))))
        return by_case, by_link, cases

    def clearing_graph(self) -> CaseGraph:
        """The graph the clearing plan is computed over."""
        return self.graph

    def close(self) -> None:
        pass

    def __enter__(self) -> EmbeddedEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _walk(start: str, by_case: dict, by_link: dict, gone: set) -> set[str]:
    """The cases reachable from ``start`` through shared links, never
    through the cases in ``gone``."""
    seen, todo = {start}, [start]
    while todo:
        for link in by_case.get(todo.pop(), ()):
            for c in by_link[link]:
                if c not in seen and c not in gone:
                    seen.add(c)
                    todo.append(c)
    return seen
