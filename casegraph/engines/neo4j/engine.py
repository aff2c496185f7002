"""The Neo4j engine: findings answered by the shared database.

Example::

    from casegraph.engines.neo4j.engine import Neo4jEngine
    with Neo4jEngine.connect() as engine:      # NEO4J_URI, or the local server
        engine.findings()["offsets"].head(3)
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import pandas as pd

from casegraph import contract as C
from casegraph.engines.base import Exploring, Pictures
from casegraph.engines.neo4j import find as nf
from casegraph.engines.neo4j.db import Database, connect, defaults, query, statements
from casegraph.engines.neo4j.explore import Explorer
from casegraph.engines.neo4j.load import SEP, LoadReport, load_graph
from casegraph.find.clearing import graph_from_rows
from casegraph.graph import CaseGraph
from casegraph.pictures.from_neo4j import Neo4jSource
from casegraph.resolve import Resolved


class Neo4jEngine(Pictures, Exploring):
    """An :class:`~casegraph.engines.base.Engine` over one Neo4j database."""

    name = "neo4j"

    def __init__(self, db: Database, options: C.Options | None = None):
        self.db = db
        self.options = options or C.Options()

    @classmethod
    def connect(cls, uri: str | None = None, user: str | None = None, password: str | None = None,
                database: str | None = None, options: C.Options | None = None, data_dir=None) -> Neo4jEngine:
        """Connect (see :func:`casegraph.engines.neo4j.db.connect`) and wrap the database."""
        return cls(connect(uri, user, password, database, data_dir), options)

    def load(self, graph: CaseGraph, resolved: Resolved, progress: bool = False, decisions=None,
             wait: float = 0.0, command: str = "load") -> LoadReport:
        """Write a prepared export into the database (idempotent, incremental),
        with the clerk's decisions in the file ``decisions`` (see
        :mod:`casegraph.engines.neo4j.decided`), holding the writer lease
        (waiting up to ``wait`` seconds for it)."""
        return load_graph(self.db, graph, resolved, progress=progress, decisions=decisions, wait=wait,
                          command=command)

    def findings(self) -> dict[str, pd.DataFrame]:
        return nf.find_all(self.db, self.options)

    def scope(self) -> dict:
        """Where the findings come from: the database and how many cases it
        holds (more than one export's, once several were loaded)."""
        return {"uri": self.db.uri, "database": self.db.database,
                "cases": int(query(self.db, "count_cases").iloc[0, 0])}

    def related_cases(self, case_no: str) -> pd.DataFrame:
        return nf.related_cases(self.db, case_no, self.options)

    @cached_property
    def _pictures(self) -> Neo4jSource:
        return Neo4jSource(self.db, self.options)

    @cached_property
    def _explorer(self) -> Explorer:
        return Explorer(self.db, self.options)

    def ready_to_explore(self) -> str | None:
        """Create the explorer's indexes if they are missing (``cypher/explore_schema.cypher``)."""
        return self._explorer.ready()

    def routing_lookup(self, case_no: str, pending: Iterable[str] = ()) -> pd.DataFrame:
        statement, params = self._route_case
        pending = list(pending)
        if any(SEP in c for c in pending):
            raise ValueError("a case number holds the separator U+001F")
        return self.db.read(statement, {**params, "case_no": case_no, "pending": SEP.join(pending)})

    @cached_property
    def _route_case(self) -> tuple[str, dict]:
        # Read once: a day's routing asks it for every new case.
        (statement,) = statements("route_case")
        return statement, {**defaults("route_case"), "hub_threshold": self.options.hub_threshold}

    def clearing_graph(self) -> CaseGraph:
        """The money cases and their parties as the database holds them
        (``cypher/clearing_cases.cypher``), for the clearing plan."""
        return graph_from_rows(query(self.db, "clearing_cases"), self.options)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Neo4jEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
