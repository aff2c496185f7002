// The assets a search box finds (casegraph explore): by exact asset id, and
// by a part of one, those attached in the most cases first, $limit of them.
//
// :param asset_id => "沪A12345"
// :param fragment => "A123"
// :param limit => 20

CALL () {
  MATCH (a:Asset {asset_id: $asset_id}) RETURN a, 'asset_id' AS how
  UNION
  MATCH (a:Asset) WHERE a.asset_id CONTAINS $fragment RETURN a, 'partial' AS how
}
WITH how, a, COUNT { (a)<-[:ATTACHES]-(:Case) } AS n
ORDER BY how, n DESC, a.asset_id
WITH how, collect(a.asset_id)[..$limit] AS asset_ids
RETURN how, asset_ids
