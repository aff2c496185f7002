// The bundle of one case: every case reachable from it through shared
// parties and assets, with how many links away it is. Mass applicants'
// applicant cases do not link (see bundles.cypher). Walks the graph with a
// shortest-path search, so it stays quick however tangled the bundle is; to
// list every bundle at once casegraph groups bundles.cypher's edges instead.
// A bundle stays within the case's court (no judge sits in two courts).
//
// :param case_no => "（2024）沪0113执1号"
// :param hub_threshold => 20

MATCH (start:Case {case_no: $case_no})
MATCH path = ANY SHORTEST (start)
      ((:Case)-[in:APPLICANT_IN|DEBTOR_IN|ATTACHES]-(via)-[out:APPLICANT_IN|DEBTOR_IN|ATTACHES]-(next:Case)
        WHERE coalesce(next.court, '') = coalesce(start.court, '')
          AND NOT (via:Party AND (in:APPLICANT_IN OR out:APPLICANT_IN)
                   AND COUNT { (via)-[:APPLICANT_IN]->(:Case) } > $hub_threshold))+
      (other:Case)
WHERE other <> start
RETURN other.case_no AS case_no, length(path) / 2 AS hops,
       [n IN nodes(path) WHERE NOT n:Case | coalesce('party:' + n.party_id, 'asset:' + n.asset_id)] AS through
ORDER BY hops, case_no
