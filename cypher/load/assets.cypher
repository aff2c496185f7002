// Write the assets: first those the database lacks, then those whose type is
// now known. Rows as in parties.cypher.
//
// :param rows => [{"asset_id": "沪(2023)宝山区不动产权第0012345号", "asset_type": "不动产"}]

UNWIND $rows AS r
CREATE (a:Asset) SET a = r;

UNWIND $rows AS r
MATCH (a:Asset {asset_id: r.asset_id})
SET a += r
