// The parties the database holds, compared with the export's before writing.

MATCH (p:Party)
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, p.id_masked AS id_masked,
       p.n_records AS n_records, p.rules AS rules
