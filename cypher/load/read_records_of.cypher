// Every record of the given parties, through the party each record points
// at (-[:OF]->): a party's name, kind and record count are computed from all
// its records, so a load that touches a party reads them all
// (casegraph.engines.neo4j.load).
//
// :param ids => ["P0123456789ab"]

UNWIND $ids AS id
MATCH (:Party {party_id: id})<-[:OF]-(r:PartyRecord)
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
