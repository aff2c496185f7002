// Persons of a given name in a given court who face one of the given
// counterparties (by party, or by name) on the other side of a case
// (casegraph.engines.neo4j.touched): same_name_pair (casegraph.resolve)
// takes persons without a valid ID of one name facing the same counterparty
// in two cases of one court for one person, so these are the records a new
// person can pair with, or be the identified anchor of. Only the namesakes
// are returned; their cases are read after (read_records_in_cases), as the
// evidence. The name goes through the index on name_norm, each namesake's
// case through record_case. The court is the case number's text after
// "（yyyy）"; a court whose code begins another's (沪01, 沪0113) reads a few
// records more, never fewer.
//
// :param values => [["王伟", "沪0113", ["P0123456789ab"], ["上海甲有限公司"]]]
// :param person => "自然人"

UNWIND $values AS v
MATCH (p:PartyRecord {name_norm: v[0]})
WHERE p.kind = $person AND substring(p.case_no, 6) STARTS WITH v[1]
  AND EXISTS {
    MATCH (o:PartyRecord {case_no: p.case_no})
    WHERE o.role <> p.role AND (o.party_id IN v[2] OR o.name_norm IN v[3])
  }
RETURN p.record_key AS record_key, p.case_no AS case_no, p.role AS role, p.name AS name,
       p.name_norm AS name_norm, p.kind AS kind, p.id_status AS id_status, p.id_key AS id_key,
       p.id_masked AS id_masked, p.n AS n, p.party_id AS party_id, p.rule AS rule, p.key AS key
