// Who represents a debtor in a case (法定代表人或负责人), on the party record
// of that case: a relation the findings read (shared_representatives.cypher),
// never an identity (it takes no part in resolving the record). Rows are the
// export's records that name one.
//
// :param rows => [{"record_key": "R0123456789abcdef", "representative": "杨天夫"}]

UNWIND $rows AS r
MATCH (x:PartyRecord {record_key: r.record_key})
SET x.representative = r.representative
