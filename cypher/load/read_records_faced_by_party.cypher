// Every record of every case in a court where a given party is a party
// (casegraph.engines.neo4j.touched): same_name_pair (casegraph.resolve)
// counts how many people face a counterparty in a court before it trusts a
// shared name, so a new person facing it, or a pair through it, needs them
// all. Never asked for a mass applicant (read_records_of_hubs): it is no
// counterparty. Through the party's records (-[:OF]-) and record_case.
//
// :param values => [["P0123456789ab", "沪0113"]]

UNWIND $values AS v
MATCH (:Party {party_id: v[0]})<-[:OF]-(o:PartyRecord)
WHERE substring(o.case_no, 6) STARTS WITH v[1]
WITH DISTINCT o.case_no AS case_no
MATCH (r:PartyRecord {case_no: case_no})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
