// Bundle links: what ties cases into related-case bundles (捆绑执行), one row
// per case and link, for links held by 2+ cases: a shared resolved party in
// any role ('party:<party_id>') or a shared asset ('asset:<asset_id>'). A mass
// applicant (more applicant cases than $hub_threshold, e.g. a bank) does not
// link its applicant cases, or every borrower would be one bundle.
//
// Bundles are the connected groups of these case–link edges. casegraph runs
// this query and groups the edges in Python (casegraph.find.bundles_from_links,
// the same function the embedded engine uses): connected components over a
// million cases are not something plain Cypher does well without the GDS
// library. For the bundle of one case, see bundle_of_case.cypher.
// Same edges as casegraph.graph.CaseGraph.links(), with each case's court: a
// link ties cases of one court only (no judge sits in two courts).
//
// :param hub_threshold => 20

CALL () {
  MATCH (p:Party)
  WHERE COUNT { (p)-[:APPLICANT_IN|DEBTOR_IN]->(:Case) } >= 2
  WITH p, COUNT { (p)-[:APPLICANT_IN]->(:Case) } > $hub_threshold AS hub
  MATCH (p)-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
  WHERE NOT (hub AND r:APPLICANT_IN)
  WITH p, collect(DISTINCT c) AS cases
  WHERE size(cases) >= 2
  UNWIND cases AS c
  RETURN c.case_no AS case_no, 'party:' + p.party_id AS link, coalesce(c.court, '') AS court
  UNION ALL
  MATCH (a:Asset)
  WHERE COUNT { (a)<-[:ATTACHES]-(:Case) } >= 2
  MATCH (a)<-[:ATTACHES]-(c:Case)
  RETURN c.case_no AS case_no, 'asset:' + a.asset_id AS link, coalesce(c.court, '') AS court
}
RETURN case_no, link, court
ORDER BY link, case_no
