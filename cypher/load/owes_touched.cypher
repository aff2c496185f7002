// After an incremental load: the parties whose OWES edges (owes.cypher) may
// have changed, so that only they are rebuilt. An edge (d)-[:OWES]->(cr)
// depends on the cases between d and cr, on d owing and being owed, and on cr
// owing somewhere. So: every party of a case the load touched ($case_nos),
// and the debtors facing, as applicant, a party whose owing changed or that
// is new ($flipped). Only those that can hold an edge (both owe and are
// owed) or hold one now are returned.
//
// :param case_nos => ["（2024）沪0113执1号"]
// :param flipped => ["P0123456789ab"]

CALL {
  UNWIND $case_nos AS no
  MATCH (:Case {case_no: no})<-[:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  RETURN p
  UNION
  UNWIND $flipped AS id
  MATCH (:Party {party_id: id})-[:APPLICANT_IN]->(:Case)<-[:DEBTOR_IN]-(p:Party)
  RETURN p
}
WITH DISTINCT p
WHERE (EXISTS { (p)-[:DEBTOR_IN]->() } AND EXISTS { (p)-[:APPLICANT_IN]->() }) OR EXISTS { (p)-[:OWES]->() }
RETURN p.party_id AS id
