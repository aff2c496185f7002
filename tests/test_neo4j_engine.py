"""The Neo4j engine against a real Neo4j 5.26 server: parity with the embedded
engine, idempotent and incremental loads, a server killed mid-load, a server
that is down, injection, and no full ID in the database. Nothing is mocked.
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
from casegraph.engines.neo4j import find as nf
from casegraph.engines.neo4j import server
from casegraph.pipeline import analyze, prepare
from casegraph.normalise.caseno import official_case_nos
from casegraph.find.embedded import find_all, related_cases
from casegraph.normalise.identity import RIC, USCC, parse_ids
from casegraph.engines.neo4j.load import load_graph
from casegraph.sample.generate import make_sample
from handmade import CO_A, WANG, ZHANG, case, party, write_export

SAMPLE_CASES = 2000


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample") / "export"
    make_sample(SAMPLE_CASES, folder)
    return folder


@pytest.fixture
def db(neo4j_server):
    """The session server's database, emptied for this test."""
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def same(a: pd.DataFrame, b: pd.DataFrame, name: str = "") -> None:
    """Equal tables, row order aside."""
    assert list(a.columns) == list(b.columns), name
    cols = list(a.columns)
    pd.testing.assert_frame_equal(a.sort_values(cols).reset_index(drop=True),
                                  b.sort_values(cols).reset_index(drop=True), obj=name)


def counts(db: ne.Database) -> dict:
    nodes = db.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
    rels = db.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    return {**dict(zip(nodes["label"], nodes["n"])), **dict(zip(rels["type"], rels["n"]))}


def no_duplicates(db: ne.Database) -> None:
    twice = db.read("MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(*) AS n WHERE n > 1 RETURN count(*) AS n")
    assert twice.iloc[0, 0] == 0
    orphans = db.read("MATCH (p:Party) WHERE NOT EXISTS { (:PartyRecord)-[:OF]->(p) } RETURN count(*) AS n")
    assert orphans.iloc[0, 0] == 0
    loose = db.read("MATCH (r:PartyRecord) WHERE COUNT { (r)-[:OF]->() } <> 1 RETURN count(*) AS n")
    assert loose.iloc[0, 0] == 0


def split_export(export: Path, out: Path, first) -> tuple[Path, Path]:
    """Two exports holding the cases of ``export`` for which ``first(case_no)``
    is true and false; parties and assets go with their case."""
    tables = {t.name: pd.read_csv(export / t.filename, dtype=str, keep_default_na=False)
              for t in (C.CASES, C.PARTIES, C.ASSETS, C.JUDGES) if (export / t.filename).exists()}
    def official(df):  # clerks type a case number differently in each table
        return official_case_nos(df["case_no"]).fillna(df["case_no"])

    mine = set(official(tables["cases"])[official(tables["cases"]).map(first)])
    parts = []
    for i, keep in enumerate((lambda df: official(df).isin(mine), lambda df: ~official(df).isin(mine))):
        folder = out / f"part{i + 1}"
        folder.mkdir(parents=True)
        for name, df in tables.items():
            part = df[keep(df)] if "case_no" in df else df
            part.to_csv(folder / f"{name}.csv", index=False)
        parts.append(folder)
    return parts[0], parts[1]


# -- parity ------------------------------------------------------------------

def test_both_engines_find_the_same(sample, db):
    embedded = analyze(sample)
    graph_db = analyze(sample, backend="neo4j", uri=db.uri)
    assert set(graph_db.findings) == set(embedded.findings) >= set(C.FINDINGS) - {"assignments"}
    for name in C.FINDINGS:
        same(embedded.findings[name], graph_db.findings[name], name)
    assert len(embedded.findings["bundles"]) and len(embedded.findings["offsets"])  # the comparison means something


def test_analyze_cli_writes_the_same_files(sample, db, tmp_path):
    env = {**os.environ, "NEO4J_URI": db.uri}
    for backend in ("embedded", "neo4j"):
        done = subprocess.run([sys.executable, "-m", "casegraph.cli", "analyze", str(sample), "--backend", backend,
                               "--out", str(tmp_path / backend)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    for name in C.FINDINGS:
        f = C.OUTPUTS[name].filename
        a, b = (pd.read_csv(tmp_path / k / f, dtype=str, keep_default_na=False) for k in ("embedded", "neo4j"))
        same(a, b, f)


def test_related_cases_of_one_case_match(sample, db):
    _, resolved, graph = prepare(sample)
    load_graph(db, graph, resolved)
    bundled = find_all(graph)["bundles"]["case_no"].unique()[:40]
    for case_no in bundled:
        expected = related_cases(graph, case_no).sort_values("case_no").reset_index(drop=True)
        pd.testing.assert_frame_equal(nf.related_cases(db, case_no, graph.options), expected)
        in_bundle = set(ne.query(db, "bundle_of_case", {"case_no": case_no})["case_no"])
        # Related cases may be in other courts; a bundle stays in the case's court.
        court = graph.cases.set_index("case_no")["court"]
        here = set(expected.loc[expected["case_no"].map(court) == court[case_no], "case_no"])
        assert here <= in_bundle and in_bundle <= set(court.index[court == court[case_no]])


# -- loading -----------------------------------------------------------------

def test_loading_twice_changes_nothing(sample, db):
    _, resolved, graph = prepare(sample)
    first = load_graph(db, graph, resolved)
    before = counts(db)
    again = load_graph(db, graph, resolved)
    assert counts(db) == before
    assert again.written["records"] == again.written["parties"] == again.written["roles"] == 0
    assert not again.removed["parties"] and not again.recovered
    assert before["Case"] == len(graph.cases) and before["Party"] == len(resolved.parties) == first.written["parties"]
    no_duplicates(db)


def test_a_split_export_loads_to_the_same_findings(sample, db, tmp_path):
    # Part 1 holds the cases filed up to 2021; part 2 brings the rest, with
    # parties seen before and codes that merge earlier records.
    part1, part2 = split_export(sample, tmp_path, lambda c: c[1:5] <= "2021")
    _, resolved, graph = prepare(sample)
    whole = find_all(graph)
    pipeline.load(db, part1)
    pipeline.load(db, part2)
    got = nf.find_all(db)
    for name in whole:
        same(whole[name], got[name], name)
    no_duplicates(db)
    assert counts(db)["Party"] == len(resolved.parties)
    assert counts(db)["PartyRecord"] == resolved.records["record_key"].nunique()


def test_a_newer_export_re_resolves_parties_already_loaded(db, tmp_path):
    # Export 1 names the company without its code in two cases: one party by
    # name. Export 2 brings its code: all three records become the coded party.
    no = [f"（2024）沪0113执{i}号" for i in (1, 2, 3)]
    first = write_export(tmp_path / "one", [case(no[0]), case(no[1])],
                         [party(no[0], "申请执行人", "张三", ZHANG), party(no[0], "被执行人", "上海甲有限公司", "", "法人"),
                          party(no[1], "申请执行人", "王五", WANG), party(no[1], "被执行人", "上海甲有限公司", "", "法人")])
    second = write_export(tmp_path / "two", [case(no[2])],
                          [party(no[2], "申请执行人", "张三", ZHANG), party(no[2], "被执行人", "上海甲有限公司", CO_A, "法人")])
    pipeline.load(db, first)
    before = db.read("MATCH (p:Party {name: '上海甲有限公司'}) RETURN p.party_id AS id")["id"].tolist()
    report = pipeline.load(db, second)
    after = db.read("MATCH (p:Party {name: '上海甲有限公司'})-[:DEBTOR_IN]->(c:Case) "
                    "RETURN p.party_id AS id, collect(c.case_no) AS cases, p.rules AS rules")
    assert len(before) == 1 and len(after) == 1 and after.at[0, "id"] != before[0]
    assert sorted(after.at[0, "cases"]) == sorted(no)
    assert report.removed["parties"] == 1
    both = tmp_path / "both"
    write_export(both, [case(n) for n in no],
                 [party(no[0], "申请执行人", "张三", ZHANG), party(no[0], "被执行人", "上海甲有限公司", "", "法人"),
                  party(no[1], "申请执行人", "王五", WANG), party(no[1], "被执行人", "上海甲有限公司", "", "法人"),
                  party(no[2], "申请执行人", "张三", ZHANG), party(no[2], "被执行人", "上海甲有限公司", CO_A, "法人")])
    assert after.at[0, "id"] in set(prepare(both)[1].parties["party_id"])
    no_duplicates(db)


def test_values_that_look_like_cypher_round_trip_unharmed(db, tmp_path):
    nasty = "甲'\"}) MATCH (n) DETACH DELETE n // `x` {y} $z \\ ;"
    no = ["（2024）沪0113执1号", "（2024）沪0113执2号"]
    export = write_export(tmp_path / "export", [case(no[0], cause=nasty + "纠纷"), case(no[1])],
                          [party(no[0], "申请执行人", nasty, "", "法人"), party(no[0], "被执行人", "张三", ZHANG),
                           party(no[1], "申请执行人", nasty, "", "法人"), party(no[1], "被执行人", "王五", WANG)],
                          assets=[{"case_no": no[0], "asset_id": nasty, "asset_type": "`车辆`", "action": "查封'"}])
    pipeline.load(db, export)
    assert db.read("MATCH (c:Case {case_no: $no}) RETURN c.cause AS v", {"no": no[0]}).at[0, "v"] == nasty + "纠纷"
    names = db.read("MATCH (p:Party) RETURN p.name AS v")["v"].tolist()
    assert nasty in names and len(names) == 3
    assert db.read("MATCH (a:Asset) RETURN a.asset_id AS v").at[0, "v"] == nasty.replace(" ", "")
    assert counts(db)["Case"] == 2
    debtors = nf.find_all(db)["repeat_applicants"]
    assert debtors["name"].tolist() == [nasty]


def test_no_full_id_number_reaches_the_database(sample, db):
    raw = pd.read_csv(sample / C.PARTIES.filename, dtype=str, keep_default_na=False)
    parsed = parse_ids(raw["id_no"])
    full = set(parsed.loc[parsed["status"].isin([RIC, USCC]), "canonical"])
    truth = json.loads((sample / "truth.json").read_text(encoding="utf-8"))
    full |= set(re.findall(r"\b[0-9A-Z]{18}\b", json.dumps(truth)))
    assert len(full) > 1000
    pipeline.load(db, sample)
    values = db.read("""MATCH (n) UNWIND keys(n) AS k RETURN n[k] AS v
                        UNION ALL MATCH ()-[r]->() UNWIND keys(r) AS k RETURN r[k] AS v""")["v"]
    text = "\n".join(str(v) for v in values)
    found = {t for t in re.findall(r"[0-9A-Z]{15,18}", text) if t in full}
    assert not found and len(values) > 10_000
    assert not any(i in text for i in list(full)[:200])  # not even inside a longer value


def test_another_key_is_refused(db, tmp_path, monkeypatch):
    export = write_export(tmp_path / "export", [case("（2024）沪0113执1号")],
                          [party("（2024）沪0113执1号", "申请执行人", "张三", ZHANG)])
    pipeline.load(db, export)
    monkeypatch.setenv("CASEGRAPH_SECRET", "some other court's passphrase")
    with pytest.raises(ne.DatabaseError, match="another casegraph key"):
        pipeline.load(db, export)


# -- a server that dies, a server that is not there -----------------------------

def test_a_load_killed_midway_finishes_when_run_again(tmp_path, own_server):
    data, info = own_server
    export = tmp_path / "export"
    make_sample(3000, export)
    _, resolved, graph = prepare(export)
    failure: list[BaseException] = []

    def run():
        try:
            with ne.connect(info.uri) as db:
                load_graph(db, graph, resolved, batch=100)
        except BaseException as e:  # noqa: BLE001 - the test looks at it
            failure.append(e)

    loader = threading.Thread(target=run)
    loader.start()
    with ne.connect(info.uri) as db:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if db.read("MATCH (r:PartyRecord) RETURN count(*) AS n").iloc[0, 0] > 500:
                break
            time.sleep(0.05)
    server.kill(data)
    loader.join(120)
    assert not loader.is_alive()
    assert failure and isinstance(failure[0], ne.DatabaseError) and info.uri in str(failure[0])

    again = server.start(data, heap="512m", pagecache="256m")
    with ne.connect(again.uri) as db:
        assert db.read("MATCH (m:CasegraphMeta) RETURN m.state AS s").at[0, "s"] == "loading"
        report = load_graph(db, graph, resolved)
        assert report.recovered
        got = nf.find_all(db, graph.options)
        c = counts(db)
        no_duplicates(db)
        assert load_graph(db, graph, resolved).written["records"] == 0
    expected = find_all(graph)
    for name in expected:
        same(expected[name], got[name], name)
    assert c["Case"] == len(graph.cases) and c["Party"] == len(resolved.parties)
    assert c["PartyRecord"] == resolved.records["record_key"].nunique()


def test_a_server_that_is_down_is_one_line_naming_the_uri(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    export = write_export(tmp_path / "export", [case("（2024）沪0113执1号")],
                          [party("（2024）沪0113执1号", "申请执行人", "张三", ZHANG)])
    uri = f"neo4j://127.0.0.1:{port}"
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "load", str(export), "--uri", uri,
                           "--password", "secret-password"], capture_output=True, text=True)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and uri in lines[0] and "casegraph neo4j start" in lines[0]
    assert "secret-password" not in done.stderr + done.stdout


# -- the cypher/ files and the query command -------------------------------------

def test_query_prints_a_table(sample, db):
    pipeline.load(db, sample)
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "query", "common_debtors", "--uri", db.uri,
                           "--limit", "5"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["party_id", "name", "kind", "n_cases"] and len(lines) >= 6
    some_case = pd.read_csv(sample / "cases.csv", dtype=str)["case_no"].iloc[0]
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "query", "related_cases", "--uri", db.uri,
                           "--param", f"case_no={some_case}", "--param", "hub_threshold=5"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_finding_has_a_commented_file_whose_defaults_are_the_options():
    names = {"schema", "repeat_applicants", "common_debtors", "bilateral_offsets", "offset_cycles", "shared_assets",
             "related_cases", "party_cases", "bundles", "bundle_of_case", "owes"}
    assert names <= set(ne.cypher_names())
    options = ne.params_of(C.Options())
    for name in names:
        text = ne.cypher(name)
        assert text.lstrip().startswith("//"), name
        for k, v in ne.defaults(name).items():
            if k in options:
                assert v == options[k], (name, k)
        used = set(re.findall(r"\$(\w+)", "\n".join(ne.statements(name))))
        assert used <= set(ne.defaults(name)), (name, used - set(ne.defaults(name)))


def test_every_load_statement_is_a_commented_file_that_runs_by_hand(db):
    """The loader's statements (cypher/load/) run as written, with the
    defaults their comments give: together they load one party, case,
    record, role, asset and judge."""
    names = sorted(p.stem for p in (ne.CYPHER_DIR / "load").glob("*.cypher"))
    assert {"begin", "read_records", "parties", "records", "roles", "finish", "clear"} <= set(names)
    assert not set(names) & set(ne.cypher_names())  # not queries to run by name
    for name in names:
        text, params = ne.cypher(f"load/{name}"), ne.defaults(f"load/{name}")
        assert text.lstrip().startswith("//"), name
        for s in ne.statements(f"load/{name}"):
            assert set(re.findall(r"\$(\w+)", s)) <= set(params), name
    for s in ne.statements("schema"):
        db.write(s)
    for name in ("begin", "parties", "cases", "records", "roles", "assets", "attaches", "judges", "finish"):
        db.write(ne.statements(f"load/{name}")[0], ne.defaults(f"load/{name}"))
    assert counts(db) == {"CasegraphMeta": 1, "Party": 1, "Case": 1, "PartyRecord": 1, "Asset": 1, "Judge": 1,
                          "OF": 1, "APPLICANT_IN": 1, "ATTACHES": 1}
    roles = db.read(ne.statement("load/read_roles"))
    assert roles.to_dict("records") == [{"case_no": "（2024）沪0113执1号", "role": "applicant",
                                         "party_id": "P0123456789ab"}]
    assert db.read(ne.statement("load/read_records")).at[0, "party_id"] == "P0123456789ab"
    _, drop = ne.statements("load/roles")
    db.write(drop, ne.defaults("load/roles"))
    db.write(ne.statement("load/orphans"), ne.defaults("load/orphans"))
    assert "APPLICANT_IN" not in counts(db) and "Party" not in counts(db)


def test_a_role_type_comes_only_from_the_fixed_table():
    from casegraph.engines.neo4j import load

    create, _ = ne.statements("load/roles")
    assert ":DEBTOR_IN]" in load._of_type(create, "DEBTOR_IN")
    with pytest.raises(ValueError):
        load._of_type(create, "KNOWS]->(x) DETACH DELETE x //")
