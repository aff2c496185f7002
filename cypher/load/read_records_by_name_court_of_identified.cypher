// What an identified person (a valid resident ID) can change in the repeat
// pairs of its court: persons of its name there *without* a valid ID may
// join it, as the one identified person facing their counterparty
// (same_name_pair in casegraph.resolve). So only the cases where such a
// person of that name is a party in that court are read, with all their
// records (the counterparties decide); identified namesakes alone change
// nothing, and reading them would pull in every 王伟 of the court and, case
// by case, most of the database. Once such a record is found, the loader
// asks read_records_by_name_court for its name and court: every person of
// that name there, identified or not.
//
// :param values => [["王伟", "沪0113"]]
// :param person => "自然人"
// :param identified => ["resident_id", "credit_code"]

UNWIND $values AS v
MATCH (p:PartyRecord {name_norm: v[0]})
WHERE p.kind = $person AND NOT p.id_status IN $identified AND substring(p.case_no, 6) STARTS WITH v[1]
WITH DISTINCT p.case_no AS case_no
MATCH (r:PartyRecord {case_no: case_no})
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
