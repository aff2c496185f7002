// Points a batch of flags at the parties they flag (`casegraph flag`):
// debtors for centralised enforcement and bankruptcy, the parties of an
// offset. $links: maps with key (the flag's) and target (a party_id).
//
// :param links => []

UNWIND $links AS l
MATCH (f:Flag {key: l.key})
MATCH (p:Party {party_id: l.target})
MERGE (f)-[:FLAGS]->(p)
