// Parties as the explorer shows them: masked ID only, and their case counts
// in the whole database (a debtor in 26 cases is drawn large even when 5
// are in view).
//
// :param party_ids => ["P0123456789ab"]

UNWIND $party_ids AS pid
MATCH (p:Party {party_id: pid})
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, p.id_masked AS id_masked,
       COUNT { MATCH (p)-[:APPLICANT_IN|DEBTOR_IN]->(c:Case) RETURN DISTINCT c } AS n_cases,
       COUNT { (p)-[:APPLICANT_IN]->() } AS n_applicant_cases,
       COUNT { (p)-[:DEBTOR_IN]->() } AS n_debtor_cases
