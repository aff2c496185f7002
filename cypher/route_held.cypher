// The day's cases as the database holds them before they are loaded
// (`casegraph assign`): a case routed by an earlier run, perhaps one cut
// short, keeps its judge and the route stored with it. One row per case of
// $case_nos already in the database; rule and the rest are null for a case
// nobody routed.
//
// :param case_nos => ["（2024）沪0113执1号", "（2024）沪0113执2号"]

UNWIND $case_nos AS case_no
MATCH (c:Case {case_no: case_no})
RETURN c.case_no AS case_no, coalesce(c.judge, '') AS judge, c.route_rule AS rule, c.route_reason AS reason,
       c.route_related AS related_cases, c.route_links AS links, c.route_conflict AS conflict,
       toString(c.routed_at) AS routed_at, c.route_run AS run_id
