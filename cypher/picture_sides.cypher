// One step of a picture's walk (casegraph show), from cases: their parties
// and their assets.
//
// :param case_nos => ["（2024）沪0113执1号"]

UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})
CALL (c) {
  MATCH (c)<-[:APPLICANT_IN|DEBTOR_IN]-(p:Party) RETURN 'party' AS kind, p.party_id AS id
  UNION
  MATCH (c)-[:ATTACHES]->(a:Asset) RETURN 'asset' AS kind, a.asset_id AS id
}
RETURN DISTINCT kind, id
