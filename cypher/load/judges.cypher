// Write the judges with their team and capacity (cases a year; null: no
// limit). Rows as in parties.cypher.
//
// :param rows => [{"judge": "张法官", "team": "一组", "capacity": 218.0}]

UNWIND $rows AS r
MERGE (j:Judge {judge: r.judge})
SET j.team = r.team, j.capacity = r.capacity
