// The edges between a picture's cases and assets (casegraph show): which
// property is attached (查封/冻结/扣押) in which case.
//
// :param case_nos => ["（2024）沪0113执1号"]
// :param asset_ids => ["沪A12345"]

UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})-[r:ATTACHES]->(a:Asset)
WHERE a.asset_id IN $asset_ids
RETURN c.case_no AS case_no, a.asset_id AS asset_id, coalesce(a.asset_type, r.asset_type, '') AS asset_type,
       r.action AS action
