// Opens a nightly flag run (`casegraph flag`): its flags count only once the
// run says state 'done' (flags_finish_run.cypher); a run cut short stays
// 'running' and the next one removes it.
//
// :param run_id => "F20250101T020000-1a2b3c"
// :param run_at => "2025-01-01T02:00:00+00:00"

CREATE (r:FlagRun {run_id: $run_id, started_at: datetime($run_at), state: 'running'})
