// How are these connected? Every shortest path between two nodes (each a
// case, a party or an asset: give one key of each end, the others null),
// through parties and assets, at most $max_hops steps (case → party is one
// step; 12 at the very most). A mass applicant (applicant in more cases
// than $hub_threshold, e.g. a bank) is not passed through as an applicant,
// as in bundles.cypher, unless it is an end itself.
//
// :param from_case => "（2024）沪0113执1号"
// :param from_party => null
// :param from_asset => null
// :param to_case => "（2024）沪0113执2号"
// :param to_party => null
// :param to_asset => null
// :param max_hops => 6
// :param hub_threshold => 20

CALL () {
  MATCH (x:Case {case_no: $from_case}) RETURN x
  UNION
  MATCH (x:Party {party_id: $from_party}) RETURN x
  UNION
  MATCH (x:Asset {asset_id: $from_asset}) RETURN x
}
WITH x AS a
CALL () {
  MATCH (y:Case {case_no: $to_case}) RETURN y
  UNION
  MATCH (y:Party {party_id: $to_party}) RETURN y
  UNION
  MATCH (y:Asset {asset_id: $to_asset}) RETURN y
}
WITH a, y AS b
MATCH p = ALL SHORTEST (a)
      ((x)-[r:APPLICANT_IN|DEBTOR_IN|ATTACHES]-(y)
        WHERE NOT (r:APPLICANT_IN
                   AND ((x:Party AND x <> a AND x <> b AND COUNT { (x)-[:APPLICANT_IN]->() } > $hub_threshold)
                        OR (y:Party AND y <> a AND y <> b AND COUNT { (y)-[:APPLICANT_IN]->() } > $hub_threshold)))){1,12}
      (b)
WHERE length(p) <= $max_hops
RETURN [n IN nodes(p) | CASE WHEN n:Case THEN 'case:' + n.case_no
                             WHEN n:Party THEN 'party:' + n.party_id
                             ELSE 'asset:' + n.asset_id END] AS ids
LIMIT 10000
