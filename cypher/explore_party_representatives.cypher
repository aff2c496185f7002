// Who represents a party (法定代表人或负责人), as its records name them (the
// explorer's details panel): a relation, never an identity.
//
// :param party_id => "P0123456789ab"

MATCH (r:PartyRecord)-[:OF]->(:Party {party_id: $party_id})
WHERE coalesce(r.representative, '') <> ''
RETURN DISTINCT r.representative AS representative
ORDER BY representative
