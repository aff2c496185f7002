// Who represents the parties of a picture in its cases (法定代表人或负责人):
// drawn as a person beside the organisation, linked but never merged.
//
// :param case_nos => ["（2018）黑0103执1352号"]
// :param party_ids => ["P0123456789ab"]

MATCH (x:PartyRecord)-[:OF]->(p:Party)
WHERE x.case_no IN $case_nos AND p.party_id IN $party_ids AND coalesce(x.representative, '') <> ''
RETURN DISTINCT p.party_id AS party_id, x.representative AS representative
ORDER BY party_id, representative
