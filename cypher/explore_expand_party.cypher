// A party's cases, newest first, as the explorer expands it: $limit of them
// from $offset, after the analyst's filters; ``every`` counts all its
// cases and ``total`` those the filters keep. Leave a filter null (or
// false, or '') to let everything through:
//   $role            only its cases in this role ('applicant' or 'debtor')
//   $open_only       open cases: no status in $closing_markers (执行完毕, 终本, …)
//   $cause           the cause holds this text
//   $amount_min/max  yuan; a case without an amount is out once either is set
//   $year_from/to    the filing year
//
// :param party_id => "P0123456789ab"
// :param role => null
// :param open_only => false
// :param closing_markers => ["执行完毕", "终结执行", "销案", "不予执行", "驳回", "终结本次执行", "终本"]
// :param cause => ""
// :param amount_min => null
// :param amount_max => null
// :param year_from => null
// :param year_to => null
// :param offset => 0
// :param limit => 30

MATCH (p:Party {party_id: $party_id})
CALL (p) {
  MATCH (p)-[:APPLICANT_IN|DEBTOR_IN]->(c:Case)
  RETURN count(DISTINCT c) AS every
}
CALL (p) {
  MATCH (p)-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
  WHERE ($role IS NULL OR type(r) = CASE $role WHEN 'applicant' THEN 'APPLICANT_IN' ELSE 'DEBTOR_IN' END)
    AND (NOT $open_only OR NOT any(m IN $closing_markers WHERE coalesce(c.status, '') CONTAINS m))
    AND ($cause = '' OR coalesce(c.cause, '') CONTAINS $cause)
    AND (($amount_min IS NULL AND $amount_max IS NULL)
         OR (c.amount >= coalesce($amount_min, c.amount) AND c.amount <= coalesce($amount_max, c.amount)))
    AND (($year_from IS NULL AND $year_to IS NULL)
         OR toIntegerOrNull(substring(coalesce(c.filed_on, ''), 0, 4)) >= coalesce($year_from, 0)
            AND toIntegerOrNull(substring(coalesce(c.filed_on, ''), 0, 4)) <= coalesce($year_to, 9999))
  WITH c, collect(CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END) AS roles
  ORDER BY coalesce(c.filed_on, '') DESC, c.case_no
  RETURN collect([c, roles]) AS kept
}
CALL (kept) {
  UNWIND kept[$offset..$offset + $limit] AS x
  WITH x[0] AS c, x[1] AS roles
  RETURN collect(c {.*, roles: roles}) AS page
}
RETURN every, size(kept) AS total, page
