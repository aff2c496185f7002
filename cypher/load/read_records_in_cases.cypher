// Every record of the given cases (casegraph.engines.neo4j.touched): an
// export's own cases (a record it no longer carries leaves its party), and
// the cases of a person who may form a repeat pair, whose counterparties
// decide whether it does. Through the index on case_no (schema.cypher).
//
// :param case_nos => ["（2024）沪0113执12号"]

UNWIND $case_nos AS no
MATCH (r:PartyRecord {case_no: no})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
