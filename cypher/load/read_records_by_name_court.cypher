// The records of the cases where a person of the given name is a party in
// the given court (casegraph.engines.neo4j.load, MEETS): same_name_pair
// (casegraph.resolve) links persons without a valid ID of the same name
// facing the same counterparty in cases of one court, so a new record can
// join them, and their counterparties decide whether it does. The name goes
// through the index on name_norm, the cases' records through record_case.
// The court is the case number's text after "（yyyy）"; a court whose code
// begins another's (沪01, 沪0113) reads a few records more, never fewer.
//
// :param values => [["王伟", "沪0113"]]
// :param person => "自然人"

UNWIND $values AS v
MATCH (p:PartyRecord {name_norm: v[0]})
WHERE p.kind = $person AND substring(p.case_no, 6) STARTS WITH v[1]
WITH DISTINCT p.case_no AS case_no
MATCH (r:PartyRecord {case_no: case_no})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
