// Delete up to $batch edges of the OWES projection; the loader runs it until
// it deletes none, then rebuilds the projection (owes.cypher).
//
// :param batch => 50000

MATCH ()-[o:OWES]->()
WITH o LIMIT $batch
DELETE o
RETURN count(*) AS n
