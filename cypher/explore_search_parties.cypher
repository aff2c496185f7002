// The parties a search box finds (casegraph explore): by party_id, by the
// keyed hash of a full ID number (id_key; the number itself is never sent),
// by masked ID, by exact name, and by a part of a name. Leave a key null to
// skip it. Each way gives its busiest parties first (most roles in cases,
// then by party_id), $limit of them.
//
// :param party_id => null
// :param id_key => null
// :param id_masked => null
// :param name => "王建国"
// :param fragment => "建国"
// :param limit => 20

CALL () {
  MATCH (p:Party {party_id: $party_id}) RETURN p, 'party_id' AS how
  UNION
  MATCH (:PartyRecord {id_key: $id_key})-[:OF]->(p:Party) RETURN p, 'id_key' AS how
  UNION
  MATCH (p:Party {id_masked: $id_masked}) RETURN p, 'id_masked' AS how
  UNION
  MATCH (p:Party {name: $name}) RETURN p, 'name' AS how
  UNION
  MATCH (p:Party) WHERE p.name CONTAINS $fragment RETURN p, 'partial' AS how
}
WITH how, p, COUNT { (p)-[:APPLICANT_IN|DEBTOR_IN]->(:Case) } AS roles
ORDER BY how, roles DESC, p.party_id
WITH how, collect(p.party_id)[..$limit] AS party_ids
RETURN how, party_ids
