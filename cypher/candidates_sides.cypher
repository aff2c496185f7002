// Candidates for review, step 3: every party of the cases of the parties
// selected, to find the counterparties two of them share.
//
// :param case_nos => ["（2024）沪0113执1号"]

MATCH (q:Party)-[x:APPLICANT_IN|DEBTOR_IN]->(c:Case)
WHERE c.case_no IN $case_nos
RETURN c.case_no AS case_no, CASE type(x) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END AS role,
       q.party_id AS party_id, q.name AS name, q.kind AS kind, coalesce(q.id_masked, '') AS id_masked,
       COUNT { (q)-[:APPLICANT_IN]->() } AS n_applied
