// Removes up to $batch flags of the run $run_id, and the run itself once
// they are gone (`casegraph flag`, when its files could not be written: the
// previous run stays whole, in the database as in the files). Run it until
// it returns n = 0.
//
// :param run_id => "F20250101T020000-1a2b3c"
// :param batch => 5000

MATCH (f:Flag {run_id: $run_id})
WITH f LIMIT $batch
DETACH DELETE f
RETURN count(*) AS n;

MATCH (r:FlagRun {run_id: $run_id})
DELETE r
