// The parties the database holds among $ids (those a load touches),
// compared with the export's before writing.
//
// :param ids => ["P0123456789ab"]

UNWIND $ids AS id
MATCH (p:Party {party_id: id})
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, p.id_masked AS id_masked,
       p.n_records AS n_records, p.rules AS rules
