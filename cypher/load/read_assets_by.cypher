// The assets the database holds among an export's $ids: a known asset keeps
// the type it has.
//
// :param ids => ["沪(2023)宝山区不动产权第0012345号"]

UNWIND $ids AS id
MATCH (a:Asset {asset_id: id})
RETURN a.asset_id AS asset_id, a.asset_type AS asset_type
