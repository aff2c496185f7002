// The parties that both owe and are owed: the only ones that can sit on an
// offset, and so the only ones the OWES projection (owes.cypher) is built for.

MATCH (p:Party)
WHERE EXISTS { (p)-[:DEBTOR_IN]->() } AND EXISTS { (p)-[:APPLICANT_IN]->() }
RETURN p.party_id AS id
