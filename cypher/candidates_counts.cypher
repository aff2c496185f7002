// Candidates for review: the data's persons by name (spaces aside): how
// many parties carry each, and how many of them by a valid ID number. How
// common a name, its surname and its given name are among them weighs
// each candidate (casegraph.find.candidates.frequencies).
//
// :param person => "自然人"

MATCH (p:Party {kind: $person})
RETURN replace(p.name, ' ', '') AS name, count(*) AS n,
       count(CASE WHEN coalesce(p.id_masked, '') <> '' THEN 1 END) AS identified
