// Release the writer's lease (casegraph.engines.neo4j.lock), if it is still
// $token's; the node stays, free, for the next writer.
//
// :param name => "writer"
// :param token => "0123456789abcdef"

MATCH (l:CasegraphLock {name: $name})
WHERE l.token = $token
SET l.token = null, l.who = null, l.host = null, l.pid = null, l.started = null, l.command = null,
    l.since = null, l.expires = null, l.released_at = datetime()
RETURN count(l) AS released
