"""Find: the findings over the case–party graph.

* :mod:`~casegraph.find.embedded`: the finders as plain functions over a CaseGraph;
* :mod:`~casegraph.find.finish`: an engine's raw rows made into an output file's, for both engines;
* :mod:`~casegraph.find.clearing`: the optimal multilateral set-off plan.
"""
from casegraph.find.embedded import (bundles, common_debtors, find_all, offsets, related_cases, repeat_applicants,
                                     shared_assets)
from casegraph.find.finish import bundles_from_links

__all__ = ["bundles", "bundles_from_links", "common_debtors", "find_all", "offsets", "related_cases",
           "repeat_applicants", "shared_assets"]
