// The teams of a picture's judges (casegraph show), for their hover text.
//
// :param judges => ["许法官"]

UNWIND $judges AS j
MATCH (x:Judge {judge: j})
RETURN x.judge AS judge, x.team AS team
