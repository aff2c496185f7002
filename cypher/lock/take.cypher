// Take the writer's lease (casegraph.engines.neo4j.lock): one writer at a
// time (load, assign, flag, analyze --backend neo4j) on a shared server or
// the local one. Readers never ask for it.
//
// The first statement makes the lease node unique, so two writers asking at
// once MERGE the same node. The second takes the node's write lock (SET
// asked_at) before it reads who holds it: the two cannot both see it free.
// The lease is free when nobody holds it, when its holder let it expire
// (died without releasing it), when it is $token's already, or when it is
// $steal's: a holder on this machine whose process is gone (the caller
// checked that with the operating system).
//
// :param name => "writer"
// :param token => "0123456789abcdef"
// :param steal => ""
// :param who => "clerk@court-pc"
// :param host => "court-pc"
// :param pid => 4242
// :param started => 1735689600.0
// :param command => "load"
// :param ttl => 60

CREATE CONSTRAINT casegraph_lock IF NOT EXISTS FOR (l:CasegraphLock) REQUIRE l.name IS UNIQUE;

MERGE (l:CasegraphLock {name: $name})
SET l.asked_at = datetime()
WITH l, (l.token IS NULL OR l.expires < datetime() OR l.token IN [$token, $steal]) AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END |
  SET l.since = CASE WHEN l.token = $token THEN l.since ELSE datetime() END,
      l.token = $token, l.who = $who, l.host = $host, l.pid = $pid, l.started = $started, l.command = $command,
      l.expires = datetime() + duration({seconds: $ttl}))
RETURN free AS taken, l.token AS token, l.who AS who, l.host AS host, l.pid AS pid, l.started AS started,
       l.command AS command, toString(l.since) AS since
