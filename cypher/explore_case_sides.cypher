// A case's parties, with their roles there, and its assets, with the
// actions taken on them (casegraph explore: expanding a case). The explorer
// orders them and applies the role and mass-applicant filters.
//
// :param case_no => "（2024）沪0113执1号"

MATCH (c:Case {case_no: $case_no})
CALL (c) {
  MATCH (c)<-[r:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  RETURN 'party' AS kind, p.party_id AS id,
         collect(CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END) AS roles
  UNION
  MATCH (c)-[r:ATTACHES]->(a:Asset)
  RETURN 'asset' AS kind, a.asset_id AS id, collect(coalesce(r.action, '')) AS roles
}
RETURN kind, id, roles
