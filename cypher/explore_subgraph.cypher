// A part of the network, in one round trip (casegraph explore: paths and
// views): these cases, parties and assets, and the roles and attachments
// among them; with $with_sides, every party and asset of the cases too.
// Parties and assets come with what the explorer shows of them
// (explore_parties.cypher, explore_assets.cypher).
//
// :param case_nos => ["（2024）沪0113执1号"]
// :param party_ids => []
// :param asset_ids => []
// :param with_sides => true

CALL () {
  UNWIND $case_nos AS no
  MATCH (c:Case {case_no: no})
  RETURN collect(c) AS cases
}
CALL (cases) {
  CALL (cases) {
    UNWIND $party_ids AS pid
    MATCH (p:Party {party_id: pid})
    RETURN p
    UNION
    UNWIND cases AS c
    MATCH (c)<-[:APPLICANT_IN|DEBTOR_IN]-(p:Party)
    WHERE $with_sides
    RETURN p
  }
  RETURN collect(p) AS parties
}
CALL (cases) {
  CALL (cases) {
    UNWIND $asset_ids AS aid
    MATCH (a:Asset {asset_id: aid})
    RETURN a
    UNION
    UNWIND cases AS c
    MATCH (c)-[:ATTACHES]->(a:Asset)
    WHERE $with_sides
    RETURN a
  }
  RETURN collect(a) AS assets
}
CALL (cases, parties) {
  UNWIND cases AS c
  MATCH (c)<-[r:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  WHERE p IN parties
  RETURN collect([c.case_no, p.party_id, CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END]) AS roles
}
CALL (cases, assets) {
  UNWIND cases AS c
  MATCH (c)-[r:ATTACHES]->(a:Asset)
  WHERE a IN assets
  RETURN collect([c.case_no, a.asset_id, coalesce(r.action, '')]) AS attaches
}
RETURN [c IN cases | c {.*}] AS cases,
       [p IN parties | p {.*, n_cases: COUNT { MATCH (p)-[:APPLICANT_IN|DEBTOR_IN]->(x) RETURN DISTINCT x },
                              n_applicant_cases: COUNT { (p)-[:APPLICANT_IN]->() },
                              n_debtor_cases: COUNT { (p)-[:DEBTOR_IN]->() }}] AS parties,
       [a IN assets | a {.*, n_cases: COUNT { (a)<-[:ATTACHES]-() }}] AS assets,
       roles, attaches
