// What ties a bundle's cases together (casegraph explore's bundle view):
// the parties and assets that two or more of these cases share. A mass
// applicant's applicant cases are not tied through it (see bundles.cypher).
//
// :param case_nos => ["（2024）沪0113执1号", "（2024）沪0113执2号"]
// :param hub_threshold => 20

UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})
CALL (c) {
  MATCH (c)<-[r:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  WHERE NOT (r:APPLICANT_IN AND COUNT { (p)-[:APPLICANT_IN]->() } > $hub_threshold)
  RETURN 'party:' + p.party_id AS link
  UNION
  MATCH (c)-[:ATTACHES]->(a:Asset)
  RETURN 'asset:' + a.asset_id AS link
}
WITH link, count(DISTINCT c) AS n
WHERE n >= 2
RETURN link
ORDER BY link
