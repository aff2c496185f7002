"""What a picture shows: the neighbourhood of a case or party, or a set of
cases, as a networkx graph, cut to its most connected part when too large.

The walk is written once. It asks a small :class:`Adjacency` source, which
each engine provides (:class:`~casegraph.pictures.from_graph.GraphSource` over
a CaseGraph in memory, :class:`~casegraph.pictures.from_neo4j.Neo4jSource`
over the database), so both engines draw the same picture.

Node kinds: ``case``, ``person``, ``organisation``, ``asset`` and ``judge``.
Node ids are ``case:<case_no>``, ``party:<party_id>``, ``asset:<asset_id>``
and ``judge:<name>``. Edges carry ``role`` (applicant, debtor, the asset's
action, or ``judge``) and the case's ``amount``. ``g.graph`` says what was
selected and whether it was cut.

Example::

    g = neighbourhood(result.graph, party="P3f62007d74fd", hops=2)
    g.graph["total_nodes"], g.graph["cut"]
    # (57, False)
"""
from __future__ import annotations

import heapq
from typing import Protocol

import networkx as nx

from casegraph.graph import CaseGraph
from casegraph.pictures.from_graph import GraphSource

DEFAULT_HOPS = 2
DEFAULT_MAX_NODES = 200


class Adjacency(Protocol):
    """What the walk asks of an engine."""

    def sides(self, case_nos: set[str]) -> tuple[set[str], set[str]]:
        """The parties and the assets of these cases."""

    def mass_applicants(self, party_ids: set[str]) -> set[str]:
        """Those of these parties that apply in more cases than ``options.hub_threshold``."""

    def cases_of(self, party_ids: set[str], asset_ids: set[str], not_as_applicant: set[str]) -> set[str]:
        """The cases of these parties and assets; a party in ``not_as_applicant``
        reaches only the cases where it is the debtor."""

    def draw(self, case_nos: set[str], party_ids: set[str], asset_ids: set[str]) -> nx.Graph:
        """These cases, parties and assets as nodes with their attributes, and
        the roles and attachments among them as edges. A party's case counts
        (``n_debtor_cases``, ``n_applicant_cases``) are over all the data."""

    def teams(self, judges: list[str]) -> dict[str, str]:
        """The team of each of these judges that has one."""


def _source(source: Adjacency | CaseGraph) -> Adjacency:
    return GraphSource(source) if isinstance(source, CaseGraph) else source


def neighbourhood(source: Adjacency | CaseGraph, case: str | None = None, party: str | None = None,
                  hops: int = DEFAULT_HOPS, max_nodes: int = DEFAULT_MAX_NODES) -> nx.Graph:
    """The nodes within ``hops`` steps of a case or party, as a networkx graph.

    ``source`` is a CaseGraph or an engine's :class:`Adjacency`; ``case`` an
    official case number, ``party`` a party_id (an engine's
    ``neighbourhood`` also takes them as a user types them).

    Steps are the graph's edges: from a case, 1 hop reaches its parties and
    assets, 2 hops the other cases of those parties and assets; from a party,
    1 hop reaches its cases, 2 hops their other parties and assets. Mass
    applicants (more cases than ``options.hub_threshold``, e.g. a bank) are
    shown but not passed through, as in :meth:`CaseGraph.links`: a bank with
    hundreds of borrowers would otherwise pull them all in. Each case's judge
    is added. Over ``max_nodes`` the graph is cut to its most connected part
    around the start (:func:`cut`), and ``g.graph`` says so.

    王五 (D) owes 张三 (A) in 执1 and 李四 (B) in 执2:

    >>> import pandas as pd
    >>> g = CaseGraph(
    ...     cases=pd.DataFrame({"case_no": ["执1", "执2"], "cause": "民间借贷纠纷", "amount": [100.0, 200.0],
    ...                         "status": "执行中", "judge": ["许法官", ""], "filed_on": "2024-01-05"}),
    ...     roles=pd.DataFrame({"case_no": ["执1", "执1", "执2", "执2"], "party_id": ["A", "D", "B", "D"],
    ...                         "role": ["applicant", "debtor", "applicant", "debtor"]}),
    ...     assets=pd.DataFrame(columns=["case_no", "asset_id", "asset_type", "action"]),
    ...     parties=pd.DataFrame({"party_id": ["A", "B", "D"], "name": ["张三", "李四", "王五"], "kind": "自然人",
    ...                           "id_masked": ""}),
    ...     judges=pd.DataFrame())
    >>> sorted(neighbourhood(g, case="执1", hops=1))
    ['case:执1', 'judge:许法官', 'party:A', 'party:D']
    >>> sorted(neighbourhood(g, case="执1", hops=2))
    ['case:执1', 'case:执2', 'judge:许法官', 'party:A', 'party:D']
    >>> n = neighbourhood(g, party="D", hops=1)
    >>> n.nodes["party:D"]["n_debtor_cases"], n.edges["party:D", "case:执2"]["amount"]
    (2, 200.0)
    """
    if (case is None) == (party is None):
        raise ValueError("give one of case or party")
    source = _source(source)
    start = f"case:{case}" if case is not None else f"party:{party}"
    # Asked about directly, a mass applicant shows all its cases.
    passing = {party} if party is not None else set()
    cases = {case} if case is not None else set()
    parties = {party} if party is not None else set()
    assets: set[str] = set()
    frontier_cases, frontier_parties, frontier_assets = set(cases), set(parties), set()
    for _ in range(hops):
        # cases -> their parties and assets; parties and assets -> their cases
        new_parties, new_assets = source.sides(frontier_cases) if frontier_cases else (set(), set())
        new_parties, new_assets = new_parties - parties, new_assets - assets
        reached = set()
        if frontier_parties or frontier_assets:
            hubs = source.mass_applicants(frontier_parties) - passing
            reached = source.cases_of(frontier_parties, frontier_assets, hubs)
        new_cases = reached - cases
        parties |= new_parties
        assets |= new_assets
        cases |= new_cases
        frontier_cases, frontier_parties, frontier_assets = new_cases, new_parties, new_assets
        if not (frontier_cases or frontier_parties or frontier_assets):
            break
    g = source.draw(cases, parties, assets)
    title = f"Case {case}" if case is not None else f"Party {g.nodes[start].get('name', party) if start in g else party}"
    return _dress(source, g, start, title=title, hops=hops, max_nodes=max_nodes,
                  hubs=source.mass_applicants(parties) - passing)


def case_set(source: Adjacency | CaseGraph, case_nos, title: str, center: str | None = None,
             max_nodes: int = DEFAULT_MAX_NODES) -> nx.Graph:
    """A set of cases with all their parties and assets, e.g. one related-case
    bundle, one debtor's cases or the cases of one offset cycle.

    ``center`` (a node id, marked on the page) is where a cut keeps its
    middle; without one, a cut keeps the part around the best-connected node.
    """
    source = _source(source)
    cases = set(case_nos)
    parties, assets = source.sides(cases)
    g = source.draw(cases, parties, assets)
    mark = center is not None and center in g
    if not mark:
        center = max(g.degree, key=lambda nd: (nd[1], str(nd[0])))[0] if len(g) else None
    return _dress(source, g, center, title=title, hops=None, max_nodes=max_nodes,
                  hubs=source.mass_applicants(parties), mark=mark)


def _dress(source: Adjacency, g: nx.Graph, start, title, hops, max_nodes, hubs, mark=True) -> nx.Graph:
    g = finish(g, start, title=title, hops=hops, max_nodes=max_nodes, hubs=hubs, mark=mark)
    judges = [d["judge"] for _, d in g.nodes(data=True) if d.get("kind") == "judge"]
    if judges:
        for j, team in source.teams(judges).items():
            g.nodes[f"judge:{j}"]["team"] = team
    return g


def finish(g: nx.Graph, start: str | None, title: str, hops: int | None, max_nodes: int,
           hubs=frozenset(), mark: bool = True) -> nx.Graph:
    """Cut, add judges and case amounts on edges, and record what was done in
    ``g.graph``. Every selection ends here, so both engines' pictures match."""
    total = g.number_of_nodes()
    if start is not None and start in g and total > max_nodes:
        g = cut(g, start, max_nodes)
    for u, v, d in g.edges(data=True):
        c = u if u.startswith("case:") else v
        d.setdefault("amount", g.nodes[c].get("amount"))
    for n, d in list(g.nodes(data=True)):
        if d.get("kind") == "case" and isinstance(d.get("judge"), str) and d["judge"]:
            j = f"judge:{d['judge']}"
            if j not in g:
                g.add_node(j, kind="judge", judge=d["judge"])
            g.add_edge(j, n, role="judge")
    for n in hubs:
        if f"party:{n}" in g:
            g.nodes[f"party:{n}"]["mass_applicant"] = True
    if mark and start is not None and start in g:
        g.nodes[start]["start"] = True
    g.graph.update(title=title, start=start if mark else None, hops=hops, total_nodes=total,
                   shown_nodes=sum(1 for _, d in g.nodes(data=True) if d.get("kind") != "judge"),
                   cut=total > max_nodes, max_nodes=max_nodes)
    return g


def cut(g: nx.Graph, start: str, max_nodes: int) -> nx.Graph:
    """The ``max_nodes`` nodes around ``start`` that hold the most links.

    Grows from ``start``, always taking next the reachable node with the most
    links in the whole neighbourhood (ties: the nearer, then by id), so what
    is kept is connected, holds the start, and prefers the common debtors and
    shared assets over one-off parties at the edge.

    >>> g = nx.star_graph(5)               # 0 in the middle of 1..5
    >>> g.add_edges_from([(5, 6), (5, 7)])  # 5 also links 6 and 7
    >>> sorted(cut(g, 0, 2).nodes)          # 5 holds the most links
    [0, 5]
    >>> sorted(cut(g, 0, 4).nodes)          # then the nearer ones
    [0, 1, 2, 5]
    """
    dist = nx.single_source_shortest_path_length(g, start)
    keep = {start}
    heap = [(-g.degree(n), dist[n], str(n), n) for n in g.neighbors(start)]
    heapq.heapify(heap)
    queued = set(g.neighbors(start)) | {start}
    while heap and len(keep) < max_nodes:
        *_, n = heapq.heappop(heap)
        keep.add(n)
        for m in g.neighbors(n):
            if m not in queued:
                queued.add(m)
                heapq.heappush(heap, (-g.degree(m), dist[m], str(m), m))
    return g.subgraph(keep).copy()
