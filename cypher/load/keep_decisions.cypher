// Keep the clerk's decisions a load applied (casegraph.engines.neo4j.decided):
// one (:Decision) per decision_id, holding the party records it names and
// the side of each; a later decision on the same id replaces it. Read back
// by cypher/decisions.cypher at every load.
//
// :param rows => [{"decision_id": "C0123456789", "decision": "different", "decided_by": "书记员甲", "decided_on": "2025-01-02", "note": "", "shown": "C0123456789 by 书记员甲 on 2025-01-02", "records": ["R0123456789abcdef", "R0123456789abcdee"], "sides": [0, 1]}]

UNWIND $rows AS r
MERGE (d:Decision {decision_id: r.decision_id})
SET d += r, d.recorded_at = datetime()
