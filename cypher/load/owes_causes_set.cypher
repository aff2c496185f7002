// After the OWES projection was rebuilt for other personal causes: note them.
//
// :param name => "casegraph"
// :param causes => ["抚养费", "赡养费", "扶养费", "探望权", "抚养权"]

MATCH (m:CasegraphMeta {name: $name})
SET m.personal_causes = $causes
