"""The one small interface both engines answer.

Everything above the graph (the pipeline, the daily and nightly jobs, the
pictures, the report, the explorer) asks an :class:`Engine`, never a backend
name: the embedded engine answers from a :class:`~casegraph.graph.CaseGraph`
in memory, the Neo4j engine from the shared database. The parity test holds
them to the same answers.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import networkx as nx
import pandas as pd

from casegraph import contract as C
from casegraph.engines import answers as A
from casegraph.graph import CaseGraph
from casegraph.pictures import lookup, select


@runtime_checkable
class Engine(Protocol):
    """What casegraph asks of a store of cases and parties."""

    #: ``"embedded"`` or ``"neo4j"``: says in summaries where an answer came from.
    name: str
    options: C.Options

    def findings(self) -> dict[str, pd.DataFrame]:
        """Every finding of ``contract.FINDINGS``, finished (same dtypes, order, ids)."""

    def related_cases(self, case_no: str) -> pd.DataFrame:
        """The cases sharing a party or asset with one case: ``case_no, via``."""

    def find_case(self, text: str) -> str:
        """The official case number for a case number as a user typed it
        (:func:`casegraph.pictures.lookup.find_case`); ``NotFound`` if absent."""

    def find_party(self, text: str) -> str:
        """The party_id for a party_id, a full or masked ID number or an exact
        name (:func:`casegraph.pictures.lookup.find_party`); ``NotFound`` if
        none or several match."""

    def neighbourhood(self, case: str | None = None, party: str | None = None, hops: int = 2,
                      max_nodes: int = 200) -> nx.Graph:
        """The network within ``hops`` of one case or party, as typed
        (:func:`casegraph.pictures.select.neighbourhood`), ready to render."""

    def routing_lookup(self, case_no: str, pending: Iterable[str] = ()) -> pd.DataFrame:
        """What a case to route is tied to (``cypher/route_case.cypher``): one
        row per case of each bundle it joins, ``bundle`` (the bundle's
        smallest case_no, the case itself left out), ``case_no``, ``judge``
        and ``cause`` ('' for none), ``via`` (the links tying that case to it
        directly, a list). ``pending``: cases that count as not there."""

    def clearing_graph(self) -> CaseGraph:
        """The cases and parties the clearing plan is computed over."""

    # The explorer's questions (casegraph explore); every answer is plain
    # JSON in the shapes of casegraph.engines.answers, the same from both engines.

    def ready_to_explore(self) -> str | None:
        """Build what the questions below need, once, before they are asked
        (the embedded engine's indexes; Neo4j's text indexes). Returns a
        line to tell the user when it could do so only in part."""

    def search(self, text: str, limit: int = A.SEARCH_LIMIT) -> list[dict]:
        """The cases, parties and assets a search box finds: by case number
        (any bracket style), party_id, full or masked ID number, name or asset
        id, whole matches first, then a part of a name, case number or asset
        id; each node once, with ``match``."""

    def node(self, node_id: str) -> dict:
        """One node's details: a case's parties, assets, team and bundle; a
        party's cases by role, totals and the rules that made it one party;
        an asset's cases. ``NotFound`` if absent."""

    def expand(self, node_id: str, filters: A.Filters = A.NO_FILTERS, limit: int = A.EXPAND_LIMIT,
               offset: int = 0) -> dict:
        """A node's neighbours that pass ``filters``, ``limit`` of them from
        ``offset``: ``{"node", "nodes", "edges", "total", "offset", "more",
        "hidden"}`` (``more``: not shown yet; ``hidden``: kept out by the filters)."""

    def path(self, source: str, target: str, max_hops: int = A.DEFAULT_HOPS, limit: int = A.PATH_LIMIT) -> dict:
        """The shortest paths between two nodes through parties and assets,
        at most ``max_hops`` steps, mass applicants not passed through:
        ``{"nodes", "edges", "paths", "hops", "n_paths"}``."""

    def bundle(self, node_id: str) -> dict:
        """A case's related-case bundle: ``{"bundle_id", "case_nos", "links"}``."""

    def subgraph(self, node_ids, with_sides: bool = False) -> dict:
        """These nodes and the edges among them (``with_sides``: and the
        cases' parties and assets): ``{"nodes", "edges"}``."""

    def close(self) -> None:
        """Release what the engine holds (a driver; nothing for the embedded one)."""


class Pictures:
    """:meth:`Engine.find_case`, :meth:`Engine.find_party` and
    :meth:`Engine.neighbourhood`, the same for both engines: the lookup rules
    and the walk live in :mod:`casegraph.pictures`; an engine gives only its
    ``_pictures`` source (a :class:`~casegraph.pictures.lookup.Directory` and
    :class:`~casegraph.pictures.select.Adjacency`)."""

    _pictures: lookup.Directory

    def find_case(self, text: str) -> str:
        return lookup.find_case(self._pictures, text)

    def find_party(self, text: str) -> str:
        return lookup.find_party(self._pictures, text)

    def neighbourhood(self, case: str | None = None, party: str | None = None, hops: int = select.DEFAULT_HOPS,
                      max_nodes: int = select.DEFAULT_MAX_NODES) -> nx.Graph:
        case, party = lookup.start_of(self._pictures, case, party)
        return select.neighbourhood(self._pictures, case, party, hops=hops, max_nodes=max_nodes)


class Exploring:
    """The explorer's questions of :class:`Engine`, answered by the engine's
    ``_explorer`` (the embedded :class:`~casegraph.engines.index.Index`, or
    :class:`~casegraph.engines.neo4j.explore.Explorer`)."""

    def search(self, text: str, limit: int = A.SEARCH_LIMIT) -> list[dict]:
        return self._explorer.search(text, limit)

    def node(self, node_id: str) -> dict:
        return self._explorer.node(node_id)

    def expand(self, node_id: str, filters: A.Filters = A.NO_FILTERS, limit: int = A.EXPAND_LIMIT,
               offset: int = 0) -> dict:
        return self._explorer.expand(node_id, filters, limit, offset)

    def path(self, source: str, target: str, max_hops: int = A.DEFAULT_HOPS, limit: int = A.PATH_LIMIT) -> dict:
        return self._explorer.path(source, target, max_hops, limit)

    def bundle(self, node_id: str) -> dict:
        return self._explorer.bundle(node_id)

    def subgraph(self, node_ids, with_sides: bool = False) -> dict:
        return self._explorer.subgraph(node_ids, with_sides)
