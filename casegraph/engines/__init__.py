"""Two engines behind one interface (:class:`~casegraph.engines.base.Engine`).

:func:`open_engine` is the one place that turns a run's options into an engine.

Example::

    from casegraph.engines import open_engine
    with open_engine("neo4j") as engine:        # or open_engine("embedded", graph=graph)
        engine.related_cases("（2024）沪0113执1号")
"""
from __future__ import annotations

from casegraph import contract as C
from casegraph.engines.base import Engine
from casegraph.graph import CaseGraph

BACKENDS = ("embedded", "neo4j")


def open_engine(backend: str = "embedded", graph: CaseGraph | None = None, options: C.Options | None = None,
                records=None, **connection) -> Engine:
    """An engine for ``backend``: the embedded one over ``graph`` (and the
    resolved ``records``, to find a party by its ID number), or the Neo4j
    one connected with ``connection`` (``uri``, ``user``, ``password``,
    ``database``; missing ones from the environment or the local server;
    the embedded engine needs none and ignores them)."""
    if backend == "embedded":
        if graph is None:
            raise ValueError("the embedded engine needs a prepared graph")
        from casegraph.engines.embedded import EmbeddedEngine

        return EmbeddedEngine(graph, records)
    if backend == "neo4j":
        from casegraph.engines.neo4j.engine import Neo4jEngine

        return Neo4jEngine.connect(options=options or (graph.options if graph is not None else None), **connection)
    raise ValueError(f"unknown backend {backend!r} ({' or '.join(BACKENDS)})")


__all__ = ["BACKENDS", "Engine", "open_engine"]
