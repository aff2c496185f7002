// Points a batch of flags at the cases they flag (`casegraph flag`): the
// cases of a bundle split between judges. $links: maps with key (the flag's)
// and target (a case_no).
//
// :param links => []

UNWIND $links AS l
MATCH (f:Flag {key: l.key})
MATCH (c:Case {case_no: l.target})
MERGE (f)-[:FLAGS]->(c)
