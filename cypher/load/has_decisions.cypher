// Whether the database keeps any clerk's decision (casegraph.engines.neo4j.touched):
// without one, a load does not ask which records a decision names.

RETURN EXISTS { MATCH (:Decision) } AS decided
