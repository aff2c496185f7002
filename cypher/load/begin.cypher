// A load begins: mark the database 'loading' until it finishes (finish.cypher),
// and say how the previous load ended. A load that finds 'loading' here knows
// the one before it was cut short (server killed, connection lost) and
// compares against the roles the database really holds.
//
// key_check is scrypt of the key (casegraph.normalise.identity.key_check), slow
// so that reading it does not help guess a passphrase: a database loaded with
// another casegraph key keeps its state, and the loader refuses it (its keyed
// ID hashes would never match, and every party would be doubled).
//
// :param name => "casegraph"
// :param check => "0123456789abcdef"

MERGE (m:CasegraphMeta {name: $name})
ON CREATE SET m.created = datetime(), m.key_check = $check, m.state = 'new'
WITH m, m.state AS previous
SET m.state = CASE WHEN m.key_check = $check THEN 'loading' ELSE m.state END
RETURN previous, m.key_check = $check AS same_key
