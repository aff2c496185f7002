"""The shared store at a province's scale, against a real Neo4j 5.26 server:
loads that read only what an export touches and still equal a load that
compares with everything; one writer at a time (a lease in the database,
waits or a clear refusal, and concurrent writers ending where a sequential
run ends); judges that a re-load never erases; flag files staged before the
database's run is replaced; and a bulk first load equal to an incremental
one. Nothing is mocked.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from casegraph import contract as C
from casegraph import pipeline
from casegraph.engines.neo4j import db as ne
from casegraph.engines.neo4j.engine import Neo4jEngine
from casegraph.engines.neo4j.load import load_graph
from casegraph.engines.neo4j.lock import writer
from casegraph.errors import LockHeld, OutputError
from casegraph.jobs.flag import flag_all
from casegraph.jobs.route import assign_new
from casegraph.pipeline import prepare
from casegraph.sample.generate import make_sample
from casegraph.sample.no_ids import make_sample_without_person_ids
from casegraph.sample.split import split_newest

# What identifies a node of each label (the loader's uniqueness constraints).
KEYS = {"Case": "case_no", "Party": "party_id", "PartyRecord": "record_key", "Asset": "asset_id", "Judge": "judge"}


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A 1,500-case sample in three parts: the court's cases, a later
    export of 300, and the day's 150 newest."""
    root = tmp_path_factory.mktemp("store-sample")
    make_sample(1500, root / "export")
    rest, day = split_newest(root / "export", root / "a", 150)
    base, later = split_newest(rest, root / "b", 300)
    return base, later, day


@pytest.fixture(scope="module")
def parts_no_ids(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The same three parts of a 1,500-case sample whose persons mostly
    have no ID number: same_name_pair links them by name and court."""
    root = tmp_path_factory.mktemp("store-sample-no-ids")
    make_sample_without_person_ids(1500, root / "export")
    rest, day = split_newest(root / "export", root / "a", 150)
    base, later = split_newest(rest, root / "b", 300)
    return base, later, day


@pytest.fixture
def db(neo4j_server):
    """The session server's database, emptied for this test."""
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def dump(db: ne.Database) -> list[str]:
    """Every node and relationship of the store, as sorted text: two stores
    with the same dump hold the same graph. The loader's and the lock's
    bookkeeping and the routes' times and run ids are left out; lists are sorted
    (``collect`` gives no order)."""
    def plain(props: dict) -> str:
        drop = {"routed_at", "route_run"}  # a run's time and random id
        return json.dumps({k: sorted(v) if isinstance(v, list) else v for k, v in sorted(props.items())
                           if k not in drop}, ensure_ascii=False, default=str)

    def key(labels: list[str], props: dict) -> str:
        label = labels[0]
        return f"{label}:{props.get(KEYS.get(label, ''), '')}"

    nodes = db.read("MATCH (n) WHERE NOT n:CasegraphMeta AND NOT n:CasegraphLock "
                    "RETURN labels(n) AS labels, properties(n) AS props")
    rels = db.read("MATCH (a)-[r]->(b) RETURN labels(a) AS al, properties(a) AS a, type(r) AS type, "
                   "properties(r) AS props, labels(b) AS bl, properties(b) AS b")
    out = [f"{key(ls, p)} {plain(p)}" for ls, p in zip(nodes["labels"], nodes["props"])]
    out += [f"{key(al, a)} -{t}-> {key(bl, b)} {plain(p)}"
            for al, a, t, p, bl, b in rels[["al", "a", "type", "props", "bl", "b"]].itertuples(index=False)]
    return sorted(out)


def cli(*args: str, uri: str) -> subprocess.Popen:
    env = {**os.environ, "NEO4J_URI": uri}
    return subprocess.Popen([sys.executable, "-m", "casegraph.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finished(p: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


# -- loads that read what the export touches ----------------------------------------

def test_a_later_export_reads_only_what_it_touches_and_ends_as_a_full_comparison_would(parts, db):
    base, later, day = parts
    pipeline.load(db, base)
    total = db.read("MATCH (r:PartyRecord) RETURN count(r) AS n").iloc[0, 0]
    _, resolved, graph = prepare(later)
    report = load_graph(db, graph, resolved)
    assert not report.recovered
    # The later export's own records plus the parties they meet: far from every
    # record (300 cases of 1,350 read back about a twentieth of the records;
    # reading every namesake of a court, case by case, once took most of them).
    assert 0 < report.read["records"] < total / 10, (report.read, total)
    _, resolved_day, graph_day = prepare(day)
    load_graph(db, graph_day, resolved_day)
    touched = dump(db)

    ne.clear(db)
    pipeline.load(db, base)
    load_graph(db, graph, resolved, compare_all=True)
    load_graph(db, graph_day, resolved_day, compare_all=True)
    assert dump(db) == touched


def test_persons_without_ids_meet_by_name_and_court_as_a_full_comparison_would(parts_no_ids, db):
    base, later, day = parts_no_ids
    pipeline.load(db, base)
    total = db.read("MATCH (r:PartyRecord) RETURN count(r) AS n").iloc[0, 0]
    loads = [prepare(p)[1:] for p in (later, day)]
    reports = [load_graph(db, graph, resolved) for resolved, graph in loads]
    assert 0 < reports[0].read["records"] < total / 4, (reports[0].read, total)
    touched = dump(db)
    assert any('"same_name_pair"' in line for line in touched)  # the rule is at work here

    ne.clear(db)
    pipeline.load(db, base)
    for resolved, graph in loads:
        load_graph(db, graph, resolved, compare_all=True)
    assert dump(db) == touched


# -- one writer at a time -------------------------------------------------------------

def test_a_writer_waits_for_the_lease_or_stops_in_one_line_naming_its_holder(parts, db):
    base, later, _ = parts
    with writer(db, "flag"):
        code, out, err = finished(cli("load", str(base), "--no-progress", "--wait", "1", uri=db.uri))
        assert code == 5 and out == ""
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert "`flag`" in err and f"pid {os.getpid()}" in err and "since 20" in err and db.uri in err
        assert db.read("MATCH (c:Case) RETURN count(c) AS n").iloc[0, 0] == 0  # nothing written

        waiting = cli("load", str(base), "--no-progress", "--wait", "120", uri=db.uri)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lease
    code, out, err = finished(waiting)
    assert code == 0, err
    _, _, graph = prepare(base)
    assert db.read("MATCH (c:Case) RETURN count(c) AS n").iloc[0, 0] == len(graph.cases)
    # Free again: the next writer takes it at once.
    with writer(db, "test", wait=0):
        pass


def test_a_lease_whose_holder_died_is_taken_over(parts, db):
    base, _, _ = parts
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        import psutil

        dead = {"name": "writer", "token": "deadbeef", "who": "clerk@here", "host": __import__("socket").gethostname(),
                "pid": sleeper.pid, "started": psutil.Process(sleeper.pid).create_time(), "command": "load",
                "ttl": 600, "steal": ""}
        schema, take = ne.statements("lock/take")
        db.write(schema)
        assert bool(db.write(take, dead).at[0, "taken"])
        with pytest.raises(LockHeld):
            with writer(db, "load", wait=0.5):
                pass
    finally:
        sleeper.kill()
        sleeper.wait()
    # Its process is gone: the lease is taken at once, not when it expires.
    t = time.monotonic()
    pipeline.load(db, base)
    assert time.monotonic() - t < 120
    # A lease that nobody renews expires by itself (a holder on another machine).
    other = {**dead, "token": "cafe", "host": "another-machine", "ttl": 2}
    assert bool(db.write(take, other).at[0, "taken"])
    with writer(db, "load", wait=15):
        pass


def test_two_loads_at_once_end_as_one_after_the_other(parts, db):
    base, later, _ = parts
    pipeline.load(db, base)
    pipeline.load(db, later)
    expected = dump(db)
    ne.clear(db)
    runs = [cli("load", str(p), "--no-progress", "--wait", "300", uri=db.uri) for p in (base, later)]
    for p in runs:
        code, _, err = finished(p)
        assert code == 0, err
    assert dump(db) == expected


def test_a_load_during_assign_ends_as_one_order_or_the_other(parts, db):
    base, later, day = parts
    orders = []
    for first, second in (("load", "assign"), ("assign", "load")):
        ne.clear(db)
        pipeline.load(db, base)
        for step in (first, second):
            if step == "load":
                pipeline.load(db, later)
            else:
                assign_new(Neo4jEngine(db), day)
        orders.append(dump(db))
    ne.clear(db)
    pipeline.load(db, base)
    runs = [cli("assign", str(day), "--no-progress", "--wait", "300", uri=db.uri),
            cli("load", str(later), "--no-progress", "--wait", "300", uri=db.uri)]
    for p in runs:
        code, _, err = finished(p)
        assert code == 0, err
    got = dump(db)
    assert got in orders, [sorted(set(got) ^ set(o))[:6] for o in orders]
    roles = db.read("MATCH (r:PartyRecord)-[:OF]->(p:Party) WHERE NOT EXISTS { "
                    "MATCH (p)-[:APPLICANT_IN|DEBTOR_IN]->(c:Case {case_no: r.case_no}) } RETURN count(r) AS n")
    assert roles.iloc[0, 0] == 0  # every record has its role


def test_two_flag_runs_at_once_leave_one_whole_run(parts, db, tmp_path):
    base, later, _ = parts
    pipeline.load(db, base)
    pipeline.load(db, later)
    runs = [cli("flag", "--out", str(tmp_path / f"flags{i}"), "--no-progress", "--wait", "300", uri=db.uri)
            for i in (1, 2)]
    for p in runs:
        code, _, err = finished(p)
        assert code == 0, err
    run = db.read("MATCH (r:FlagRun) RETURN r.run_id AS run_id, r.state AS state, r.counts AS counts")
    assert len(run) == 1 and run.at[0, "state"] == "done"
    flags = db.read("MATCH (f:Flag) RETURN f.run_id AS run_id, count(*) AS n")
    assert list(flags["run_id"]) == [run.at[0, "run_id"]]
    assert flags.at[0, "n"] == sum(json.loads(run.at[0, "counts"]).values()) > 0
    summaries = [json.loads((tmp_path / f"flags{i}" / C.SUMMARY_FILE).read_text(encoding="utf-8")) for i in (1, 2)]
    assert run.at[0, "run_id"] in {s["run_id"] for s in summaries}
    assert summaries[0]["flags"] == summaries[1]["flags"]


# -- judges are never erased ------------------------------------------------------------

def test_judges_survive_a_re_load_and_no_case_moves(parts, db, tmp_path):
    base, later, day = parts
    pipeline.load(db, base)
    first = assign_new(Neo4jEngine(db), day)
    assert first.summary["routed_now"] > 100

    def judges() -> dict:
        r = db.read("MATCH (c:Case) RETURN c.case_no AS case_no, coalesce(c.judge, '') AS judge")
        return dict(zip(r["case_no"], r["judge"]))

    routed = judges()
    report = pipeline.load(db, day)  # the day's export again: its judge column is empty
    assert judges() == routed and len(report.judges_changed) == 0
    again = assign_new(Neo4jEngine(db), day)
    assert again.summary["routed_now"] == 0 and judges() == routed

    # A newer export naming another judge for a case: taken, and told.
    cases = pd.read_csv(day / "cases.csv", dtype=str, keep_default_na=False)
    cases.loc[0, "judge"] = "新法官"
    newer = tmp_path / "newer"
    newer.mkdir()
    for f in day.iterdir():
        (newer / f.name).write_bytes(f.read_bytes())
    cases.to_csv(newer / "cases.csv", index=False)
    _, _, graph = prepare(newer)
    target = graph.cases.loc[graph.cases["judge"] == "新法官", "case_no"].item()
    code, out, err = finished(cli("load", str(newer), "--no-progress", uri=db.uri))
    assert code == 0, err
    assert f"another judge: {target} {routed[target]} -> 新法官" in out
    assert judges() == {**routed, target: "新法官"}


# -- flag: files first --------------------------------------------------------------------

def test_flag_with_an_unwritable_out_leaves_the_previous_run_whole(parts, db, tmp_path):
    base, later, _ = parts
    pipeline.load(db, base)
    good = tmp_path / "flags"
    first = flag_all(Neo4jEngine(db), out=good)
    files = {f.name: f.read_bytes() for f in good.iterdir()}
    before = dump(db)
    pipeline.load(db, later)  # the next run would flag more
    loaded = dump(db)
    assert loaded != before

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError):
        flag_all(Neo4jEngine(db), out=blocker / "flags")
    assert dump(db) == loaded  # the previous run whole, nothing of the new one
    latest = ne.query(db, "flags_latest")
    assert set(latest["run_id"]) == {first.run_id}
    code, _, err = finished(cli("flag", "--out", str(blocker / "flags"), "--no-progress", uri=db.uri))
    assert code == OutputError.exit_code and len(err.strip().splitlines()) == 1 and str(blocker) in err
    assert dump(db) == loaded
    assert {f.name: f.read_bytes() for f in good.iterdir()} == files
    assert not list(tmp_path.rglob(".casegraph-*"))


# -- the bulk first load ---------------------------------------------------------------------

def test_a_bulk_first_load_equals_a_transactional_one(parts, db, own_server):
    base, later, _ = parts
    data, info = own_server
    _, resolved, graph = prepare(base)
    with ne.connect(info.uri) as own:
        report = load_graph(own, graph, resolved, bulk=True, data_dir=data)
        assert report.bulk and report.seconds["import"] > 0
        assert server_state(own) == ("ready", None)  # finished, and the lease given back
        bulk = dump(own)
        assert load_graph(own, graph, resolved, data_dir=data).written["records"] == 0
        _, resolved_later, graph_later = prepare(later)
        assert not load_graph(own, graph_later, resolved_later, bulk=True, data_dir=data).bulk  # not empty
        bulk_then_later = dump(own)
    report = load_graph(db, graph, resolved, bulk=False)
    assert not report.bulk
    assert dump(db) == bulk
    load_graph(db, graph_later, resolved_later)
    assert dump(db) == bulk_then_later


def server_state(db: ne.Database) -> tuple:
    meta = db.read("MATCH (m:CasegraphMeta) RETURN m.state AS state")
    lease = db.read("MATCH (l:CasegraphLock) RETURN l.token AS token")
    return meta.at[0, "state"], (lease.at[0, "token"] if len(lease) else None)


def test_evidence_is_read_beside_what_a_load_may_change_and_becomes_changeable_when_asked(parts_no_ids, db):
    """A touched load reads two parts (casegraph.engines.neo4j.touched):
    records whose party the export may change, and records read only as the
    evidence of its repeat pairs. Evidence that the resolution puts into a
    changed party is made changeable, with every record of its party."""
    from casegraph.engines.neo4j.touched import Touched

    base, later, _ = parts_no_ids
    pipeline.load(db, base)
    _, resolved, _ = prepare(later)
    touched = Touched(db, resolved.records)
    members, context = set(touched.members["record_key"]), set(touched.context["record_key"])
    assert members and context and not members & context
    assert not context & set(resolved.records["record_key"])
    # The evidence is the counterparties' cases: none of it stands beside the export's own cases.
    assert not set(touched.context["case_no"]) & set(resolved.records["case_no"])

    one = touched.context.iloc[0]
    party = db.read("MATCH (:Party {party_id: $id})<-[:OF]-(r:PartyRecord) RETURN r.record_key AS k",
                    {"id": one["party_id"]})["k"]
    touched.more({one["record_key"]})
    assert set(party) <= set(touched.members["record_key"])
    assert one["record_key"] not in set(touched.context["record_key"])
