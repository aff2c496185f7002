// Write the cases: first those the database lacks, created whole; then those
// it holds in another state (a new status, a judge), changed in place.
// Rows as in parties.cypher.
//
// :param rows => [{"case_no": "（2024）沪0113执1号", "filed_on": "2024-01-02", "cause": "民间借贷纠纷", "amount": 12345.0, "status": "执行中", "judge": "张法官", "court": "沪0113", "type_code": "执"}]

UNWIND $rows AS r
CREATE (c:Case) SET c = r;

UNWIND $rows AS r
MATCH (c:Case {case_no: r.case_no})
SET c += r
