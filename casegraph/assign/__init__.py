"""Assign: which judge handles which case.

* :mod:`~casegraph.assign.rules`: the rules and the judges' book, one
  decision for batch assignment and daily routing;
* :mod:`~casegraph.assign.batch`: a whole export at once, bundles kept whole.
"""
from casegraph.assign.batch import assign

__all__ = ["assign"]
