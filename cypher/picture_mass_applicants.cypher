// Which of these parties are mass applicants (a bank with hundreds of
// borrowers): applicants in more cases than $hub_threshold. A picture draws
// them but does not walk on through their applicant cases.
//
// :param party_ids => ["P0123456789ab"]
// :param hub_threshold => 20

UNWIND $party_ids AS pid
MATCH (p:Party {party_id: pid})
WHERE COUNT { (p)-[:APPLICANT_IN]->(:Case) } > $hub_threshold
RETURN p.party_id AS party_id
