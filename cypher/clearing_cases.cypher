// The cases for multilateral clearing (`casegraph clearing --backend neo4j`):
// every case with its cause, amount, status and type code, one row per party
// in it (role applicant or debtor; a case without parties gives one row with
// party_id null). casegraph.clearing rebuilds the case–party tables from
// these rows and applies the same rules as the embedded engine (money debts
// of one applicant against one debtor, not personal, not paid, enforcing a
// fixed claim), so both engines give the same plan. Reads the model of
// schema.cypher: (:Party)-[:APPLICANT_IN|DEBTOR_IN]->(:Case).

MATCH (c:Case)
OPTIONAL MATCH (p:Party)-[r:APPLICANT_IN|DEBTOR_IN]->(c)
RETURN c.case_no AS case_no, c.cause AS cause, c.amount AS amount, c.status AS status, c.type_code AS type_code,
       p.party_id AS party_id, p.name AS name, p.kind AS kind,
       CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' WHEN 'DEBTOR_IN' THEN 'debtor' END AS role
