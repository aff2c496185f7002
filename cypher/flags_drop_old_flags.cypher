// Removes up to $batch flags of every run but $run_id, finished or cut short
// (`casegraph flag`, once $run_id is done); run it until it returns n = 0.
//
// :param run_id => "F20250101T020000-1a2b3c"
// :param batch => 5000

MATCH (f:Flag) WHERE f.run_id <> $run_id
WITH f LIMIT $batch
DETACH DELETE f
RETURN count(*) AS n
