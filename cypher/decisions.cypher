// The clerk's decisions on candidates for review (casegraph.decisions), as
// `casegraph load|assign|analyze --decisions FILE` stored them: each with the
// party records it named (record_key) and the side of each (a 'different'
// keeps its sides apart; a 'same' links them all). Every load applies them
// again, so the parties the routing and the flags see honour them.
// decision_id is a candidate of candidates.csv (C…), or <party_id>@<case_no>
// for a link a rule made that the clerk split.

MATCH (d:Decision)
RETURN d.decision_id AS decision_id, d.decision AS decision, d.decided_by AS by, d.decided_on AS on,
       d.note AS note, d.shown AS shown, d.records AS records, d.sides AS sides,
       toString(d.recorded_at) AS recorded_at
ORDER BY recorded_at, decision_id
