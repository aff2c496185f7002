// Candidates for review, step 2: the party records of the parties selected
// (their cases, roles, names and masked ID numbers; never an ID number).
//
// :param ids => ["P0123456789ab"]

MATCH (r:PartyRecord)-[:OF]->(p:Party)
WHERE p.party_id IN $ids
RETURN p.party_id AS party_id, r.case_no AS case_no, r.role AS role, r.name_norm AS name_norm,
       r.id_status AS id_status, coalesce(r.id_masked, '') AS id_masked, r.record_key AS record_key
