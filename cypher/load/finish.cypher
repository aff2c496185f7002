// A load finished: the database is 'ready', and its OWES projection
// (owes.cypher) leaves out the personal causes named here.
//
// :param name => "casegraph"
// :param personal_causes => ["抚养费", "赡养费", "扶养费", "探望权", "抚养权"]

MATCH (m:CasegraphMeta {name: $name})
SET m.state = 'ready', m.loaded_at = datetime(), m.loads = coalesce(m.loads, 0) + 1,
    m.personal_causes = $personal_causes
