// Is a case in the database? casegraph show --case looks its start up here,
// after reading the case number the way clerks type it.
//
// :param case_no => "（2024）沪0113执1号"

MATCH (c:Case {case_no: $case_no})
RETURN c.case_no AS case_no
