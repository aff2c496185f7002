// Candidates for review, step 1 (casegraph.find.candidates.select): the
// parties that may be one with another: every person sharing a name (spaces
// aside) with another person, and every organisation, with the number of
// cases each applies in (a mass applicant is never a candidate).
//
// :param person => "自然人"

MATCH (p:Party) WHERE p.kind = $person
WITH replace(p.name, ' ', '') AS name, collect(p) AS same_name
WHERE size(same_name) >= 2
UNWIND same_name AS p
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, coalesce(p.id_masked, '') AS id_masked,
       COUNT { (p)-[:APPLICANT_IN]->() } AS n_applied
UNION ALL
MATCH (p:Party) WHERE p.kind <> $person
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, coalesce(p.id_masked, '') AS id_masked,
       COUNT { (p)-[:APPLICANT_IN]->() } AS n_applied
