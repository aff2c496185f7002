// Candidates for review: the parties a clerk kept apart ('different'
// decisions, cypher/decisions.cypher), each record's party and side: a
// candidate whose parties were all kept apart is not offered again.

MATCH (d:Decision {decision: 'different'})
UNWIND range(0, size(d.records) - 1) AS i
MATCH (r:PartyRecord {record_key: d.records[i]})-[:OF]->(p:Party)
RETURN d.decision_id AS decision_id, d.sides[i] AS side, p.party_id AS party_id
