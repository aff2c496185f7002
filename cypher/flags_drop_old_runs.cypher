// Removes every flag run but $run_id (`casegraph flag`, once its flags are
// gone: flags_drop_old_flags.cypher) and lists the runs it replaced.
//
// :param run_id => "F20250101T020000-1a2b3c"

MATCH (r:FlagRun) WHERE r.run_id <> $run_id
WITH r, r.run_id AS old
DELETE r
RETURN collect(old) AS replaced
