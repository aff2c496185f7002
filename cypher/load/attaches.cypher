// Write which case attaches (查封/冻结/扣押) which asset: first the pairs the
// database lacks, then those with another action or asset type. Rows as in
// parties.cypher.
//
// :param rows => [{"case_no": "（2024）沪0113执1号", "asset_id": "沪(2023)宝山区不动产权第0012345号", "action": "查封", "asset_type": "不动产"}]

UNWIND $rows AS r
MATCH (c:Case {case_no: r.case_no})
MATCH (a:Asset {asset_id: r.asset_id})
CREATE (c)-[:ATTACHES {action: r.action, asset_type: r.asset_type}]->(a);

UNWIND $rows AS r
MATCH (:Case {case_no: r.case_no})-[x:ATTACHES]->(:Asset {asset_id: r.asset_id})
SET x.action = r.action, x.asset_type = r.asset_type
