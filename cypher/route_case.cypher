// Routing one new case (分案, `casegraph assign`): the bundles it joins and
// who holds them. The case is in the database already (assign loads the day's
// cases first). One row per case of each bundle it joins:
//   bundle   the smallest case_no of that bundle (a bundle is the group of
//            cases tied by shared parties and assets, the new case left out,
//            so a case tying two bundles together shows two)
//   case_no, judge, cause   a case of that bundle ('' judge: nobody holds it)
//   via      what ties this case to the new one directly (party:<id>,
//            asset:<id>); [] for cases reached through other cases
// No rows: the case is tied to nothing. casegraph.jobs.route then applies the
// rules of casegraph.assign.rules (follows_holder, minors_team, least_loaded,
// ...). The embedded engine answers the same rows from a CaseGraph.
//
// The day's cases are loaded together and routed one by one: $pending lists
// those not routed yet, which count as not there (a case filed later the same
// day cannot tie two bundles together for an earlier one). It comes as one
// text, the case numbers joined by $sep (U+001F, which no case number holds):
// a thousand values packed one by one cost the driver more than the lookup.
//
// A bundle stays within the new case's court (no judge sits in two courts).
// A mass applicant (more applicant cases than $hub_threshold, e.g. a bank)
// does not tie its applicant cases, as in bundles.cypher. The cases sharing
// one link with the new case are one bundle already, so each bundle is walked
// once per link (a shortest-path search from one of those cases, never
// through the new case), not once per related case; bundles are tens of
// cases, so at a million cases this takes milliseconds.
//
// :param case_no => "（2024）沪0113执1号"
// :param hub_threshold => 20
// :param pending => ""
// :param sep => "\u001f"

MATCH (new:Case {case_no: $case_no})
WITH new, split($pending, $sep) AS pending
CALL (new, pending) {
  MATCH (new)<-[r:APPLICANT_IN|DEBTOR_IN]-(p:Party)
  WITH p, r, COUNT { (p)-[:APPLICANT_IN]->(:Case) } > $hub_threshold AS hub
  WHERE NOT (hub AND r:APPLICANT_IN)
  MATCH (p)-[r2:APPLICANT_IN|DEBTOR_IN]->(o:Case)
  WHERE o <> new AND NOT (hub AND r2:APPLICANT_IN) AND NOT o.case_no IN pending
    AND coalesce(o.court, '') = coalesce(new.court, '')
  RETURN 'party:' + p.party_id AS link, collect(DISTINCT o) AS tied
  UNION
  MATCH (new)-[:ATTACHES]->(a:Asset)<-[:ATTACHES]-(o:Case)
  WHERE o <> new AND NOT o.case_no IN pending AND coalesce(o.court, '') = coalesce(new.court, '')
  RETURN 'asset:' + a.asset_id AS link, collect(DISTINCT o) AS tied
}
CALL (new, tied, pending) {
  WITH head(tied) AS o
  MATCH ANY SHORTEST (o)
        ((:Case)-[in:APPLICANT_IN|DEBTOR_IN|ATTACHES]-(x)-[out:APPLICANT_IN|DEBTOR_IN|ATTACHES]-(c:Case)
          WHERE c <> new AND NOT c.case_no IN pending AND coalesce(c.court, '') = coalesce(new.court, '')
            AND NOT (x:Party AND (in:APPLICANT_IN OR out:APPLICANT_IN)
                     AND COUNT { (x)-[:APPLICANT_IN]->(:Case) } > $hub_threshold))*
        (m:Case)
  RETURN collect(m) AS members
}
WITH link, tied, members, reduce(least = null, m IN members |
       CASE WHEN least IS NULL OR m.case_no < least THEN m.case_no ELSE least END) AS bundle
WITH bundle, head(collect(members)) AS members, collect({link: link, cases: [t IN tied | t.case_no]}) AS links
UNWIND members AS m
RETURN bundle, m.case_no AS case_no, coalesce(m.judge, '') AS judge, coalesce(m.cause, '') AS cause,
       [l IN links WHERE m.case_no IN l.cases | l.link] AS via
ORDER BY bundle, case_no
