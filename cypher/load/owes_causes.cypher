// The personal causes the OWES projection leaves out, as the last load or
// rebuild wrote them; an empty result: nothing was loaded yet.
//
// :param name => "casegraph"

MATCH (m:CasegraphMeta {name: $name})
RETURN m.personal_causes AS causes
