// A party the way a user names it (casegraph show --party): by party_id, by
// the keyed hash of a full ID number (id_key, kept on its records; the number
// itself never is), by masked ID or by exact name. Give one and leave the
// others null. Busiest first: 王伟 in one case is rarely 王伟 in another.
//
// :param party_id => null
// :param id_key => null
// :param id_masked => null
// :param name => "王建国"

CALL () {
  MATCH (p:Party {party_id: $party_id}) RETURN p
  UNION
  MATCH (:PartyRecord {id_key: $id_key})-[:OF]->(p:Party) RETURN p
  UNION
  MATCH (p:Party {id_masked: $id_masked}) RETURN p
  UNION
  MATCH (p:Party {name: $name}) RETURN p
}
RETURN p.party_id AS party_id, p.kind AS kind, p.id_masked AS id_masked,
       COUNT { (p)-[:APPLICANT_IN|DEBTOR_IN]->(:Case) } AS n_cases
ORDER BY n_cases DESC, party_id
