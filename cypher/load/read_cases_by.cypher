// The cases the database holds among an export's $case_nos, compared with
// the export's before writing; a judge held here is kept when the export's
// judge cell is empty.
//
// :param case_nos => ["（2024）沪0113执1号"]

UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})
RETURN c.case_no AS case_no, c.filed_on AS filed_on, c.cause AS cause, c.amount AS amount,
       c.status AS status, c.judge AS judge, c.court AS court, c.type_code AS type_code
