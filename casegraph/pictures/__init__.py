"""Pictures: the network around a case or party, as an offline interactive page.

* :mod:`~casegraph.pictures.show`: selecting a neighbourhood and rendering it.
"""
