// Every record of every case in a court where a person without a valid ID
// of a given name is a party (casegraph.engines.neo4j.touched): until a
// rule takes such a person, the others know it by its name, and
// same_name_pair (casegraph.resolve) counts how many people face it in the
// court. Through the index on name_norm, then record_case.
//
// :param values => [["王伟", "沪0113"]]
// :param person => "自然人"
// :param identified => ["resident_id", "credit_code"]

UNWIND $values AS v
MATCH (o:PartyRecord {name_norm: v[0]})
WHERE o.kind = $person AND NOT o.id_status IN $identified AND substring(o.case_no, 6) STARTS WITH v[1]
WITH DISTINCT o.case_no AS case_no
MATCH (r:PartyRecord {case_no: case_no})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
