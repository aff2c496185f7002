// The writer's lease as it stands (casegraph.engines.neo4j.lock): who holds
// it, since when, until when. The bulk loader copies it into the store it
// builds offline, so that the lease is still its own when that store
// replaces the database's.
//
// :param name => "writer"

MATCH (l:CasegraphLock {name: $name})
RETURN properties(l) AS lease
