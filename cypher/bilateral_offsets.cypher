// Bilateral offsets: A applies against B in one money case and B against A
// in another (Civil Code art. 568). One row per pair of parties; amount is
// what can be set off, the smaller of the two directions' sums. Reads the
// OWES projection (owes.cypher), which already leaves out personal claims.
// Same rows as casegraph.find.bilateral_offsets (casegraph adds offset_id and
// the note, rounds amount and sorts and joins the lists).

MATCH (a:Party)-[ab:OWES]->(b:Party)-[ba:OWES]->(a)
WHERE a.party_id < b.party_id
RETURN [a.party_id, b.party_id] AS parties,
       ab.case_nos + ba.case_nos AS case_nos,
       CASE WHEN ab.amount < ba.amount THEN ab.amount ELSE ba.amount END AS amount
ORDER BY amount DESC
