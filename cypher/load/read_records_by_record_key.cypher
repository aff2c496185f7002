// The party records the database holds among an export's own (by
// record_key): a record already loaded is compared, not created again
// (casegraph.engines.neo4j.load, MEETS).
//
// :param values => ["R0123456789abcdef"]

UNWIND $values AS v
MATCH (r:PartyRecord {record_key: v})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
