"""Find: the findings over the case–party graph.

* :mod:`~casegraph.find.embedded`: the finders as plain functions over a CaseGraph;
* :mod:`~casegraph.find.clearing`: the optimal multilateral set-off plan.
"""
from casegraph.find.embedded import (bundles, bundles_from_links, common_debtors, find_all, offsets, related_cases,
                                     repeat_applicants, shared_assets)

__all__ = ["bundles", "bundles_from_links", "common_debtors", "find_all", "offsets", "related_cases",
           "repeat_applicants", "shared_assets"]
