// The judges of given cases, for the nightly flag of bundles whose cases sit
// with different judges (`casegraph flag`): casegraph.flag finds the bundles
// (bundles.cypher's links grouped by casegraph.find.bundles_from_links, as
// the findings do) and asks who holds their cases. '' for nobody.
//
// :param case_nos => ["（2024）沪0113执1号", "（2024）沪0113执2号"]

UNWIND $case_nos AS case_no
MATCH (c:Case {case_no: case_no})
RETURN c.case_no AS case_no, coalesce(c.judge, '') AS judge
