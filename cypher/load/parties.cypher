// Write the parties: first those the database lacks, created whole (the
// loader has read what is there, and the party_id constraint stops a
// duplicate anyway); then those it holds in another state, changed in place.
//
// Each statement reads one party per row r of $rows. The loader sends a batch
// packed as one string per column instead, and unpacks it on the server in
// place of the UNWIND line (see casegraph.engines.neo4j.load): the same rows,
// a hundred times faster through the Python driver.
//
// :param rows => [{"party_id": "P0123456789ab", "name": "张三", "kind": "自然人", "id_masked": "310113********123X", "n_records": 2, "rules": "same_resident_id"}]

UNWIND $rows AS r
CREATE (p:Party) SET p = r;

UNWIND $rows AS r
MATCH (p:Party {party_id: r.party_id})
SET p += r
