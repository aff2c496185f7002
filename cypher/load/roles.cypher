// Write a party's role in a case: first the roles the database lacks, then
// drop those the export no longer has. Rows as in parties.cypher.
//
// Relationship types cannot be parameters. As written, these are the
// applicants' roles (APPLICANT_IN); for the debtors' the loader puts
// DEBTOR_IN in place of APPLICANT_IN, from its fixed table ROLE_TYPES, never
// a type built from data.
//
// :param rows => [{"case_no": "（2024）沪0113执1号", "party_id": "P0123456789ab"}]

UNWIND $rows AS r
MATCH (p:Party {party_id: r.party_id})
MATCH (c:Case {case_no: r.case_no})
CREATE (p)-[:APPLICANT_IN]->(c);

UNWIND $rows AS r
MATCH (:Party {party_id: r.party_id})-[x:APPLICANT_IN]->(:Case {case_no: r.case_no})
DELETE x
