// The records whose number holds the given organisation code, by its keyed
// hash (casegraph.engines.neo4j.touched, MEETS): credit codes holding it in
// positions 9-17 and the organisation codes themselves, which join them
// (casegraph.resolve: same_org_code). Through the index on org_key
// (schema.cypher).
//
// :param values => ["0123456789abcdef"]

UNWIND $values AS v
MATCH (r:PartyRecord {org_key: v})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
