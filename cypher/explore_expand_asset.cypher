// An asset's cases, newest first, as the explorer expands it, each with the
// actions taken on the asset there (查封, 冻结, 扣押): $limit of them from
// $offset, after the analyst's filters (see explore_expand_party.cypher;
// the role filter is a party's).
//
// :param asset_id => "沪A12345"
// :param open_only => false
// :param closing_markers => ["执行完毕", "终结执行", "销案", "不予执行", "驳回", "终结本次执行", "终本"]
// :param cause => ""
// :param amount_min => null
// :param amount_max => null
// :param year_from => null
// :param year_to => null
// :param offset => 0
// :param limit => 30

MATCH (a:Asset {asset_id: $asset_id})
CALL (a) {
  MATCH (a)<-[:ATTACHES]-(c:Case)
  RETURN count(DISTINCT c) AS every
}
CALL (a) {
  MATCH (a)<-[r:ATTACHES]-(c:Case)
  WHERE (NOT $open_only OR NOT any(m IN $closing_markers WHERE coalesce(c.status, '') CONTAINS m))
    AND ($cause = '' OR coalesce(c.cause, '') CONTAINS $cause)
    AND (($amount_min IS NULL AND $amount_max IS NULL)
         OR (c.amount >= coalesce($amount_min, c.amount) AND c.amount <= coalesce($amount_max, c.amount)))
    AND (($year_from IS NULL AND $year_to IS NULL)
         OR toIntegerOrNull(substring(coalesce(c.filed_on, ''), 0, 4)) >= coalesce($year_from, 0)
            AND toIntegerOrNull(substring(coalesce(c.filed_on, ''), 0, 4)) <= coalesce($year_to, 9999))
  WITH c, collect(coalesce(r.action, '')) AS actions
  ORDER BY coalesce(c.filed_on, '') DESC, c.case_no
  RETURN collect([c, actions]) AS kept
}
CALL (kept) {
  UNWIND kept[$offset..$offset + $limit] AS x
  WITH x[0] AS c, x[1] AS actions
  RETURN collect(c {.*, roles: actions}) AS page
}
RETURN every, size(kept) AS total, page
