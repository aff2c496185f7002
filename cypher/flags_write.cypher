// Writes a batch of a run's flags (`casegraph flag`). $flags: maps with key
// (run id and flag id), flag_id, kind, rank, subject, title, n_cases, amount,
// case_nos, run_id. MERGE on the run's own key: a batch the driver retries
// writes nothing twice.
//
// :param flags => []
// :param run_at => "2025-01-01T02:00:00+00:00"

UNWIND $flags AS r
MERGE (f:Flag {key: r.key})
SET f += r, f.run_at = datetime($run_at)
