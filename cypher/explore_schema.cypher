// The explorer's indexes (casegraph explore runs this file when it starts;
// every statement is IF NOT EXISTS, so running it again changes nothing):
// text indexes for finding a part of a name, case number or asset id
// (CONTAINS), and range indexes for the masked IDs and the keyed hashes of
// full ID numbers a search box may hold.

CREATE TEXT INDEX explore_party_name IF NOT EXISTS FOR (p:Party) ON (p.name);
CREATE TEXT INDEX explore_case_no IF NOT EXISTS FOR (c:Case) ON (c.case_no);
CREATE TEXT INDEX explore_asset_id IF NOT EXISTS FOR (a:Asset) ON (a.asset_id);
CREATE INDEX explore_id_masked IF NOT EXISTS FOR (p:Party) ON (p.id_masked);
CREATE INDEX explore_id_key IF NOT EXISTS FOR (r:PartyRecord) ON (r.id_key);
CALL db.awaitIndexes(300);
