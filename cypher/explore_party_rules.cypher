// Why a party's records are one party (the explorer's details panel): each
// resolution rule and its key (a masked ID, a name), with how many records
// it joined and the names they were written with.
//
// :param party_id => "P0123456789ab"

MATCH (r:PartyRecord)-[:OF]->(:Party {party_id: $party_id})
RETURN coalesce(r.rule, '') AS rule, coalesce(r.key, '') AS key, sum(coalesce(r.n, 1)) AS n_records,
       collect(DISTINCT coalesce(r.name, '')) AS names
ORDER BY rule, key
