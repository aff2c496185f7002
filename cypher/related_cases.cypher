// Related cases of one case (关联案件检索): the cases sharing a party (any
// role) or an asset with it, and what they share. Run it before paying out a
// preserved deposit, so other creditors of the debtor are not harmed. A mass
// applicant's applicant cases are not related through it (see bundles.cypher).
// Same rows as casegraph.find.related_cases.
//
// :param case_no => "（2024）沪0113执1号"
// :param hub_threshold => 20

MATCH (c:Case {case_no: $case_no})
CALL (c) {
  MATCH (c)<-[r:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  WITH p, COUNT { (p)-[:APPLICANT_IN]->(:Case) } > $hub_threshold AS hub, r
  WHERE NOT (hub AND r:APPLICANT_IN)
  CALL (p, hub) {
    MATCH (p)-[:DEBTOR_IN]->(o:Case)
    RETURN o
    UNION
    WITH p, hub WHERE NOT hub
    MATCH (p)-[:APPLICANT_IN]->(o:Case)
    RETURN o
  }
  RETURN o, 'party:' + p.party_id AS via
  UNION
  MATCH (c)-[:ATTACHES]->(a:Asset)<-[:ATTACHES]-(o:Case)
  RETURN o, 'asset:' + a.asset_id AS via
}
WITH o, via WHERE o <> c
RETURN o.case_no AS case_no, collect(DISTINCT via) AS via
ORDER BY case_no
