// The assets the database holds: a known asset keeps the type it has.

MATCH (a:Asset)
RETURN a.asset_id AS asset_id, a.asset_type AS asset_type
