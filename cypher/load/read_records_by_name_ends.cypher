// The records with a resident ID or a masked one, of the given name and
// visible ends (first 6 and last 4 characters of the masked form)
// (casegraph.engines.neo4j.touched, MEETS): a masked ID joins the one
// person of the same name whose ID agrees with it (casegraph.resolve:
// masked_id_and_name), and only these can meet. Not every 王伟: the name
// and the first six characters go through the composite index on
// (name_norm, id_masked) (schema.cypher), the last four are checked after.
//
// :param values => [["张三", "310113", "123X"]]
// :param named_statuses => ["resident_id", "masked"]

UNWIND $values AS v
MATCH (r:PartyRecord)
USING INDEX r:PartyRecord(name_norm, id_masked)
WHERE r.name_norm = v[0] AND r.id_masked STARTS WITH v[1]
  AND r.id_masked ENDS WITH v[2] AND r.id_status IN $named_statuses
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
