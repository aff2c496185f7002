// Debtors sharing a legal representative: organisations owing in cases whose
// records name the same 法定代表人或负责人 (related companies, 关联企业). A lead
// for the enforcement team, never a merge: the representative is a relation,
// not an identity. An anonymised representative (张某) ties nothing.
// Same rows as casegraph.find.shared_representatives (casegraph orders the
// parties by id, their names alongside, and sorts and joins case_nos).
//
// :param person_kind => "自然人"

MATCH (x:PartyRecord)-[:OF]->(p:Party)
WHERE x.role = 'debtor' AND coalesce(x.representative, '') <> '' AND NOT x.representative CONTAINS '某'
  AND p.kind <> $person_kind
WITH x.representative AS representative, p, collect(DISTINCT x.case_no) AS cases
WITH representative, collect(p.party_id) AS party_ids, collect(p.name) AS names, collect(cases) AS per_party
WHERE size(party_ids) >= 2
WITH representative, party_ids, names, reduce(acc = [], cs IN per_party | acc + cs) AS case_list
UNWIND case_list AS case_no
WITH representative, party_ids, names, collect(DISTINCT case_no) AS case_nos
RETURN representative, party_ids, names, size(case_nos) AS n_cases, case_nos
ORDER BY representative
