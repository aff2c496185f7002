// A case's parties, with their roles there, and its assets, with the
// actions taken on them (casegraph explore: expanding a case, its details),
// each with what the explorer shows of it (explore_parties.cypher,
// explore_assets.cypher). The explorer orders them and applies the role
// and mass-applicant filters.
//
// :param case_no => "（2024）沪0113执1号"

MATCH (c:Case {case_no: $case_no})
CALL (c) {
  MATCH (c)<-[r:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  WITH p, collect(CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END) AS roles
  RETURN 'party' AS kind, roles,
         p {.*, n_cases: COUNT { MATCH (p)-[:APPLICANT_IN|DEBTOR_IN]->(x) RETURN DISTINCT x },
                n_applicant_cases: COUNT { (p)-[:APPLICANT_IN]->() },
                n_debtor_cases: COUNT { (p)-[:DEBTOR_IN]->() }} AS node
  UNION
  MATCH (c)-[r:ATTACHES]->(a:Asset)
  WITH a, collect(coalesce(r.action, '')) AS roles
  RETURN 'asset' AS kind, roles, a {.*, n_cases: COUNT { (a)<-[:ATTACHES]-() }} AS node
}
RETURN kind, roles, node
