// The flags of the latest finished nightly run (`casegraph flag`), best
// ranked first; $kind picks one kind ('' for all): centralised (集中执行),
// bankruptcy (执转破 / personal debt consolidation), offset, split_bundle.
// Each flag points at what it flags: (:Flag)-[:FLAGS]->(:Party) for debtors
// and offsets, (:Flag)-[:FLAGS]->(:Case) for a bundle's cases. A run that was
// cut short is not finished: its flags are ignored here, and the next run
// removes them.
//
// :param kind => ""

MATCH (run:FlagRun {state: 'done'})
WITH run ORDER BY run.finished_at DESC LIMIT 1
MATCH (f:Flag {run_id: run.run_id})
WHERE $kind = '' OR f.kind = $kind
RETURN f.kind AS kind, f.rank AS rank, f.flag_id AS flag_id, f.subject AS subject, f.title AS title,
       f.n_cases AS n_cases, f.amount AS amount, f.case_nos AS case_nos, run.run_id AS run_id,
       toString(run.started_at) AS run_at
ORDER BY kind, rank
