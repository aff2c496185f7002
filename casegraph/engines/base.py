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

import pandas as pd

from casegraph import contract as C
from casegraph.graph import CaseGraph


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

    def routing_lookup(self, case_no: str, pending: Iterable[str] = ()) -> pd.DataFrame:
        """What a case to route is tied to (``cypher/route_case.cypher``): one
        row per case of each bundle it joins, ``bundle`` (the bundle's
        smallest case_no, the case itself left out), ``case_no``, ``judge``
        and ``cause`` ('' for none), ``via`` (the links tying that case to it
        directly, a list). ``pending``: cases that count as not there."""

    def clearing_graph(self) -> CaseGraph:
        """The cases and parties the clearing plan is computed over."""

    def close(self) -> None:
        """Release what the engine holds (a driver; nothing for the embedded one)."""
