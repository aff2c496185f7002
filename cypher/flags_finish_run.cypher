// Marks a nightly flag run finished (`casegraph flag`), with its flags'
// counts by kind (JSON): from now on flags_latest.cypher reads this run.
//
// :param run_id => "F20250101T020000-1a2b3c"
// :param counts => "{}"

MATCH (r:FlagRun {run_id: $run_id})
SET r.state = 'done', r.finished_at = datetime(), r.counts = $counts
