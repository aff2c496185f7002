"""Routing the day's new cases (`casegraph assign`) against a real Neo4j 5.26
server: the rules on a hand-drawn court, a sample split into an existing part
and a new part, the command, a server killed mid-run, injection, and no full
ID anywhere. Nothing is mocked.
"""
from __future__ import annotations

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
from casegraph.normalise.identity import RIC, USCC, parse_ids
from casegraph.assign.rules import NAMES
from casegraph.engines.embedded import EmbeddedEngine
from casegraph.engines.neo4j.engine import Neo4jEngine
from casegraph.jobs.route import assign_new
from casegraph.sample.generate import make_sample
from casegraph.sample.split import split_newest
from handmade import BANK, CO_A, LI, WANG, ZHANG, case, party, rid, write_export

NEW_CASES = 200


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> tuple[Path, Path]:
    """A 2000-case sample: the newest 200 cases are the day's new ones."""
    root = tmp_path_factory.mktemp("route-sample")
    make_sample(2000, root / "export")
    return split_newest(root / "export", root / "split", NEW_CASES)


@pytest.fixture
def db(neo4j_server):
    """The session server's database, emptied for this test."""
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def judges_of(db: ne.Database) -> dict[str, str]:
    r = db.read("MATCH (c:Case) RETURN c.case_no AS case_no, coalesce(c.judge, '') AS judge")
    return dict(zip(r["case_no"], r["judge"]))


def counts(db: ne.Database) -> dict:
    nodes = db.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
    rels = db.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    return {**dict(zip(nodes["label"], nodes["n"])), **dict(zip(rels["type"], rels["n"]))}


def no_duplicates(db: ne.Database) -> None:
    twice = db.read("MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(*) AS n WHERE n > 1 RETURN count(*) AS n")
    assert twice.iloc[0, 0] == 0
    cases = db.read("MATCH (c:Case) WITH c.case_no AS k, count(*) AS n WHERE n > 1 RETURN count(*) AS n")
    assert cases.iloc[0, 0] == 0


def no(i: int) -> str:
    return f"（2024）沪0113执{i}号"


# -- the rules, on a court drawn by hand ----------------------------------------

JUDGES = [{"judge": "甲", "team": "执行一组", "capacity": "10"},
          {"judge": "乙", "team": "执行一组", "capacity": "10"},
          {"judge": "丁", "team": "执行二组", "capacity": "3"},
          {"judge": "丙", "team": C.Options().minors_team, "capacity": "1"}]
PERSON_4 = rid("31011519700101444")
PERSON_5 = rid("31011519700101555")
PERSON_6 = rid("31011519700101666")


def existing_court(tmp_path: Path) -> Path:
    """甲 holds 张三's case and the bank's; 乙 holds 王五's; 丁 holds two
    unrelated cases and is full; nobody holds the case of asset 沪A12345."""
    cases = [case(no(1), judge="甲"), case(no(2), judge="乙"), case(no(3)), case(no(4), judge="甲"),
             case(no(5)), case(no(6)), case(no(7), judge="丁"), case(no(8), judge="丁"), case(no(9), judge="丁")]
    parties = [party(no(1), "申请执行人", "李四", LI), party(no(1), "被执行人", "张三", ZHANG),
               party(no(2), "申请执行人", "吴一", rid("31011519700101333")), party(no(2), "被执行人", "王五", WANG),
               party(no(3), "申请执行人", "上海甲有限公司", CO_A), party(no(3), "被执行人", "赵六", PERSON_4),
               party(no(4), "申请执行人", "上海浦江银行", BANK), party(no(4), "被执行人", "钱七", PERSON_5),
               party(no(5), "申请执行人", "上海浦江银行", BANK), party(no(5), "被执行人", "孙八", PERSON_6),
               party(no(6), "申请执行人", "上海浦江银行", BANK), party(no(6), "被执行人", "周九", rid("31011519700101777"))]
    for i in (7, 8, 9):
        parties += [party(no(i), "申请执行人", f"申请人{i}", rid(f"3101151970010188{i}")),
                    party(no(i), "被执行人", f"被执行人{i}", rid(f"3101151970010199{i}"))]
    assets = [{"case_no": no(3), "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"}]
    return write_export(tmp_path / "existing", cases, parties, assets, JUDGES)


def todays_cases(tmp_path: Path) -> Path:
    day = "2024-06-0"
    cases = [case(no(101), filed_on=day + "1"),                         # 张三 again: 甲
             case(no(102), filed_on=day + "2"),                         # 张三 and 王五: 甲 and 乙, a conflict
             case(no(103), cause="抚养费纠纷", filed_on=day + "3"),       # minors' team: 丙
             case(no(104), cause="探望权纠纷", filed_on=day + "4"),       # minors' team is full
             case(no(105), filed_on=day + "5"),                         # asset of an unheld case: least loaded
             case(no(106), filed_on=day + "6"),                         # the bank's borrower: not tied to 甲
             case(no(107), judge="丁", filed_on=day + "7")]              # given a judge: kept
    parties = [party(no(101), "申请执行人", "吴十", rid("31011519700101123")), party(no(101), "被执行人", "张三", ZHANG),
               party(no(102), "申请执行人", "吴二", rid("31011519700101222")), party(no(102), "被执行人", "张三", ZHANG),
               party(no(102), "被执行人", "王五", WANG),
               party(no(103), "申请执行人", "郑母", rid("31011519850101234")),
               party(no(103), "被执行人", "郑父", rid("31011519830101345")),
               party(no(104), "申请执行人", "冯母", rid("31011519850101456")),
               party(no(104), "被执行人", "冯父", rid("31011519830101567")),
               party(no(105), "申请执行人", "陈一", rid("31011519900101678")),
               party(no(105), "被执行人", "陈二", rid("31011519900101789")),
               party(no(106), "申请执行人", "上海浦江银行", BANK), party(no(106), "被执行人", "褚三", rid("31011519900101890")),
               party(no(107), "申请执行人", "卫四", rid("31011519900101901")),
               party(no(107), "被执行人", "蒋五", rid("31011519900101012"))]
    assets = [{"case_no": no(105), "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"}]
    return write_export(tmp_path / "today", cases, parties, assets)


def test_each_rule_on_a_hand_drawn_court(db, tmp_path):
    pipeline.load(db, existing_court(tmp_path))
    before = judges_of(db)
    options = C.Options(hub_threshold=2)  # the bank's 3 applicant cases make it a mass applicant
    routing = assign_new(Neo4jEngine(db, options), todays_cases(tmp_path))
    r = routing.routes.set_index("case_no")
    assert list(routing.routes.columns) == list(C.ROUTES.columns) and len(r) == 7

    assert (r.at[no(101), "judge"], r.at[no(101), "rule"]) == ("甲", "follows_holder")
    assert r.at[no(101), "related_cases"] == no(1) and r.at[no(101), "links"].startswith("party:P")
    assert r.at[no(101), "conflict"] == ""

    # 张三's bundle (甲: no(1), no(101)) and 王五's (乙: no(2)): routed to 甲, who holds more; a conflict.
    assert (r.at[no(102), "judge"], r.at[no(102), "rule"]) == ("甲", "follows_holder")
    assert r.at[no(102), "reason"] == "follows_holder: 甲 holds 2 of 4 cases of the bundle"
    assert set(r.at[no(102), "related_cases"].split(";")) == {no(1), no(101)}
    assert r.at[no(102), "conflict"].startswith("joins bundles held by different judges: routed to 甲")
    assert "乙 holds " + no(2) in r.at[no(102), "conflict"]

    assert (r.at[no(103), "judge"], r.at[no(103), "rule"]) == ("丙", "minors_team")
    assert (r.at[no(104), "judge"], r.at[no(104), "rule"]) == ("", "no_capacity")
    assert r.at[no(104), "reason"].startswith("no_capacity: no judge of 涉未成年人")

    # Tied to an unheld case: the least-loaded judge with room (丁 is full), the tie named.
    assert r.at[no(105), "rule"] == "least_loaded" and r.at[no(105), "judge"] == "乙"
    assert r.at[no(105), "related_cases"] == no(3) and r.at[no(105), "links"] == "asset:沪A12345"
    # The bank's cases do not tie: not 甲's, who holds the bank's no(4).
    assert r.at[no(106), "rule"] == "least_loaded" and r.at[no(106), "links"] == ""
    assert (r.at[no(107), "judge"], r.at[no(107), "rule"]) == ("丁", "kept")

    after = judges_of(db)
    assert {k: after[k] for k in before} == before  # nothing already there moved
    assert {k: after[k] for k in r.index} == r["judge"].to_dict()
    stored = db.read("MATCH (c:Case {case_no: $no}) RETURN c.route_rule AS rule, c.route_run AS run, "
                     "c.routed_at IS NOT NULL AS dated", {"no": no(102)})
    assert stored.at[0, "rule"] == "follows_holder" and stored.at[0, "run"] == routing.summary["run_id"]
    assert bool(stored.at[0, "dated"])
    # Loads within capacity: 丁 held 3 of 3 and got nothing but the case given to it.
    load = pd.Series(after).value_counts()
    assert load["丁"] == 4 and load["丙"] == 1 and routing.summary["without_judge"] == 1


def test_a_second_run_routes_what_had_no_room_and_moves_nothing(db, tmp_path):
    pipeline.load(db, existing_court(tmp_path))
    today = todays_cases(tmp_path)
    first = assign_new(Neo4jEngine(db, C.Options(hub_threshold=2)), today).routes
    judges = judges_of(db)
    # The minors' team gets room: the case left without a judge is routed; nothing else moves.
    db.write("MATCH (j:Judge {judge: '丙'}) SET j.capacity = 2")
    second = assign_new(Neo4jEngine(db, C.Options(hub_threshold=2)), today).routes
    assert judges_of(db) == {**judges, no(104): "丙"}
    a, b = first.set_index("case_no"), second.set_index("case_no")
    assert b.at[no(104), "rule"] == "minors_team"
    same = [c for c in a.index if c != no(104)]
    pd.testing.assert_frame_equal(a.loc[same], b.loc[same])  # the stored routes, word for word


def test_batch_assignment_and_daily_routing_share_the_rules(db, tmp_path):
    from casegraph.assign.batch import assign

    cases = pd.DataFrame({"case_no": ["a", "b", "c", "d"], "cause": ["", "", "抚养费纠纷", ""], "judge": ["甲", "", "", ""]})
    judges = pd.DataFrame({"judge": ["甲", "乙", "丙"], "team": ["一组", "一组", "涉未成年人"], "capacity": [1, 0, 5]})
    bundles = pd.DataFrame({"bundle_id": ["B1", "B1"], "case_no": ["a", "b"]})
    batch = assign(cases, bundles, judges).set_index("case_no")
    assert batch["rule"].to_dict() == {"a": "kept", "b": "follows_holder", "c": "minors_team", "d": "no_capacity"}
    assert NAMES == ("kept", "follows_holder", "minors_team", "least_loaded", "no_capacity")

    # The same court, routed day by day: the same rules give the same words.
    pipeline.load(db, existing_court(tmp_path))
    daily = assign_new(Neo4jEngine(db, C.Options(hub_threshold=2)), todays_cases(tmp_path)).routes.set_index("case_no")
    assert daily.at[no(107), "reason"] == batch.at["a", "reason"] == "kept: the case already has this judge"
    assert daily.at[no(103), "reason"] == "minors_team: least-loaded judge of 涉未成年人 with room for 1 cases"
    assert batch.at["c", "reason"] == "minors_team: least-loaded judge of 涉未成年人 with room for 1 cases"
    assert daily.at[no(104), "reason"].startswith("no_capacity: no judge of ")
    assert batch.at["d", "reason"].startswith("no_capacity: no judge of ")


def test_both_engines_answer_the_routing_lookup_alike(split, db):
    existing, new = split
    export = existing.parent.parent / "export"
    pipeline.load(db, export)
    _, _, graph = prepare(export)
    embedded, neo4j = EmbeddedEngine(graph), Neo4jEngine(db, graph.options)
    # The day's cases in filing order, the later ones not there yet; and cases
    # of bundles, alone or with a bundle mate that counts as not there.
    day = prepare(new)[2].cases.sort_values(["filed_on", "case_no"])["case_no"].tolist()
    asks = [(case_no, day[i + 1:]) for i, case_no in enumerate(day)]
    mates = embedded.findings()["bundles"].groupby("bundle_id")["case_no"].apply(list).head(40)
    asks += [(m[0], p) for m in mates for p in ([], m[1:2])]
    answers = []
    for case_no, pending in asks:
        a, b = (e.routing_lookup(case_no, pending) for e in (embedded, neo4j))
        b["via"] = b["via"].map(sorted)
        assert list(a.columns) == ["bundle", "case_no", "judge", "cause", "via"]
        assert a.values.tolist() == b.values.tolist(), (case_no, pending)
        answers.append(a.values.tolist())
    # The comparison means something: many cases are tied (within their
    # court: the sample spans courts), and what is pending counts.
    assert sum(bool(a) for a in answers) > 25
    assert any(x != y for x, y in zip(answers[len(day)::2], answers[len(day) + 1::2]))


# -- a sample split into an existing part and a new part ---------------------------

def test_a_sample_day_routes_every_new_case_and_moves_none(split, db):
    existing, new = split
    pipeline.load(db, existing)
    before = judges_of(db)
    caps = db.read("MATCH (j:Judge) RETURN j.judge AS judge, j.capacity AS capacity").set_index("judge")["capacity"]
    routing = assign_new(Neo4jEngine(db), new)
    r = routing.routes
    _, _, graph = prepare(new)
    assert sorted(r["case_no"]) == sorted(graph.cases["case_no"]) and len(r) == NEW_CASES
    assert set(r["rule"]) <= set(NAMES) and (r["reason"] != "").all()
    assert {"follows_holder", "least_loaded", "minors_team", "kept"} <= set(r["rule"])
    after = judges_of(db)
    assert {k: after[k] for k in before} == before
    assert len(after) == len(before) + NEW_CASES
    # Every judge within capacity (or where it already was), loads from the database.
    load = pd.Series([j for j in after.values() if j]).value_counts()
    held = pd.Series([j for j in before.values() if j]).value_counts()
    for judge, n in load.items():
        if judge in caps.index:
            assert n <= max(caps[judge], held.get(judge, 0) + (r["judge"].eq(judge) & r["rule"].eq("kept")).sum())
    # A case that follows a holder: the related cases it names are that judge's.
    follows = r[r["rule"] == "follows_holder"]
    for judge, related in zip(follows["judge"], follows["related_cases"]):
        assert related and all(after[c] == judge for c in related.split(";"))
    # Minors' cases that were not tied to a holder went to the minors' team.
    minors = r[r["rule"] == "minors_team"]
    assert set(minors["judge"].map(lambda j: graph.judges.set_index("judge").at[j, "team"])) == {C.Options().minors_team}
    assert routing.summary["routed_now"] == len(r) - (r["rule"] == "kept").sum()
    no_duplicates(db)

    c = counts(db)
    again = assign_new(Neo4jEngine(db), new)
    assert counts(db) == c and judges_of(db) == after
    assert again.summary["routed_now"] == 0
    pd.testing.assert_frame_equal(again.routes, r)


def test_assign_command_writes_csv_and_excel_without_full_ids(split, db, tmp_path):
    existing, new = split
    pipeline.load(db, existing)
    env = {**os.environ, "NEO4J_URI": db.uri}
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "assign", str(new), "--out",
                           str(tmp_path / "routes.csv"), "--no-progress"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "routed now" in done.stdout and "conflicts" in done.stdout
    raw = (tmp_path / "routes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(tmp_path / "routes.csv", dtype=str, keep_default_na=False, encoding=C.CSV_ENCODING)
    assert list(csv.columns) == list(C.ROUTES.columns) and len(csv) == NEW_CASES
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "assign", str(new), "--out",
                           str(tmp_path / "routes.xlsx"), "--no-progress"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    xlsx = pd.read_excel(tmp_path / "routes.xlsx", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(xlsx, csv)  # the second run reports the routes the first one stored
    printed = subprocess.run([sys.executable, "-m", "casegraph.cli", "assign", str(new), "--no-progress"], env=env,
                             capture_output=True, text=True)
    assert printed.returncode == 0 and printed.stdout.splitlines()[0].split()[:3] == ["case_no", "judge", "rule"]
    assert not list(tmp_path.glob(".casegraph-*"))  # no temporary file left behind

    raw_parties = pd.read_csv(new / C.PARTIES.filename, dtype=str, keep_default_na=False)
    parsed = parse_ids(raw_parties["id_no"])
    full = set(parsed.loc[parsed["status"].isin([RIC, USCC]), "canonical"])
    assert len(full) > 100
    text = raw.decode("utf-8-sig") + done.stdout + printed.stdout + "\n".join(
        str(v) for v in db.read("MATCH (c:Case) UNWIND keys(c) AS k RETURN c[k] AS v")["v"])
    assert not {t for t in re.findall(r"[0-9A-Z]{15,18}", text) if t in full}


def test_values_that_look_like_cypher_are_routed_unharmed(db, tmp_path):
    nasty = "甲'\"}) MATCH (n) DETACH DELETE n // `x` {y} $z \\"
    existing = write_export(tmp_path / "existing", [case(no(1), judge=nasty)],
                            [party(no(1), "申请执行人", "李四", LI), party(no(1), "被执行人", nasty, "", "法人")],
                            judges=[{"judge": nasty, "team": "执行一组", "capacity": "5"}])
    today = write_export(tmp_path / "today", [case(no(2), cause=nasty)],
                         [party(no(2), "申请执行人", "王五", WANG), party(no(2), "被执行人", nasty, "", "法人")])
    pipeline.load(db, existing)
    r = assign_new(Neo4jEngine(db), today).routes
    assert r.at[0, "judge"] == nasty and r.at[0, "rule"] == "follows_holder"
    assert judges_of(db) == {no(1): nasty, no(2): nasty}


# -- a server that dies, a server that is not there ----------------------------------

ROUTED = ("MATCH (c:Case) WHERE c.route_rule IS NOT NULL "
          "RETURN c.case_no AS case_no, c.route_rule AS rule, c.route_related AS related ORDER BY case_no")


def test_assign_killed_midway_finishes_when_run_again(split, db, own_server):
    existing, new = split
    # What an uninterrupted day gives, on the session server.
    pipeline.load(db, existing)
    assign_new(Neo4jEngine(db), new)
    expected, expected_routes = judges_of(db), db.read(ROUTED)

    data, info = own_server
    for when in ("loading", "routing"):
        with ne.connect(info.uri) as own:
            ne.clear(own)
            pipeline.load(own, existing)
            n_existing = counts(own)["Case"]
        failure: list[BaseException] = []

        def run():
            try:
                with ne.connect(info.uri) as own:
                    assign_new(Neo4jEngine(own), new)
            except BaseException as e:  # noqa: BLE001 - the test looks at it
                failure.append(e)

        worker = threading.Thread(target=run)
        worker.start()
        probe = ("MATCH (c:Case) RETURN count(c) AS n" if when == "loading"
                 else "MATCH (c:Case) WHERE c.route_run IS NOT NULL RETURN count(c) AS n")
        threshold = n_existing if when == "loading" else 20
        with ne.connect(info.uri) as own:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and worker.is_alive():
                if own.read(probe).iloc[0, 0] > threshold:
                    break
                time.sleep(0.01)
        server.kill(data)
        worker.join(120)
        assert not worker.is_alive()
        assert failure and isinstance(failure[0], ne.DatabaseError) and info.uri in str(failure[0]), when

        info = server.start(data, heap="512m", pagecache="256m")
        with ne.connect(info.uri) as own:
            routing = assign_new(Neo4jEngine(own), new)
            assert judges_of(own) == expected, when
            pd.testing.assert_frame_equal(own.read(ROUTED), expected_routes)
            no_duplicates(own)
            assert counts(own)["Case"] == len(expected) and len(routing.routes) == NEW_CASES
            if when == "routing":
                assert routing.summary["routed_now"] < NEW_CASES - 20


def test_a_server_that_is_down_is_one_line_without_the_password(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    today = write_export(tmp_path / "today", [case(no(1))], [party(no(1), "申请执行人", "张三", ZHANG)])
    uri = f"neo4j://127.0.0.1:{port}"
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "assign", str(today), "--uri", uri,
                           "--password", "secret-password"], capture_output=True, text=True)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and uri in lines[0]
    assert "secret-password" not in done.stderr + done.stdout


def test_route_case_cypher_is_commented_and_parameterised():
    text = ne.cypher("route_case")
    assert text.lstrip().startswith("//")
    used = set(re.findall(r"\$(\w+)", "\n".join(ne.statements("route_case"))))
    assert used == set(ne.defaults("route_case")) == {"case_no", "hub_threshold", "pending", "sep"}
    assert ne.defaults("route_case")["hub_threshold"] == C.Options().hub_threshold


def test_every_routing_statement_is_a_commented_parameterised_file():
    names = [n for n in ne.cypher_names() if n.startswith("route_")]
    assert {"route_case", "route_held", "route_judge_loads", "route_write"} <= set(names)
    for name in names:
        assert ne.cypher(name).lstrip().startswith("//"), name
        used = set(re.findall(r"\$(\w+)", "\n".join(ne.statements(name))))
        assert used == set(ne.defaults(name)), name
    source = (Path(__file__).parent.parent / "casegraph" / "jobs" / "route.py").read_text(encoding="utf-8")
    assert not re.search(r"\b(MATCH|MERGE|UNWIND)\b", source)  # no Cypher left in Python strings
