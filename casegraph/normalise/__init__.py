"""Normalise: raw text tables → clean, typed tables (case numbers, IDs, names, amounts).

* :mod:`~casegraph.normalise.clean`: the tables, row by row, with rejections and warnings;
* :mod:`~casegraph.normalise.caseno`: case numbers (案号) in their official form;
* :mod:`~casegraph.normalise.identity`: ID numbers: checked, masked, keyed hashes.
"""
from casegraph.normalise.clean import Clean, normalise

__all__ = ["Clean", "normalise"]
