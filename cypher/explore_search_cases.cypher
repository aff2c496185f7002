// The cases a search box finds (casegraph explore): the case of an official
// case number (the explorer reads what a clerk typed, in any bracket style,
// first), and the cases whose number holds a part of one, in case-number
// order, $limit of them.
//
// :param case_no => "（2024）沪0113执1号"
// :param fragment => "执1号"
// :param limit => 20

CALL () {
  MATCH (c:Case {case_no: $case_no}) RETURN c, 'case_no' AS how
  UNION
  MATCH (c:Case) WHERE c.case_no CONTAINS $fragment RETURN c, 'partial' AS how
}
WITH how, c ORDER BY how, c.case_no
WITH how, collect(c.case_no)[..$limit] AS case_nos
RETURN how, case_nos
