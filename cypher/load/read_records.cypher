// The party records the database holds, so that a new export is resolved
// together with them (casegraph.resolve) and only what differs is written.
// A record never holds an ID number: id_key is a keyed hash, id_masked shows
// the first 6 and last 4 characters.

MATCH (r:PartyRecord)
RETURN r.record_key AS record_key, r.case_no AS case_no, r.role AS role, r.name AS name,
       r.name_norm AS name_norm, r.kind AS kind, r.id_status AS id_status, r.id_key AS id_key,
       r.id_masked AS id_masked, r.org_key AS org_key, r.org_mask AS org_mask, r.n AS n, r.party_id AS party_id, r.rule AS rule, r.key AS key
