// What a search box finds (casegraph explore), in one round trip: parties
// by party_id, by the keyed hash of a full ID number (id_key; the number
// itself is never sent), by masked ID, by exact name and by a part of a
// name; cases by official case number (the explorer reads what a clerk
// typed, in any bracket style, first) and by a part of one; assets by id and
// by a part of one. Leave a key null to skip that way. Each way (kind, how)
// gives $limit nodes at most: the busiest parties and assets first (most
// roles, most cases attaching), cases in case-number order, then by id.
//
// :param party_id => null
// :param id_key => null
// :param id_masked => null
// :param name => "王建国"
// :param fragment => "建国"
// :param case_no => null
// :param case_fragment => null
// :param limit => 20

CALL () {
  MATCH (x:Party {party_id: $party_id}) RETURN x, 'party' AS kind, 'party_id' AS how
  UNION
  MATCH (:PartyRecord {id_key: $id_key})-[:OF]->(x:Party) RETURN x, 'party' AS kind, 'id_key' AS how
  UNION
  MATCH (x:Party {id_masked: $id_masked}) RETURN x, 'party' AS kind, 'id_masked' AS how
  UNION
  MATCH (x:Party {name: $name}) RETURN x, 'party' AS kind, 'name' AS how
  UNION
  MATCH (x:Party) WHERE x.name CONTAINS $fragment RETURN x, 'party' AS kind, 'partial' AS how
  UNION
  MATCH (x:Case {case_no: $case_no}) RETURN x, 'case' AS kind, 'case_no' AS how
  UNION
  MATCH (x:Case) WHERE x.case_no CONTAINS $case_fragment RETURN x, 'case' AS kind, 'partial' AS how
  UNION
  MATCH (x:Asset {asset_id: $name}) RETURN x, 'asset' AS kind, 'asset_id' AS how
  UNION
  MATCH (x:Asset) WHERE x.asset_id CONTAINS $fragment RETURN x, 'asset' AS kind, 'partial' AS how
}
WITH kind, how, x,
     CASE kind WHEN 'party' THEN COUNT { (x)-[:APPLICANT_IN|DEBTOR_IN]->() }
               WHEN 'asset' THEN COUNT { (x)<-[:ATTACHES]-() } ELSE 0 END AS weight
ORDER BY kind, how, weight DESC, coalesce(x.party_id, x.case_no, x.asset_id)
WITH kind, how, collect(x)[..$limit] AS found
UNWIND found AS x
RETURN kind, how, x {.*,
       n_cases: CASE kind WHEN 'party' THEN COUNT { MATCH (x)-[:APPLICANT_IN|DEBTOR_IN]->(c) RETURN DISTINCT c }
                          WHEN 'asset' THEN COUNT { (x)<-[:ATTACHES]-() } END,
       n_applicant_cases: CASE kind WHEN 'party' THEN COUNT { (x)-[:APPLICANT_IN]->() } END,
       n_debtor_cases: CASE kind WHEN 'party' THEN COUNT { (x)-[:DEBTOR_IN]->() } END} AS node
