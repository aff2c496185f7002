// Renew the writer's lease (casegraph.engines.neo4j.lock) while its holder
// works: a holder that dies stops renewing, and the lease expires $ttl
// seconds later. held = 0: the lease is no longer $token's.
//
// :param name => "writer"
// :param token => "0123456789abcdef"
// :param ttl => 60

MATCH (l:CasegraphLock {name: $name})
WHERE l.token = $token
SET l.expires = datetime() + duration({seconds: $ttl})
RETURN count(l) AS held
