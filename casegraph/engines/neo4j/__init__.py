"""The Neo4j engine: casegraph's shared store.

* :mod:`~casegraph.engines.neo4j.db`: the driver, errors and the ``cypher/`` files;
* :mod:`~casegraph.engines.neo4j.lock`: one writer at a time, a lease kept in the database;
* :mod:`~casegraph.engines.neo4j.load`: writing a prepared export into the database;
* :mod:`~casegraph.engines.neo4j.bulk`: the first load into an empty local store, by Neo4j's importer;
* :mod:`~casegraph.engines.neo4j.find`: the findings, answered by the queries;
* :mod:`~casegraph.engines.neo4j.engine`: the two above behind the engine interface;
* :mod:`~casegraph.engines.neo4j.server`: the local Neo4j server for one machine.
"""
