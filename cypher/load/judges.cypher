// Write the judges with their team, capacity (cases a year; null: no
// limit) and court ('' : any court; else only that court's cases go to
// them). Rows as in parties.cypher.
//
// :param rows => [{"judge": "张法官", "team": "一组", "capacity": 218.0, "court": "沪0113"}]

UNWIND $rows AS r
MERGE (j:Judge {judge: r.judge})
SET j.team = r.team, j.capacity = r.capacity, j.court = r.court
