// Shared assets: property attached (查封/冻结/扣押) in 2+ cases, to be
// enforced together (集约执行). Same rows as casegraph.find.shared_assets.

MATCH (a:Asset)
WHERE COUNT { (a)<-[:ATTACHES]-(:Case) } >= 2
MATCH (a)<-[:ATTACHES]-(c:Case)
WITH a, collect(c.case_no) AS case_nos
RETURN a.asset_id AS asset_id, coalesce(a.asset_type, '') AS asset_type, size(case_nos) AS n_cases, case_nos
ORDER BY n_cases DESC, asset_id
