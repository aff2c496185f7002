// The parties a picture shows (casegraph show), each with its case counts in
// the whole database: a debtor in 26 cases is drawn large even when 5 are in view.
//
// :param party_ids => ["P0123456789ab"]

UNWIND $party_ids AS pid
MATCH (p:Party {party_id: pid})
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, p.id_masked AS id_masked,
       COUNT { (p)-[:DEBTOR_IN]->(:Case) } AS n_debtor_cases,
       COUNT { (p)-[:APPLICANT_IN]->(:Case) } AS n_applicant_cases
