// casegraph's schema in Neo4j: uniqueness constraints (each backed by an
// index) on every key the loader MERGEs on, plus indexes for looking things
// up in Neo4j Browser. The loader runs this file before every load; every
// statement is IF NOT EXISTS, so running it again changes nothing.
//
// The graph:
//   (:Case {case_no, filed_on, cause, amount, status, judge, court, type_code})
//   (:Party {party_id, name, kind, id_masked, n_records, rules})
//   (:PartyRecord {record_key, case_no, role, name, name_norm, kind, id_status,
//                  id_key, id_masked, org_key, org_mask, n, party_id, rule, key,
//                  representative})-[:OF]->(:Party)
//   (:Party)-[:APPLICANT_IN]->(:Case)      (:Party)-[:DEBTOR_IN]->(:Case)
//   (:Case)-[:ATTACHES {action, asset_type}]->(:Asset {asset_id, asset_type})
//   (:Judge {judge, team, capacity})
//   (:Party)-[:OWES {amount, case_nos}]->(:Party)   derived (owes.cypher): money debts per pair
//                                                    of parties that both owe and are owed
//   (:CasegraphMeta {name: 'casegraph', state, ...}) the loader's bookkeeping
//   (:Decision {decision_id, decision, records, sides, ...})  a clerk's decision (decisions.cypher)
// No full ID number is ever stored: id_key is a keyed hash, id_masked shows
// the first 6 and last 4 characters (of an organisation code, the first and
// last 3); org_key is the keyed hash of an organisation's code (GB 11714, in
// a credit code or alone) and org_mask its first and last 3.

CREATE CONSTRAINT case_no IF NOT EXISTS FOR (c:Case) REQUIRE c.case_no IS UNIQUE;
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (p:Party) REQUIRE p.party_id IS UNIQUE;
CREATE CONSTRAINT record_key IF NOT EXISTS FOR (r:PartyRecord) REQUIRE r.record_key IS UNIQUE;
CREATE CONSTRAINT asset_id IF NOT EXISTS FOR (a:Asset) REQUIRE a.asset_id IS UNIQUE;
CREATE CONSTRAINT judge IF NOT EXISTS FOR (j:Judge) REQUIRE j.judge IS UNIQUE;
CREATE CONSTRAINT casegraph_meta IF NOT EXISTS FOR (m:CasegraphMeta) REQUIRE m.name IS UNIQUE;
CREATE CONSTRAINT decision_id IF NOT EXISTS FOR (d:Decision) REQUIRE d.decision_id IS UNIQUE;
// Analysts look parties up by name (MATCH (p:Party {name: '张三'})) and cases by judge.
CREATE INDEX party_name IF NOT EXISTS FOR (p:Party) ON (p.name);
CREATE INDEX case_judge IF NOT EXISTS FOR (c:Case) ON (c.judge);
// A load resolves a new export against the records it can meet by name only
// (casegraph.engines.neo4j.load, MEETS; load/read_records_by_*.cypher).
CREATE INDEX record_name IF NOT EXISTS FOR (r:PartyRecord) ON (r.name_norm);
// ... a masked ID by its name and visible first characters (masked_id_and_name),
CREATE INDEX record_name_masked IF NOT EXISTS FOR (r:PartyRecord) ON (r.name_norm, r.id_masked);
// ... an organisation code by its keyed hash (same_org_code) and by what its
// masked forms show (masked_credit_code),
CREATE INDEX record_org_key IF NOT EXISTS FOR (r:PartyRecord) ON (r.org_key);
CREATE INDEX record_org_mask IF NOT EXISTS FOR (r:PartyRecord) ON (r.org_mask);
// ... and the other records of the cases a same-named person is in (same_name_pair).
CREATE INDEX record_case IF NOT EXISTS FOR (r:PartyRecord) ON (r.case_no);
// Wait (up to 300 s) until every index is online: a load that began earlier
// would look its keys up without them.
CALL db.awaitIndexes(300);
