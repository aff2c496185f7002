// The records whose organisation code shows the given first and last three
// (744***927: what a credit code, an organisation code or a masked credit
// code keeps of it) (casegraph.engines.neo4j.touched, MEETS): a masked
// credit code joins the one known code that fits it (casegraph.resolve:
// masked_credit_code). Through the index on org_mask (schema.cypher).
//
// :param values => ["744***927"]

UNWIND $values AS v
MATCH (r:PartyRecord {org_mask: v})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
