// Which of an export's cases ($case_nos) attach which asset, as the
// database holds it.
//
// :param case_nos => ["（2024）沪0113执1号"]

UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})-[x:ATTACHES]->(a:Asset)
RETURN c.case_no AS case_no, a.asset_id AS asset_id, x.action AS action, x.asset_type AS asset_type
