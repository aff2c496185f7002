// Write the party records, each pointing at the party it was resolved to
// (-[:OF]->): first those the database lacks; then those that changed or now
// point at another party, in one statement that leaves a record pointing at
// exactly one party however often it runs. Rows as in parties.cypher.
//
// :param rows => [{"record_key": "R0123456789abcdef", "case_no": "（2024）沪0113执1号", "role": "applicant", "name": "张三", "name_norm": "张三", "kind": "自然人", "id_status": "resident_id", "id_key": "0123456789abcdef", "id_masked": "310113********123X", "n": 1, "party_id": "P0123456789ab", "rule": "same_resident_id", "key": "id:310113********123X"}]

UNWIND $rows AS r
MATCH (p:Party {party_id: r.party_id})
CREATE (x:PartyRecord)-[:OF]->(p)
SET x = r;

UNWIND $rows AS r
MATCH (p:Party {party_id: r.party_id})
MERGE (x:PartyRecord {record_key: r.record_key})
SET x += r
WITH x, p
OPTIONAL MATCH (x)-[old:OF]->(other:Party) WHERE other <> p
DELETE old
WITH DISTINCT x, p
MERGE (x)-[:OF]->(p)
