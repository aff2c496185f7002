// Offset cycles: A owes B owes C owes A, 3 to $max_cycle_length parties, over
// the OWES projection (owes.cypher). No statutory route: every party must
// agree (Civil Code art. 569, or an enforcement settlement). Each cycle is
// found once, starting from its smallest party_id (every other party on it
// has a larger one), and listed in owing order. amount is the smallest debt
// on the cycle. Same rows as casegraph.find.offset_cycles.
//
// The {2,5} below is the longest cycle this file can find minus one (Cypher
// wants a literal there): cycles of up to 6 parties. $max_cycle_length can
// shorten that; to find longer ones, raise the 5 too.
//
// :param max_cycle_length => 6

MATCH (a:Party)
WHERE EXISTS { (a)-[:OWES]->() } AND EXISTS { (a)<-[:OWES]-() }
MATCH (a) ((x:Party)-[step:OWES]->(y:Party) WHERE y.party_id > a.party_id){2,5} (z:Party)-[back:OWES]->(a)
WITH a, y, step + [back] AS debts
WHERE size(debts) <= $max_cycle_length
  AND all(i IN range(0, size(y) - 2) WHERE NOT y[i] IN y[i + 1..])
RETURN [a.party_id] + [p IN y | p.party_id] AS parties,
       reduce(acc = [], d IN debts | acc + d.case_nos) AS case_nos,
       reduce(least = null, d IN debts | CASE WHEN least IS NULL OR d.amount < least THEN d.amount ELSE least END) AS amount
ORDER BY amount DESC
