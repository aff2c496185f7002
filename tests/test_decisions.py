"""A clerk's decisions on candidates for review: read and checked row by row,
applied by ``analyze``, kept by Neo4j through ``load`` and ``assign``, and
honoured by the nightly flags. Nothing is mocked: a real Neo4j for the store."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from casegraph import contract as C
from casegraph import decisions, pipeline
from casegraph.engines import open_engine
from casegraph.engines.neo4j import db as ne
from casegraph.jobs.flag import FlagOptions, flag_all
from casegraph.jobs.route import assign_new
from casegraph.pipeline import analyze
from handmade import WANG, ZHANG, case, party, write_export

SH = "（2024）沪0113执{}号".format
RARE = "欧阳澍霖"


def rare_debtor(folder: Path, n: int = 2, judges=()) -> Path:
    """RARE, without an ID number, owes n different companies: a candidate."""
    cases = [case(SH(i), cause="买卖合同纠纷", amount=str(1000 * i), judge="甲法官" if i == 1 and judges else "")
             for i in range(1, n + 1)]
    parties = [p for i in range(1, n + 1) for p in (party(SH(i), "申请执行人", f"上海{chr(0x4e00 + i)}商贸有限公司"),
                                                   party(SH(i), "被执行人", RARE))]
    return write_export(folder, cases, parties, judges=judges)


def write_decisions(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=list(C.DECISIONS.columns))
        w.writeheader()
        w.writerows(rows)
    return path


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casegraph.cli", *map(str, args)], capture_output=True, text=True)


def read_out(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / C.OUTPUTS[name].filename, dtype=str, keep_default_na=False, encoding=C.CSV_ENCODING)


# -- the file ----------------------------------------------------------------------

def test_each_row_is_read_and_checked_alone(tmp_path):
    path = write_decisions(tmp_path / "决定.csv", [
        {"candidate_id": "Caaaaaaaaaa", "decision": "同一人", "by": "书记员甲"},
        {"candidate_id": "Cbbbbbbbbbb", "decision": "maybe"},
        {"candidate_id": "", "decision": "same"},
        {"candidate_id": "Ccccccccccc", "decision": ""},
        {"candidate_id": "Cdddddddddd", "decision": " Different "},
        {"candidate_id": "Caaaaaaaaaa", "decision": "不同", "note": "the clerk changed her mind"},
    ])
    rows, problems = decisions.read(path)
    assert rows[["candidate_id", "decision"]].values.tolist() == [["Cdddddddddd", "different"], ["Caaaaaaaaaa", "different"]]
    assert problems == ["决定.csv row 3: decision 'maybe' is neither same nor different", "决定.csv row 4: no candidate_id",
                        "决定.csv row 5: no decision (same or different)"]


def test_chinese_headers_and_append(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text("候选编号,决定,决定人\nC0123456789,同一,甲\n", encoding="gbk")
    decisions.append(path, "C9876543210", "different", by="乙", note="两个人")
    rows, problems = decisions.read(path)
    assert rows[["candidate_id", "decision", "by"]].values.tolist() == [["C0123456789", "same", "甲"],
                                                                       ["C9876543210", "different", "乙"]]
    assert not problems


# -- analyze ------------------------------------------------------------------------

def test_same_makes_the_candidate_one_common_debtor(tmp_path):
    export = rare_debtor(tmp_path / "export")
    first = run_cli("analyze", export, "--out", tmp_path / "one")
    assert first.returncode == 0, first.stderr
    offered = read_out(tmp_path / "one", "candidates")
    assert offered["names"].tolist() == [RARE] and read_out(tmp_path / "one", "common_debtors").empty
    # The clerk adds a decision column to candidates.csv and saves it.
    sheet = offered.assign(decision="same", by="书记员甲")
    sheet.to_csv(tmp_path / "decided.csv", index=False, encoding="utf-8-sig")
    again = run_cli("analyze", export, "--out", tmp_path / "two", "--decisions", tmp_path / "decided.csv")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert "applied 1 of the clerk's decisions (1 same, 0 different)" in again.stdout
    debtors = read_out(tmp_path / "two", "common_debtors")
    assert debtors[["name", "n_cases"]].values.tolist() == [[RARE, "2"]]
    records = read_out(tmp_path / "two", "party_records")
    mine = records[records["name"] == RARE]
    assert set(mine["rule"]) == {"unidentified", "clerk_confirmed"}
    assert mine.loc[mine["rule"] == "clerk_confirmed", "key"].iloc[0] == f"{offered.at[0, 'candidate_id']} by 书记员甲"
    assert read_out(tmp_path / "two", "candidates").empty


def test_different_keeps_them_apart_even_when_a_rule_would_link_them(tmp_path):
    # The same creditor twice: the repeat pair links 王强 -- unless the clerk
    # decided, on a run without that rule, that they are two people.
    cases = [case(SH(1)), case(SH(2))]
    parties = [party(SH(i), r, n) for i in (1, 2) for r, n in (("申请执行人", "上海甲商贸有限公司"), ("被执行人", "王强"))]
    export = write_export(tmp_path / "export", cases, parties)
    without = analyze(export, options=C.Options(rules=("same_org_name",)))
    offered = without.findings["candidates"]
    assert offered["names"].tolist() == ["王强"]
    path = tmp_path / "d.csv"
    offered.assign(decision="different").to_csv(path, index=False, encoding="utf-8-sig")  # candidates.csv, decided
    linked = analyze(export)
    assert linked.resolved.parties["name"].tolist().count("王强") == 1
    kept = analyze(export, decisions=path)
    assert kept.resolved.parties["name"].tolist().count("王强") == 2
    assert "clerk_kept_apart" in set(kept.resolved.records["rule"])
    assert kept.findings["candidates"].empty  # not offered again
    assert kept.summary["decisions"]["applied"] == {"same": 0, "different": 1}


def test_a_link_a_rule_made_is_split_by_naming_one_record(tmp_path):
    cases = [case(SH(i), cause="抚养费纠纷") for i in (1, 2, 3)]
    parties = [party(SH(i), r, n) for i in (1, 2, 3) for r, n in (("申请执行人", "李娜"), ("被执行人", "王强"))]
    export = write_export(tmp_path / "export", cases, parties)
    linked = analyze(export)
    pid = linked.resolved.records.set_index(["case_no", "name"]).at[(SH(3), "王强"), "party_id"]
    path = write_decisions(tmp_path / "d.csv", [{"candidate_id": f"{pid}@(2024)沪0113执3号", "decision": "different"},
                                                 {"candidate_id": f"{pid}@{SH(1)}", "decision": "same"}])
    split = analyze(export, decisions=path)
    r = split.resolved.records.set_index(["case_no", "name"])
    assert r.at[(SH(1), "王强"), "party_id"] == r.at[(SH(2), "王强"), "party_id"] != r.at[(SH(3), "王强"), "party_id"]
    assert r.at[(SH(3), "王强"), "rule"] == "clerk_kept_apart"
    assert split.resolved.problems == [f"{pid}@{SH(1)}: a link a rule made is already one party; to split it, "
                                       "decide 'different'"]
    assert split.findings["candidates"].empty  # the split record is not offered back


def test_unknown_ids_and_bad_values_are_one_line_each_and_the_rest_goes_on(tmp_path):
    export = rare_debtor(tmp_path / "export")
    cid = analyze(export).findings["candidates"].at[0, "candidate_id"]
    path = write_decisions(tmp_path / "d.csv", [{"candidate_id": "C0000000000", "decision": "same"},
                                                 {"candidate_id": cid, "decision": "yes please"},
                                                 {"candidate_id": cid, "decision": "same"}])
    done = run_cli("analyze", export, "--out", tmp_path / "out", "--decisions", path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(ln.startswith("casegraph: decisions: ") for ln in lines)
    assert "C0000000000: no such candidate" in lines[1] and "row 3: decision 'yes please'" in lines[0]
    assert read_out(tmp_path / "out", "common_debtors")["name"].tolist() == [RARE]
    # Warnings, not errors: --quiet silences them and --json keeps stdout one object that counts them.
    quiet = run_cli("analyze", export, "--out", tmp_path / "q", "--decisions", path, "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    scripted = run_cli("analyze", export, "--out", tmp_path / "j", "--decisions", path, "--json")
    assert scripted.returncode == 0 and json.loads(scripted.stdout)["decisions"]["applied"]["same"] == 1


def test_two_different_id_numbers_are_never_confirmed_the_same(tmp_path):
    cases = [case(SH(1)), case(SH(2))]
    parties = [party(SH(1), "被执行人", "李娜", WANG), party(SH(2), "被执行人", "李娜", ZHANG)]
    export = write_export(tmp_path / "export", cases, parties)
    path = write_decisions(tmp_path / "d.csv", [{"candidate_id": "Cpinned0000", "decision": "same", "names": "李娜",
                                                 "case_nos": f"{SH(1)};{SH(2)}"}])
    result = analyze(export, decisions=path)
    assert result.resolved.parties["name"].tolist().count("李娜") == 2
    assert result.resolved.problems == ["Cpinned0000: not linked: its records carry 2 different ID numbers"]


def test_a_decision_with_its_names_and_cases_holds_as_the_data_grows(tmp_path):
    small = rare_debtor(tmp_path / "small", 2)
    offered = analyze(small).findings["candidates"]
    sheet = offered.assign(decision="different")
    sheet.to_csv(tmp_path / "d.csv", index=False, encoding="utf-8-sig")
    bare = write_decisions(tmp_path / "bare.csv", [{"candidate_id": offered.at[0, "candidate_id"], "decision": "different"}])
    grown = rare_debtor(tmp_path / "grown", 3)  # a third case: the candidate's id changes
    pinned = analyze(grown, decisions=tmp_path / "d.csv")
    assert not pinned.resolved.problems and pinned.summary["decisions"]["applied"]["different"] == 1
    assert pinned.findings["candidates"]["n_cases"].tolist() == [3]  # offered again: a new record joined
    lost = analyze(grown, decisions=bare)
    assert len(lost.resolved.problems) == 1 and "no such candidate" in lost.resolved.problems[0]


# -- Neo4j: kept, re-applied at every load, honoured by assign and the flags ---------------

@pytest.fixture
def db(neo4j_server):
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def parties_named(db, name: str) -> int:
    return int(db.read("MATCH (p:Party {name: $name}) RETURN count(p) AS n", {"name": name}).at[0, "n"])


def test_load_keeps_the_decisions_and_every_later_load_applies_them(db, tmp_path):
    export = rare_debtor(tmp_path / "export", 3)
    offered = analyze(export).findings["candidates"]
    offered.assign(decision="same", by="甲").to_csv(tmp_path / "d.csv", index=False, encoding="utf-8-sig")
    done = run_cli("load", export, "--uri", db.uri, "--decisions", tmp_path / "d.csv", "--no-progress")
    assert done.returncode == 0 and "applied 1 of the clerk's decisions" in done.stdout, done.stderr
    assert parties_named(db, RARE) == 1
    kept = ne.query(db, "decisions")
    assert kept[["decision_id", "decision", "by"]].values.tolist() == [[offered.at[0, "candidate_id"], "same", "甲"]]
    assert len(kept.at[0, "records"]) == 3
    pipeline.load(db, rare_debtor(tmp_path / "more", 4))  # no file: the database's decisions still hold
    assert parties_named(db, RARE) == 2  # the three decided records, and the new one offered for review
    stored = open_engine("neo4j", uri=db.uri)
    with stored:
        found = stored.findings()
    assert found["candidates"]["n_cases"].tolist() == [4]
    embedded = analyze(tmp_path / "more", decisions=tmp_path / "d.csv")
    for name in ("common_debtors", "candidates", "bundles"):
        pd.testing.assert_frame_equal(found[name].astype(str), embedded.findings[name].astype(str), obj=name)
    run = flag_all(open_engine("neo4j", uri=db.uri), FlagOptions(min_open_cases=3))
    assert run.tables["centralised"]["name"].tolist() == [RARE]


def test_different_keeps_a_pair_apart_in_neo4j_too(db, tmp_path):
    cases = [case(SH(i), cause="抚养费纠纷") for i in (1, 2)]
    parties = [party(SH(i), r, n) for i in (1, 2) for r, n in (("申请执行人", "李娜"), ("被执行人", "王强"))]
    export = write_export(tmp_path / "export", cases, parties)
    pipeline.load(db, export)
    assert parties_named(db, "王强") == 1
    pid = db.read("MATCH (p:Party {name: '王强'}) RETURN p.party_id AS id").at[0, "id"]
    path = write_decisions(tmp_path / "d.csv", [{"candidate_id": f"{pid}@{SH(2)}", "decision": "different"}])
    report = pipeline.load(db, export, decisions=path)
    assert report.decisions["applied"] == {"same": 0, "different": 1}
    assert parties_named(db, "王强") == 2
    pipeline.load(db, export)
    assert parties_named(db, "王强") == 2
    with open_engine("neo4j", uri=db.uri) as engine:
        assert engine.findings()["candidates"].empty


def test_assign_routes_by_the_clerks_decision(db, tmp_path):
    judges = [{"judge": "甲法官", "team": "执行一组", "capacity": "50"}, {"judge": "乙法官", "team": "执行一组", "capacity": "50"}]
    first = rare_debtor(tmp_path / "first", 1, judges=judges)
    pipeline.load(db, first)
    new = write_export(tmp_path / "new", [case(SH(2), cause="买卖合同纠纷")],
                       [party(SH(2), "申请执行人", "上海乙商贸有限公司"), party(SH(2), "被执行人", RARE)])
    path = write_decisions(tmp_path / "d.csv", [{"candidate_id": "C-by-hand", "decision": "same", "names": RARE,
                                                 "case_nos": f"{SH(1)};{SH(2)}"}])
    with open_engine("neo4j", uri=db.uri) as engine:
        routing = assign_new(engine, new, decisions=path)
    route = routing.routes.set_index("case_no").loc[SH(2)]
    assert (route["judge"], route["rule"]) == ("甲法官", "follows_holder")
    assert routing.load.decisions["applied"]["same"] == 1 and parties_named(db, RARE) == 1
