"""The ``casegraph`` command: a thin layer over the library.

Each command parses its options, makes one library call and prints where
the results went. Errors are one line on stderr and a non-zero exit, never a
traceback (set CASEGRAPH_DEBUG=1 to see one).

* :mod:`~casegraph.cli.common`: the group, one-line errors, shared options;
* :mod:`~casegraph.cli.check`: ``check`` (and the options it shares with ``analyze``);
* :mod:`~casegraph.cli.analyse`: ``analyze``, ``clearing``, ``show``;
* :mod:`~casegraph.cli.sample`: ``sample``, ``demo``;
* :mod:`~casegraph.cli.store`: ``neo4j start|stop|status``, ``load``, ``query``;
* :mod:`~casegraph.cli.jobs`: ``assign``, ``flag``;
* :mod:`~casegraph.cli.explore`: ``explore``;
* :mod:`~casegraph.cli.kit`: ``kit`` (the offline install kit).
"""
from casegraph.cli import analyse, check, explore, jobs, kit, sample, store  # noqa: F401  (each registers its commands)
from casegraph.cli.common import main

__all__ = ["main"]
