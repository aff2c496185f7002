"""A realistic synthetic court export with its truth, for tests, demos and benchmarks.

* :mod:`~casegraph.sample.generate`: :func:`make_sample`.
"""
from casegraph.sample.generate import make_sample

__all__ = ["make_sample"]
