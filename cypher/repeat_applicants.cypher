// Repeat applicants: parties applying in 2+ cases, with the debtors they
// apply against again and again (repeat_pairs: '<debtor party_id>×<n>'), e.g.
// a parent back for child support. Mass applicants (more cases than the hub
// threshold, a bank with hundreds of borrowers) are marked.
// Same rows as casegraph.find.repeat_applicants (lists unsorted here; casegraph
// sorts and joins them with ';').
//
// :param hub_threshold => 20

MATCH (p:Party)
WHERE COUNT { (p)-[:APPLICANT_IN]->(:Case) } >= 2
MATCH (p)-[:APPLICANT_IN]->(c:Case)
WITH p, collect(c.case_no) AS case_nos
OPTIONAL MATCH (p)-[:APPLICANT_IN]->(c:Case)<-[:DEBTOR_IN]-(d:Party)
WITH p, case_nos, d, count(c) AS n
WITH p, case_nos, count(d) AS n_debtors,
     collect(CASE WHEN n >= 2 THEN d.party_id + '×' + toString(n) END) AS repeat_pairs
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, size(case_nos) AS n_cases, n_debtors,
       case_nos, repeat_pairs, size(case_nos) > $hub_threshold AS mass_applicant
ORDER BY n_cases DESC, party_id
