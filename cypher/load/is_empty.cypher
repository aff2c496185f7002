// Whether the database holds nothing but the writer's lease and the
// loader's bookkeeping: a first load then has nothing to read back, and on
// the local server may go through Neo4j's offline importer
// (casegraph.engines.neo4j.bulk).

RETURN NOT EXISTS { MATCH (n) WHERE NOT n:CasegraphLock AND NOT n:CasegraphMeta } AS empty
