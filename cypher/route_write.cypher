// Writes the routes of a few of the day's cases (`casegraph assign`): each
// route is written only if its case still has no judge, so running it twice,
// or after another assigner, never moves a case. Returns the cases written,
// with the time as the database keeps it. $routes: maps with case_no, judge,
// rule, reason, related_cases, links, conflict, routed_at (ISO time), run_id.
//
// :param routes => []

UNWIND $routes AS r
MATCH (c:Case {case_no: r.case_no})
WHERE coalesce(c.judge, '') = ''
SET c.judge = r.judge, c.route_rule = r.rule, c.route_reason = r.reason, c.route_related = r.related_cases,
    c.route_links = r.links, c.route_conflict = r.conflict, c.routed_at = datetime(r.routed_at),
    c.route_run = r.run_id
RETURN c.case_no AS case_no, toString(c.routed_at) AS routed_at
