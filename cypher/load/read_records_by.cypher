// The party records the database holds that a new export's records can meet
// in resolution (casegraph.engines.neo4j.load, MEETS): those with one of
// $values as their id_key, so that only the parties a day's intake touches
// are read, never every record. As written it looks records up by id_key
// (the keyed ID hash); the loader puts record_key or name_norm in its place,
// from its fixed table MEETS, never a name from data. Every one is an
// indexed property (schema.cypher).
//
// A name only matters to the rules for organisations and for people with a
// resident ID or a masked one (casegraph.resolve.RULES); $any_kind false
// leaves out the other people (王伟 without an ID number), who never join
// by name.
//
// :param values => ["0123456789abcdef"]
// :param any_kind => true
// :param person => "自然人"
// :param named_statuses => ["resident_id", "masked"]

UNWIND $values AS v
MATCH (r:PartyRecord {id_key: v})
WHERE $any_kind OR r.kind <> $person OR r.id_status IN $named_statuses
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
