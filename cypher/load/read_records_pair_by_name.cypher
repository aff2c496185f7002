// Persons of a given name on the other side of a case, in a given court,
// from a counterparty known by its name: a person without a valid ID, whom
// the others know by name until a rule takes it (casegraph.engines.neo4j.touched;
// same_name_pair in casegraph.resolve). The parent back for child support
// faces the same ex-spouse, by name, case after case. Walked from the
// counterparty's name (index on name_norm), then each of its cases
// (record_case). Only the namesakes are returned, as in
// read_records_pair_by_party.cypher.
//
// :param values => [["王伟", "沪0113", "李娜"]]
// :param person => "自然人"
// :param identified => ["resident_id", "credit_code"]

UNWIND $values AS v
MATCH (o:PartyRecord {name_norm: v[2]})
USING INDEX o:PartyRecord(name_norm)
WHERE o.kind = $person AND NOT o.id_status IN $identified AND substring(o.case_no, 6) STARTS WITH v[1]
MATCH (p:PartyRecord {case_no: o.case_no})
USING INDEX p:PartyRecord(case_no)
WHERE p.name_norm = v[0] AND p.kind = $person AND p.role <> o.role
RETURN DISTINCT p.record_key AS record_key, p.case_no AS case_no, p.role AS role, p.name AS name,
       p.name_norm AS name_norm, p.kind AS kind, p.id_status AS id_status, p.id_key AS id_key,
       p.id_masked AS id_masked, p.org_key AS org_key, p.org_mask AS org_mask, p.n AS n, p.party_id AS party_id, p.rule AS rule, p.key AS key
