// The OWES projection: one (debtor)-[:OWES {amount, case_nos}]->(creditor)
// per pair of parties with money debts between them, the sum of their
// cases' amounts. Claims of a personal nature (抚养费, 探望权, ...) and cases
// without an amount are left out: they are never set off (DOMAIN.md, 抵销).
// The offset findings walk this projection instead of the cases.
//
// The loader runs this for the debtors a load touched (all of them after an
// interrupted load), in batches; it first deletes their old OWES edges, so
// running it again changes nothing. To rebuild it all by hand:
//   MATCH (p:Party) WHERE EXISTS { (p)-[:DEBTOR_IN]->() } WITH collect(p.party_id) AS ids
//   ... and pass ids as $debtors.
//
// :param debtors => ["P0123456789ab"]
// :param personal_causes => ["抚养费", "赡养费", "扶养费", "探望权", "抚养权"]

UNWIND $debtors AS debtor_id
MATCH (d:Party {party_id: debtor_id})
OPTIONAL MATCH (d)-[old:OWES]->()
DELETE old
WITH DISTINCT d
MATCH (d)-[:DEBTOR_IN]->(c:Case)<-[:APPLICANT_IN]-(cr:Party)
WHERE c.amount > 0 AND cr <> d AND NOT any(x IN $personal_causes WHERE c.cause CONTAINS x)
WITH d, cr, sum(c.amount) AS amount, collect(c.case_no) AS case_nos
CREATE (d)-[:OWES {amount: amount, case_nos: case_nos}]->(cr)
RETURN count(*) AS owes
