// The party–case roles the database really holds. Normally the records say
// what they are; after a load cut short between writing records and roles
// only this tells.

MATCH (p:Party)-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
RETURN c.case_no AS case_no, CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END AS role,
       p.party_id AS party_id
