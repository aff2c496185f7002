// The OWES projection: one (debtor)-[:OWES {amount, case_nos}]->(creditor)
// per pair of parties with money debts between them, the sum of their
// cases' amounts. Claims of a personal nature (抚养费, 探望权, ...) and cases
// without an amount are left out: they are never set off (DOMAIN.md, 抵销).
// The offset findings walk this projection instead of the cases.
//
// Only a party that both owes and is owed can sit on an offset (a bilateral
// pair or a cycle), so the projection holds the debts between such parties
// only: a few per cent of a court's parties, not millions of one-off pairs.
// The loader passes those parties as $debtors, in batches, after deleting
// every OWES edge, or after an incremental load the parties whose edges may
// have changed (load/owes_touched.cypher); this statement first deletes the
// parties' own edges and makes new ones only for a party that is also owed,
// so running it again changes nothing. By hand:
//   MATCH (p:Party) WHERE EXISTS { (p)-[:DEBTOR_IN]->() } AND EXISTS { (p)-[:APPLICANT_IN]->() }
//   RETURN collect(p.party_id) AS debtors
//
// :param debtors => ["P0123456789ab"]
// :param personal_causes => ["抚养费", "赡养费", "扶养费", "探望权", "抚养权"]

UNWIND $debtors AS debtor_id
MATCH (d:Party {party_id: debtor_id})
OPTIONAL MATCH (d)-[old:OWES]->()
DELETE old
WITH DISTINCT d
WHERE EXISTS { (d)-[:APPLICANT_IN]->() }
MATCH (d)-[:DEBTOR_IN]->(c:Case)<-[:APPLICANT_IN]-(cr:Party)
WHERE c.amount > 0 AND cr <> d AND NOT any(x IN $personal_causes WHERE c.cause CONTAINS x)
  AND EXISTS { (cr)-[:DEBTOR_IN]->() }
WITH d, cr, sum(c.amount) AS amount, collect(c.case_no) AS case_nos
CREATE (d)-[:OWES {amount: amount, case_nos: case_nos}]->(cr)
RETURN count(*) AS owes
