// The edges between a picture's parties and cases (casegraph show): who is
// applicant or debtor where.
//
// :param case_nos => ["（2024）沪0113执1号"]
// :param party_ids => ["P0123456789ab"]

UNWIND $case_nos AS no
MATCH (p:Party)-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case {case_no: no})
WHERE p.party_id IN $party_ids
RETURN c.case_no AS case_no, p.party_id AS party_id,
       CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END AS role
