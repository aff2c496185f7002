// Common debtors: parties owing in 2+ cases, candidates for centralised
// enforcement (集中执行). n_no_property counts their cases closed for lack of
// property (终本), the signal for enforcement-to-bankruptcy (执转破);
// total_amount sums their cases' amounts (cases without an amount add 0);
// courts lists their cases' courts (a debtor in several is a candidate for
// 提级执行 or 协同执行; casegraph counts and de-duplicates them).
// Same rows as casegraph.find.common_debtors (casegraph rounds total_amount
// to cents and sorts and joins case_nos).
//
// :param no_property_markers => ["终结本次执行", "终本"]

MATCH (d:Party)
WHERE COUNT { (d)-[:DEBTOR_IN]->(:Case) } >= 2
MATCH (d)-[:DEBTOR_IN]->(c:Case)
WITH d, collect(c) AS cases
OPTIONAL MATCH (d)-[:DEBTOR_IN]->(:Case)<-[:APPLICANT_IN]-(a:Party)
WITH d, cases, count(DISTINCT a) AS n_applicants
RETURN d.party_id AS party_id, d.name AS name, d.kind AS kind, size(cases) AS n_cases, n_applicants,
       reduce(total = 0.0, c IN cases | total + coalesce(c.amount, 0.0)) AS total_amount,
       size([c IN cases WHERE any(m IN $no_property_markers WHERE c.status CONTAINS m)]) AS n_no_property,
       [c IN cases | c.case_no] AS case_nos,
       [c IN cases WHERE coalesce(c.court, '') <> '' | c.court] AS courts
ORDER BY n_cases DESC, total_amount DESC, party_id
