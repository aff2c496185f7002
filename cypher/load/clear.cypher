// Delete up to $batch nodes with their relationships; run until it deletes
// none to empty the database. Constraints and indexes stay.
//
// :param batch => 20000

MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS n
