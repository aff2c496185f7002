"""The nightly flags (`casegraph flag`) against a real Neo4j 5.26 server: the
same debtors, offsets and split bundles as the embedded engine's tables say,
a second run replacing the first, the command and its files, a server killed
mid-run, and a server that is down. Nothing is mocked.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from casegraph import contract as C
from casegraph import pipeline
from casegraph.engines.neo4j import db as ne
from casegraph.engines.neo4j import server
from casegraph.pipeline import prepare
from casegraph.find.embedded import find_all
from casegraph.cli.jobs import flag_summary_lines
from casegraph.engines.neo4j.engine import Neo4jEngine
from casegraph.jobs.flag import (BANKRUPTCY, CONSOLIDATION, KINDS, OUTPUTS, WORKBOOK, FlagOptions, flag_all,
                                 write_flags)
from casegraph.normalise.identity import RIC, USCC, parse_ids
from casegraph.jobs.route import assign_new
from casegraph.sample.generate import make_sample
from casegraph.sample.split import split_newest
from handmade import CO_A, LI, ZHANG, case, party, rid, write_export


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("flag-sample") / "export"
    make_sample(3000, folder)
    return folder


@pytest.fixture
def db(neo4j_server):
    """The session server's database, emptied for this test."""
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def flag_counts(db: ne.Database) -> dict:
    r = db.read("""MATCH (f:Flag) RETURN 'flags' AS k, count(*) AS n
                   UNION ALL MATCH (:Flag)-[x:FLAGS]->() RETURN 'links' AS k, count(x) AS n
                   UNION ALL MATCH (r:FlagRun) RETURN 'runs' AS k, count(*) AS n
                   UNION ALL MATCH (f:Flag) WITH f.key AS key, count(*) AS n WHERE n > 1 RETURN 'twice' AS k, count(*) AS n
                   UNION ALL MATCH (f:Flag)-[x:FLAGS]->(t) WITH f, t, count(x) AS n WHERE n > 1
                             RETURN 'links twice' AS k, count(*) AS n""")
    return dict(zip(r["k"], r["n"]))


def embedded_debtors(graph, fo: FlagOptions) -> pd.DataFrame:
    """Open and 终本 cases per debtor, computed from the export's tables."""
    r = graph.roles[graph.roles["role"] == C.DEBTOR].drop_duplicates(["case_no", "party_id"])
    cases = graph.cases.set_index("case_no")
    status = cases["status"].reindex(r["case_no"]).fillna("").to_numpy()
    amount = cases["amount"].reindex(r["case_no"]).fillna(0).to_numpy()
    no_property = pd.Series(status).str.contains("|".join(C.NO_PROPERTY_MARKERS)).to_numpy()
    closed = pd.Series(status).str.contains("|".join(fo.closed_markers)).to_numpy()
    d = pd.DataFrame({"party_id": r["party_id"].to_numpy(), "open": ~no_property & ~closed,
                      "no_property": no_property, "amount": amount})
    d["open_amount"] = d["amount"].where(d["open"], 0.0)
    d["no_property_amount"] = d["amount"].where(d["no_property"], 0.0)
    return d.groupby("party_id").agg(n_open_cases=("open", "sum"), n_no_property=("no_property", "sum"),
                                     open_amount=("open_amount", "sum"),
                                     no_property_amount=("no_property_amount", "sum"))


def test_flags_agree_with_the_export_tables(sample, db):
    fo = FlagOptions(min_open_cases=2, min_no_property=2)
    pipeline.load(db, sample)
    run = flag_all(Neo4jEngine(db), fo)
    t = run.tables
    assert set(t) == set(KINDS)
    for kind in KINDS:
        assert list(t[kind].columns) == list(OUTPUTS[kind].columns)
        assert t[kind]["rank"].tolist() == list(range(1, len(t[kind]) + 1))
        assert (t[kind]["run_id"] == run.run_id).all() and t[kind]["flag_id"].is_unique

    _, _, graph = prepare(sample)
    expected = embedded_debtors(graph, fo)
    central = expected[expected["n_open_cases"] >= 2]
    got = t["centralised"].set_index("party_id")
    assert set(got.index) == set(central.index) and len(got) > 3
    assert (got["n_open_cases"] == central["n_open_cases"].reindex(got.index)).all()
    assert (got["open_amount"] - central["open_amount"].reindex(got.index)).abs().max() < 0.01
    ranked = t["centralised"]
    assert list(zip(ranked["n_open_cases"], ranked["open_amount"])) == sorted(
        zip(ranked["n_open_cases"], ranked["open_amount"]), reverse=True)

    bank = expected[expected["n_no_property"] >= 2]
    got = t["bankruptcy"].set_index("party_id")
    assert set(got.index) == set(bank.index) and len(got) > 1
    assert (got["n_no_property"] == bank["n_no_property"].reindex(got.index)).all()
    kinds = graph.parties.set_index("party_id")["kind"].reindex(got.index)
    assert (got["route"] == kinds.map(lambda k: CONSOLIDATION if k == C.PERSON else BANKRUPTCY)).all()

    findings = find_all(graph)
    cols = list(C.OUTPUTS["offsets"].columns)
    pd.testing.assert_frame_equal(t["offset"][cols].reset_index(drop=True), findings["offsets"][cols])

    judge = graph.cases.set_index("case_no")["judge"]
    b = findings["bundles"].assign(judge=lambda x: judge.reindex(x["case_no"]).to_numpy())
    n_judges = b[b["judge"] != ""].groupby("bundle_id")["judge"].nunique()
    assert set(t["split_bundle"]["bundle_id"]) == set(n_judges[n_judges >= 2].index) and len(n_judges) > 0
    row = t["split_bundle"].iloc[0]
    assert row["n_judges"] >= 2 and row["holder"] == row["judges"].split("×")[0]

    c = flag_counts(db)
    assert c["flags"] == sum(len(x) for x in t.values()) and c["runs"] == 1
    assert not c.get("twice") and not c.get("links twice")
    latest = ne.query(db, "flags_latest")
    assert len(latest) == c["flags"] and set(latest["run_id"]) == {run.run_id}
    linked = db.read("MATCH (f:Flag {kind: 'split_bundle'})-[:FLAGS]->(c:Case) RETURN count(c) AS n").iloc[0, 0]
    assert linked == t["split_bundle"]["n_cases"].sum()


def test_a_second_run_replaces_the_first(sample, db, tmp_path):
    pipeline.load(db, sample)
    first = flag_all(Neo4jEngine(db))
    c = flag_counts(db)
    second = flag_all(Neo4jEngine(db))
    assert second.run_id != first.run_id and second.summary["replaced_runs"] == [first.run_id]
    assert flag_counts(db) == c and c["runs"] == 1
    runs = db.read("MATCH (f:Flag) RETURN DISTINCT f.run_id AS run")["run"].tolist()
    assert runs == [second.run_id]
    for kind in KINDS:  # same flags, same ids: a flag keeps its id from night to night
        assert first.tables[kind]["flag_id"].tolist() == second.tables[kind]["flag_id"].tolist()
    write_flags(first, tmp_path / "flags")
    write_flags(second, tmp_path / "flags")
    summary = json.loads((tmp_path / "flags" / C.SUMMARY_FILE).read_text(encoding="utf-8"))
    assert summary["run_id"] == second.run_id
    # New cases the next day: the flags follow the database.
    assert db.read("MATCH (f:Flag {run_id: $r})-[:FLAGS]->(p:Party) RETURN count(*) AS n",
                   {"r": second.run_id}).iloc[0, 0] > 0


def test_thresholds_are_options(sample, db):
    pipeline.load(db, sample)
    loose = flag_all(Neo4jEngine(db), FlagOptions(min_open_cases=2, min_no_property=2)).tables
    strict = flag_all(Neo4jEngine(db), FlagOptions(min_open_cases=4, min_no_property=4)).tables
    assert len(strict["centralised"]) < len(loose["centralised"])
    assert (strict["centralised"]["n_open_cases"] >= 4).all() and (strict["bankruptcy"]["n_no_property"] >= 4).all()
    assert set(strict["centralised"]["party_id"]) <= set(loose["centralised"]["party_id"])


def no(i: int) -> str:
    return f"（2024）沪0113执{i}号"


def test_hand_drawn_flags(db, tmp_path):
    # 上海甲有限公司 owes in 4 cases, 3 of them closed for lack of property
    # (执转破); 张三 in 3 open cases held by two judges (a split bundle).
    cases = [case(no(1), status="终结本次执行", judge="甲", amount="100"),
             case(no(2), status="终结本次执行", amount="200"), case(no(3), status="终本", amount="300"),
             case(no(4), status="执行完毕", amount="400"),
             case(no(5), judge="甲", amount="10"), case(no(6), judge="乙", amount="20"), case(no(7), amount="30")]
    parties = [p for i in (1, 2, 3, 4) for p in (party(no(i), "申请执行人", f"债权人{i}", rid(f"3101151970010100{i}")),
                                                 party(no(i), "被执行人", "上海甲有限公司", CO_A))]
    parties += [p for i in (5, 6, 7) for p in (party(no(i), "申请执行人", "李四", LI), party(no(i), "被执行人", "张三", ZHANG))]
    pipeline.load(db, write_export(tmp_path / "export", cases, parties))
    run = flag_all(Neo4jEngine(db))
    t = run.tables
    assert t["bankruptcy"][["name", "route", "n_no_property", "no_property_amount"]].values.tolist() == [
        ["上海甲有限公司", BANKRUPTCY, 3, 600.0]]
    assert t["centralised"][["name", "n_open_cases", "open_amount", "n_applicants"]].values.tolist() == [
        ["张三", 3, 60.0, 1]]
    # 张三's cases are held by 甲 and 乙 (one each) and nobody: split. The
    # company's are held by 甲 alone: not split.
    split = t["split_bundle"]
    assert split[["n_cases", "n_judges", "judges", "holder"]].values.tolist() == [[3, 2, "乙×1;甲×1", "乙"]]
    flagged = db.read("MATCH (f:Flag {kind: 'split_bundle'})-[:FLAGS]->(c:Case) RETURN c.case_no AS case_no")
    assert sorted(flagged["case_no"]) == [no(5), no(6), no(7)]
    flagged = db.read("MATCH (f:Flag {kind: 'bankruptcy'})-[:FLAGS]->(p:Party) RETURN p.name AS name")
    assert flagged["name"].tolist() == ["上海甲有限公司"]
    lines = flag_summary_lines(run.summary)
    assert "1 执转破" in lines[2] and "张三" in lines[1]


def test_flag_command_prints_one_screen_and_writes_csv_and_excel(sample, db, tmp_path):
    existing, new = split_newest(sample, tmp_path / "split", 100)
    pipeline.load(db, existing)
    assign_new(Neo4jEngine(db), new)  # the day's cases are in: the night scans them too
    env = {**os.environ, "NEO4J_URI": db.uri}
    out = tmp_path / "flags"
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "flag", "--out", str(out), "--min-open-cases", "2"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert 4 <= len(lines) <= 24 and all(len(line) < 200 for line in lines)
    assert "3,000 cases" in lines[0] and "集中执行" in done.stdout and str(out) in lines[-1]
    assert "\r" not in done.stderr and "flagging" not in done.stderr  # no bar in a redirected log: a terminal's only
    for kind in KINDS:
        raw = (out / OUTPUTS[kind].filename).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        csv = pd.read_csv(out / OUTPUTS[kind].filename, dtype=str, keep_default_na=False, encoding=C.CSV_ENCODING)
        assert list(csv.columns) == list(OUTPUTS[kind].columns)
        sheet = pd.read_excel(out / WORKBOOK, sheet_name=kind, dtype=str, keep_default_na=False)
        assert list(sheet.columns) == list(csv.columns) and len(sheet) == len(csv)
    summary = json.loads((out / C.SUMMARY_FILE).read_text(encoding="utf-8"))
    assert summary["cases"] == 3000 and summary["thresholds"]["min_open_cases"] == 2
    assert ne.query(db, "flags_latest").at[0, "run_id"] == summary["run_id"]
    assert not list(out.glob(".casegraph-*"))

    again = subprocess.run([sys.executable, "-m", "casegraph.cli", "flag", "--out", str(out), "--min-open-cases", "2",
                            "--no-progress"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "replacing 1 earlier run" in again.stdout and not again.stderr
    assert flag_counts(db)["runs"] == 1

    raw = pd.read_csv(sample / C.PARTIES.filename, dtype=str, keep_default_na=False)
    parsed = parse_ids(raw["id_no"])
    full = set(parsed.loc[parsed["status"].isin([RIC, USCC]), "canonical"])
    text = done.stdout + "".join((out / o.filename).read_text(encoding="utf-8-sig") for o in OUTPUTS.values())
    text += "\n".join(str(v) for v in db.read("""MATCH (f:Flag) UNWIND keys(f) AS k RETURN f[k] AS v
                                                 UNION ALL MATCH (r:FlagRun) UNWIND keys(r) AS k RETURN r[k] AS v""")["v"])
    assert len(full) > 1000 and not {x for x in re.findall(r"[0-9A-Z]{15,18}", text) if x in full}


# -- a server that dies, a server that is not there ----------------------------------

def test_flag_killed_midway_finishes_when_run_again(sample, own_server):
    data, info = own_server
    fo = FlagOptions(min_open_cases=1, min_no_property=1)  # thousands of flags: a long write
    with ne.connect(info.uri) as db:
        pipeline.load(db, sample)
        finished = flag_all(Neo4jEngine(db))  # last night's run, finished
        n_finished = flag_counts(db)["flags"]
    failure: list[BaseException] = []

    def run():
        try:
            with ne.connect(info.uri) as db:
                flag_all(Neo4jEngine(db), fo, batch=5)
        except BaseException as e:  # noqa: BLE001 - the test looks at it
            failure.append(e)

    worker = threading.Thread(target=run)
    worker.start()
    with ne.connect(info.uri) as db:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.is_alive():
            if db.read("MATCH (f:Flag) RETURN count(f) AS n").iloc[0, 0] > n_finished + 100:
                break
            time.sleep(0.01)
    server.kill(data)
    worker.join(120)
    assert not worker.is_alive()
    assert failure and isinstance(failure[0], ne.DatabaseError) and info.uri in str(failure[0])

    again = server.start(data, heap="512m", pagecache="256m")
    with ne.connect(again.uri) as db:
        # The cut-short run is not finished: the latest finished run is still last night's.
        assert set(ne.query(db, "flags_latest")["run_id"]) == {finished.run_id}
        run = flag_all(Neo4jEngine(db), fo)
        c = flag_counts(db)
        assert c["runs"] == 1 and c["flags"] == sum(len(t) for t in run.tables.values())
        assert not c.get("twice") and not c.get("links twice")
        assert len(run.summary["replaced_runs"]) == 2  # last night's and the one cut short
        latest = ne.query(db, "flags_latest")
        assert set(latest["run_id"]) == {run.run_id} and len(latest) == c["flags"]
        check = flag_all(Neo4jEngine(db), fo)  # and once more: the same flags
        for kind in KINDS:
            assert check.tables[kind]["flag_id"].tolist() == run.tables[kind]["flag_id"].tolist()
        assert flag_counts(db) == c


def test_a_server_that_is_down_exits_non_zero_in_one_line(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"neo4j://127.0.0.1:{port}"
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "flag", "--uri", uri, "--password",
                           "secret-password", "--out", str(tmp_path / "flags")], capture_output=True, text=True)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and uri in lines[0] and "secret-password" not in done.stderr + done.stdout
    assert not (tmp_path / "flags" / C.SUMMARY_FILE).exists()


def test_flags_cypher_files_are_commented_and_parameterised():
    names = [n for n in ne.cypher_names() if n.startswith("flags_")]
    assert {"flags_debtors", "flags_case_judges", "flags_latest", "flags_schema", "flags_write",
            "flags_drop_old_flags"} <= set(names)
    for name in names:
        assert ne.cypher(name).lstrip().startswith("//"), name
        used = set(re.findall(r"\$(\w+)", "\n".join(ne.statements(name))))
        assert used <= set(ne.defaults(name)), (name, used - set(ne.defaults(name)))
    source = (Path(__file__).parent.parent / "casegraph" / "jobs" / "flag.py").read_text(encoding="utf-8")
    assert not re.search(r"\b(MATCH|MERGE|UNWIND|CREATE)\b", source)  # no Cypher left in Python strings
    fo = FlagOptions()
    d = ne.defaults("flags_debtors")
    assert (d["min_open_cases"], d["min_no_property"]) == (fo.min_open_cases, fo.min_no_property)
    assert d["closed_markers"] == list(fo.closed_markers) and d["no_property_markers"] == list(C.NO_PROPERTY_MARKERS)
