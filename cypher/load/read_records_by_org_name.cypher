// The organisations' records of the given names (casegraph.engines.neo4j.load,
// MEETS): an organisation without a valid code joins the one coded
// organisation of its name, or else those of the same name
// (casegraph.resolve: org_name_of_one_code, same_org_name), so a new
// organisation's name can change how these are resolved. Through the index
// on name_norm (schema.cypher).
//
// :param values => ["上海甲有限公司"]
// :param person => "自然人"

UNWIND $values AS v
MATCH (r:PartyRecord {name_norm: v})
WHERE r.kind <> $person
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
