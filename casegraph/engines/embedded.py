"""The embedded engine: findings answered from a CaseGraph in memory; no server.

Example::

    from casegraph.pipeline import prepare
    from casegraph.engines.embedded import EmbeddedEngine
    _, _, graph = prepare("export/")
    engine = EmbeddedEngine(graph)
    engine.findings()["common_debtors"].head(3)
"""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from casegraph import contract as C
from casegraph.engines.base import Pictures
from casegraph.find import embedded as finders
from casegraph.graph import CaseGraph
from casegraph.pictures.from_graph import GraphSource


class EmbeddedEngine(Pictures):
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

    def clearing_graph(self) -> CaseGraph:
        """The graph the clearing plan is computed over."""
        return self.graph

    def close(self) -> None:
        pass

    def __enter__(self) -> EmbeddedEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
