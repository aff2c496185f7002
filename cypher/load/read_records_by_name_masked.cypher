// The persons with a masked ID of the given names (casegraph.engines.neo4j.touched,
// MEETS): namesakes whose masks agree may be one person (casegraph.resolve:
// same_name_masked_id), and a new mask can change which do. Through the
// composite index on (name_norm, id_masked) (schema.cypher).
//
// :param values => ["王文林"]
// :param person => "自然人"

UNWIND $values AS v
MATCH (r:PartyRecord)
USING INDEX r:PartyRecord(name_norm, id_masked)
WHERE r.name_norm = v AND r.id_masked IS NOT NULL AND r.id_status = 'masked' AND r.kind = $person
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
