// Debtors for the nightly flags (`casegraph flag`): every party owing in
// enough cases to be a candidate for centralised enforcement (集中执行: many
// open cases) or for enforcement to bankruptcy / personal debt consolidation
// (执转破, 个人债务集中清理: cases closed again and again for lack of
// property, 终本). One row per debtor; casegraph.flag applies the thresholds
// and ranks.
//   open           cases neither closed for lack of property nor closed
//                  ($closed_markers: paid in full, terminated, ...); a case
//                  without a status counts as open
//   no_property    cases whose status says 终结本次执行 / 终本
//   amounts        sums of the cases' amounts (cases without one add 0)
//   n_applicants   distinct creditors over all the debtor's cases
//
// :param min_open_cases => 3
// :param min_no_property => 3
// :param no_property_markers => ["终结本次执行", "终本"]
// :param closed_markers => ["执行完毕", "终结执行", "销案", "不予执行", "驳回"]

MATCH (d:Party)
WHERE COUNT { (d)-[:DEBTOR_IN]->(:Case) } >=
      CASE WHEN $min_open_cases < $min_no_property THEN $min_open_cases ELSE $min_no_property END
MATCH (d)-[:DEBTOR_IN]->(c:Case)
WITH d, collect(c) AS cases
WITH d, cases,
     [c IN cases WHERE any(m IN $no_property_markers WHERE coalesce(c.status, '') CONTAINS m)] AS no_property,
     [c IN cases WHERE NOT any(m IN $no_property_markers + $closed_markers
                               WHERE coalesce(c.status, '') CONTAINS m)] AS open
WHERE size(open) >= $min_open_cases OR size(no_property) >= $min_no_property
OPTIONAL MATCH (d)-[:DEBTOR_IN]->(:Case)<-[:APPLICANT_IN]-(a:Party)
WITH d, cases, open, no_property, count(DISTINCT a) AS n_applicants
RETURN d.party_id AS party_id, d.name AS name, d.kind AS kind,
       size(cases) AS n_cases, reduce(s = 0.0, c IN cases | s + coalesce(c.amount, 0.0)) AS total_amount,
       size(open) AS n_open_cases, reduce(s = 0.0, c IN open | s + coalesce(c.amount, 0.0)) AS open_amount,
       [c IN open | c.case_no] AS open_case_nos,
       size(no_property) AS n_no_property,
       reduce(s = 0.0, c IN no_property | s + coalesce(c.amount, 0.0)) AS no_property_amount,
       [c IN no_property | c.case_no] AS no_property_case_nos,
       n_applicants
ORDER BY n_open_cases DESC, open_amount DESC, party_id
