"""``casegraph show`` in one call: the network around one case or party, as a page.

With an export, casegraph reads it and the embedded engine answers; without
one, the Neo4j database does (``connection``: ``uri``, ``user``,
``password``, ``database``). Either way the engine is opened by
:func:`casegraph.engines.open_engine` and asked for its
:meth:`~casegraph.engines.base.Engine.neighbourhood`.

Example::

    page, g = show("wang.html", "export/", party="王建国")
    # (PosixPath('wang.html'), <networkx.classes.graph.Graph object at …>)
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from casegraph import contract as C
from casegraph.engines import open_engine
from casegraph.pictures.page import render
from casegraph.pictures.select import DEFAULT_HOPS, DEFAULT_MAX_NODES


def show(out: str | Path, export: str | Path | None = None, case: str | None = None, party: str | None = None,
         hops: int = DEFAULT_HOPS, max_nodes: int = DEFAULT_MAX_NODES, judges: str | Path | None = None,
         inline: bool = False, options: C.Options | None = None, **connection) -> tuple[Path, nx.Graph]:
    """Select the neighbourhood of ``case`` or ``party`` (as a user typed
    them) and write the page. Returns the page and the graph."""
    from casegraph.pipeline import prepare

    graph = records = None
    if export is not None:
        _, resolved, graph = prepare(export, judges, options)
        records = resolved.records
    with open_engine("neo4j" if export is None else "embedded", graph, options, records=records,
                     **connection) as engine:
        g = engine.neighbourhood(case=case, party=party, hops=hops, max_nodes=max_nodes)
    return render(g, out, inline=inline), g
