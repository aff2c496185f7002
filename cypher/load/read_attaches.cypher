// Which case attaches (查封/冻结/扣押) which asset, as the database holds it.

MATCH (c:Case)-[x:ATTACHES]->(a:Asset)
RETURN c.case_no AS case_no, a.asset_id AS asset_id, x.action AS action, x.asset_type AS asset_type
