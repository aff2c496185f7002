// The cases a picture shows (casegraph show), with what their hover text says.
//
// :param case_nos => ["（2024）沪0113执1号"]

UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})
RETURN c.case_no AS case_no, c.filed_on AS filed_on, c.cause AS cause, c.amount AS amount,
       c.status AS status, c.judge AS judge, c.type_code AS type_code
