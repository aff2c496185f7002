// The cases the database holds, compared with the export's before writing.

MATCH (c:Case)
RETURN c.case_no AS case_no, c.filed_on AS filed_on, c.cause AS cause, c.amount AS amount,
       c.status AS status, c.judge AS judge, c.court AS court, c.type_code AS type_code
