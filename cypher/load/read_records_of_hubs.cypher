// Of the given parties, the mass applicants (in more applicant cases than
// hub_threshold): a record of each of hub_threshold + 1 of their applicant
// cases (casegraph.engines.neo4j.touched). same_name_pair
// (casegraph.resolve) never pairs through a mass applicant; a load that
// reads only part of the database needs these to know one as such, and
// never all of a bank's cases.
//
// :param ids => ["P0123456789ab"]
// :param hub_threshold => 20
// :param applicant => "applicant"

UNWIND $ids AS id
MATCH (p:Party {party_id: id})
WHERE COUNT { (p)-[:APPLICANT_IN]->() } > $hub_threshold
CALL {
  WITH p
  MATCH (p)-[:APPLICANT_IN]->(c:Case)
  RETURN c.case_no AS case_no LIMIT $hub_threshold + 1
}
MATCH (r:PartyRecord {case_no: case_no})-[:OF]->(p)
WHERE r.role = $applicant
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
