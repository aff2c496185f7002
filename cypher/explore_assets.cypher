// Assets as the explorer shows them, with the number of cases attaching each.
//
// :param asset_ids => ["沪A12345"]

UNWIND $asset_ids AS aid
MATCH (a:Asset {asset_id: aid})
RETURN a.asset_id AS asset_id, coalesce(a.asset_type, '') AS asset_type,
       COUNT { (a)<-[:ATTACHES]-() } AS n_cases
