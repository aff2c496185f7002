// One step of a picture's walk (casegraph show), from parties and assets:
// their cases. A party in $not_as_applicant (a mass applicant, see
// picture_mass_applicants.cypher) reaches only the cases it owes in, as
// mass applicants' cases are not linked in bundles.cypher.
//
// :param party_ids => ["P0123456789ab"]
// :param asset_ids => []
// :param not_as_applicant => []

CALL () {
  UNWIND $party_ids AS pid
  MATCH (:Party {party_id: pid})-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
  WHERE NOT (r:APPLICANT_IN AND pid IN $not_as_applicant)
  RETURN c
  UNION
  UNWIND $asset_ids AS aid
  MATCH (:Asset {asset_id: aid})<-[:ATTACHES]-(c:Case)
  RETURN c
}
RETURN DISTINCT c.case_no AS case_no
