// The flag runs other than $run_id (`casegraph flag`): the ones this run
// will replace once its files are written and it is marked done. The run
// holds the writer's lease, so no run starts meanwhile.
//
// :param run_id => "F20250101T020000-1a2b3c"

MATCH (r:FlagRun) WHERE r.run_id <> $run_id
RETURN collect(r.run_id) AS runs
