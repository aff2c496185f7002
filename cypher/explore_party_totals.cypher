// A party's cases by role (the explorer's details panel): how many, their
// amount together (yuan), and how many are open (no status in
// $closing_markers).
//
// :param party_id => "P0123456789ab"
// :param closing_markers => ["执行完毕", "终结执行", "销案", "不予执行", "驳回", "终结本次执行", "终本"]

MATCH (:Party {party_id: $party_id})-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
WITH CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END AS role, collect(DISTINCT c) AS cases
RETURN role, size(cases) AS n_cases, reduce(s = 0.0, c IN cases | s + coalesce(c.amount, 0.0)) AS amount,
       size([c IN cases WHERE NOT any(m IN $closing_markers WHERE coalesce(c.status, '') CONTAINS m)]) AS n_open
