// The cases of one party (related cases of a party): each case it is in, its
// role there, and the other side. Before paying out a debtor's preserved
// deposit early, this lists its other creditors (关联案件检索). Look a
// party_id up by name first: MATCH (p:Party) WHERE p.name = '张三' RETURN p
//
// :param party_id => "P0123456789ab"

MATCH (p:Party {party_id: $party_id})-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
OPTIONAL MATCH (c)<-[r2:APPLICANT_IN|DEBTOR_IN]-(other:Party)
WHERE other <> p AND type(r2) <> type(r)
RETURN c.case_no AS case_no, CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END AS role,
       c.cause AS cause, c.amount AS amount, c.status AS status, c.judge AS judge,
       collect(other.party_id + ' ' + other.name) AS other_side
ORDER BY case_no
