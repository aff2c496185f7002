// Persons of a given name on the other side of a case, in a given court,
// from a given party (casegraph.engines.neo4j.touched): same_name_pair
// (casegraph.resolve) takes persons without a valid ID of one name facing
// the same counterparty in two cases of one court for one person, so these
// are the records a new person can pair with, or be the identified anchor
// of. Walked from the counterparty (its records, -[:OF]-), never from the
// name: a common name is in thousands of cases, a counterparty that is no
// mass applicant in few. A mass applicant (in more applicant cases than
// hub_threshold) is no counterparty there, and is not walked. Only the
// namesakes are returned; their cases are read after
// (read_records_in_cases), as the evidence. The court is the case number's
// text after "（yyyy）"; a court whose code begins another's (沪01, 沪0113)
// reads a few records more, never fewer.
//
// :param values => [["王伟", "沪0113", "P0123456789ab"]]
// :param person => "自然人"
// :param hub_threshold => 20

UNWIND $values AS v
MATCH (cp:Party {party_id: v[2]})
WHERE COUNT { (cp)-[:APPLICANT_IN]->() } <= $hub_threshold
MATCH (cp)<-[:OF]-(o:PartyRecord)
WHERE substring(o.case_no, 6) STARTS WITH v[1]
MATCH (p:PartyRecord {case_no: o.case_no})
USING INDEX p:PartyRecord(case_no)
WHERE p.name_norm = v[0] AND p.kind = $person AND p.role <> o.role
RETURN p.record_key AS record_key, p.case_no AS case_no, p.role AS role, p.name AS name,
       p.name_norm AS name_norm, p.kind AS kind, p.id_status AS id_status, p.id_key AS id_key,
       p.id_masked AS id_masked, p.org_key AS org_key, p.org_mask AS org_mask, p.n AS n, p.party_id AS party_id, p.rule AS rule, p.key AS key
