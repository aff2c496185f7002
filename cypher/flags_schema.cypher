// The constraints and index of the nightly flags (`casegraph flag`): only
// casegraph.jobs.flag writes Flag and FlagRun nodes. Every statement is IF
// NOT EXISTS, so running them again changes nothing.

CREATE CONSTRAINT flag_key IF NOT EXISTS FOR (f:Flag) REQUIRE f.key IS UNIQUE;
CREATE CONSTRAINT flag_run IF NOT EXISTS FOR (r:FlagRun) REQUIRE r.run_id IS UNIQUE;
CREATE INDEX flag_run_id IF NOT EXISTS FOR (f:Flag) ON (f.run_id);
