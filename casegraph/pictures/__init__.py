"""Pictures: the network around a case or party, as an offline interactive page.

* :mod:`~casegraph.pictures.lookup`: the case or party a user typed, found in either engine;
* :mod:`~casegraph.pictures.select`: the neighbourhood (one walk for both engines), a set of cases, the cut;
* :mod:`~casegraph.pictures.from_graph`, :mod:`~casegraph.pictures.from_neo4j`: what each engine answers the walk;
* :mod:`~casegraph.pictures.page`: the vis-network page (``templates/network.html``);
* :mod:`~casegraph.pictures.show`: ``casegraph show`` in one call.

Example::

    from casegraph import pictures
    g = pictures.neighbourhood(result.graph, party="P3f62007d74fd", hops=2)
    pictures.render(g, "wang.html")
"""
from casegraph.pictures.from_graph import GraphSource
from casegraph.pictures.lookup import find_case, find_party
from casegraph.pictures.page import EDGE_LOOKS, LOOKS, copy_lib, counts_line, edge_view, node_view, render
from casegraph.pictures.select import DEFAULT_HOPS, DEFAULT_MAX_NODES, case_set, cut, neighbourhood

__all__ = ["DEFAULT_HOPS", "DEFAULT_MAX_NODES", "EDGE_LOOKS", "GraphSource", "LOOKS", "case_set", "copy_lib",
           "counts_line", "cut", "edge_view", "find_case", "find_party", "neighbourhood", "node_view", "render"]
