"""The explorer: a local web application for analysts, on either engine.

Search by name, case number, masked ID, party id or asset id; expand a node
on a double-click; filter; ask how two parties or cases are connected; open
the view of a bundle, a debtor's web or an offset; export what is shown.

* :mod:`~casegraph.explore.guard`: who may talk to it (token, Host, Origin);
* :mod:`~casegraph.explore.app`: the page and its JSON API over an engine;
* :mod:`~casegraph.explore.views`: a bundle, a debtor's web, an offset; the findings;
* :mod:`~casegraph.explore.serve`: ``casegraph explore`` in one call, and a
  background server for notebooks (:func:`~casegraph.explore.serve.running`).

The engine answers every question (:meth:`~casegraph.engines.base.Engine.search`,
``node``, ``expand``, ``path``, ``bundle``, ``subgraph``); a notebook can ask
it directly, without the server::

    from casegraph.engines import open_engine
    engine = open_engine("embedded", graph, records=resolved.records)
    engine.search("张芳")[0]["id"], engine.expand("party:P41b028ebf917")["total"]
"""
