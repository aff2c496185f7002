// The records a clerk's decision names together with the given ones
// (casegraph.engines.neo4j.load, MEETS; casegraph.engines.neo4j.decided): a
// 'same' links them into one party, a 'different' keeps them apart, so
// they are resolved together. Decisions are few (a clerk's): no index.
//
// :param values => ["R0123456789abcdef"]

UNWIND $values AS v
MATCH (d:Decision)
WHERE v IN d.records
UNWIND d.records AS other
MATCH (r:PartyRecord {record_key: other})
RETURN DISTINCT r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
