"""Published lists of debtors (失信被执行人, 限制消费, 终本) as a court has them:
official headers or the 失信 service's JSON keys, GBK with CR CR LF line ends,
no applicants, many courts, organisation codes and masked IDs. Hand-made in the
shapes of the real lists in ../shared/real (56 records from 27 courts), which
stay there; the last tests read those when they are present.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from casegraph import contract as C
from casegraph.check import check
from casegraph.engines.neo4j import db as ne
from casegraph.pipeline import analyze
from casegraph.read import read_export
from casegraph.write.result import write_result

HEADERS = ["被执行人姓名/名称", "身份证号码/组织机构代码", "法定代表人或负责人姓名", "执行法院", "省份", "执行依据文号",
           "立案时间", "案号", "做出执行依据单位", "生效法律文书确定的义务", "被执行人的履行情况",
           "失信被执行人行为具体情形", "发布时间"]
# The 失信 service's own keys for the same fields, in the same order.
KEYS = ["iname", "cardNum", "businessEntity", "courtName", "areaName", "gistId", "regDate", "caseCode", "gistUnit",
        "duty", "performance", "disruptTypeName", "publishDate"]

TAIFU, TAIFU_CITY = "哈尔滨泰富电气有限公司", "哈尔滨市泰富电气有限公司"
LOANS = "哈尔滨泰富小额贷款有限公司"
# Eight courts in four provinces, each with its 2016 court code.
COURTS = [("哈尔滨市南岗区人民法院", "黑0103", "黑龙江"), ("哈尔滨市中级人民法院", "黑01", "黑龙江"),
          ("哈尔滨市香坊区人民法院", "黑0110", "黑龙江"), ("深圳市罗湖区人民法院", "粤0303", "广东"),
          ("威海市中级人民法院", "鲁10", "山东"), ("威海市环翠区人民法院", "鲁1002", "山东"),
          ("西安市中级人民法院", "陕01", "陕西"), ("哈尔滨市道里区人民法院", "黑0102", "黑龙江")]
CODES = ["74419092-7", "744190927", "91230199744****927K"]
WANG, WANG_ID, XINING = "王文林", "63282219750****1812", "西宁市城北区人民法院"
# Thirteen other people named 王文林, each with a mask of their own (regions, birth years, tails differ).
OTHER_WANGS = [f"{region}19{60 + i}0****{1000 + 37 * i}" for i, region in
               enumerate(["140104", "320804", "350321", "410726", "371422", "510522", "130102", "220104", "330106",
                          "420111", "500103", "610113", "650102"])]


def row(name, id_no, court, case_no, rep="", filed="20180302"):
    court_name, _, province = court
    return [name, id_no, rep, court_name, province, "（2017）黑0103民初6222号", filed, case_no, court_name,
            "一、被告偿还原告借款本金350万元及利息。", "全部未履行", "有履行能力而拒不履行生效法律文书确定义务", "2018年04月08日"]


def shixin_rows() -> list[list[str]]:
    """29 cases of one company (its code written three ways, its name two ways)
    in eight courts; its sister company under the same legal representative;
    one 王文林 in eight cases of one court, thirteen namesakes with other masks,
    and an anonymised 张某 twice."""
    rows = []
    for i in range(29):
        court = COURTS[i % 8]
        name = TAIFU_CITY if i % 9 == 4 else TAIFU
        code = CODES[2] if i == 0 else CODES[i % 2]
        sep = "" if i % 3 else "0"  # leading zeros in some sequences
        rows.append(row(name, code, court, f"（{2016 + i % 3}）{court[1]}执{sep}{300 + i}号", rep="杨天夫"))
    rows += [row(LOANS, "", COURTS[0], "（2018）黑0103执1400号", rep="杨天夫"),
             row(LOANS, "", COURTS[0], "（2018）黑0103执1401号", rep="杨天夫")]
    xining = (XINING, "", "青海")
    for seq in ("00880", "00884", "00889", "00890", "00891", "00894", "00897", "00272"):
        rows.append(row(WANG, WANG_ID, xining, f"(2015)北法执字第{seq}号"))
    for i, mask in enumerate(OTHER_WANGS):
        court = (f"第{i}人民法院", f"豫{1601 + i}", "河南")
        rows.append(row(WANG, mask, court, f"(2016)豫{1601 + i}执字第{i + 45:05d}号"))
    rows += [row("张某", "", COURTS[0], "（2018）黑0103执1500号"), row("张某", "", COURTS[0], "（2018）黑0103执1501号")]
    return rows


def write_shixin_csv(path: Path, rows=None) -> Path:
    """As the real list came: GBK, every line ending CR CR LF."""
    lines = [",".join(HEADERS)] + [",".join(r) for r in (rows or shixin_rows())]
    path.write_bytes("\r\r\n".join(lines).encode("gbk") + b"\r\r\n")
    return path


def write_shixin_json(path: Path, lines: bool = False, wrapped: bool = False) -> Path:
    records = [dict(zip(KEYS, r), sexy="男", age=40, _version=1) for r in shixin_rows()]
    if lines:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=True) for r in records) + "\n", encoding="utf-8")
    else:
        doc = {"status": 0, "result": records} if wrapped else records
        path.write_text(json.dumps(doc, ensure_ascii=True, indent=1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shixin(tmp_path_factory) -> Path:
    return write_shixin_csv(tmp_path_factory.mktemp("lists") / "失信被执行人名单.csv")


@pytest.fixture(scope="module")
def result(shixin):
    return analyze(shixin)


def debtor(result, name_part: str) -> pd.Series:
    d = result.findings["common_debtors"]
    hit = d[d["name"].str.contains(name_part)]
    assert len(hit) == 1, d[["name", "n_cases"]]
    return hit.iloc[0]


# -- reading -------------------------------------------------------------------

def test_a_shixin_list_reads_as_a_list_with_every_case_number(shixin):
    tables = read_export(shixin)
    assert tables.form == "list" and tables.list_name == "失信被执行人名单"
    lay = next(iter(tables.layouts.values()))
    assert {c.header: c.field for c in lay.columns if c.field} == {
        "被执行人姓名/名称": "debtor", "身份证号码/组织机构代码": "id_no", "法定代表人或负责人姓名": "representative",
        "执行法院": "court", "立案时间": "filed_on", "案号": "case_no"}
    report = check(shixin)
    assert report.usable and report.form == "list"
    assert report.counts["cases"] == {"read": 54, "used": 54, "rejected": 0, "set_aside": 0}
    assert report.lines()[0].endswith("a published list (失信被执行人名单): one debtor per row, no applicants "
                                      "(the applicants' findings are not made)")


def test_the_role_less_id_column_is_the_debtors(result):
    records = result.resolved.records
    wang = records[(records["name"] == WANG) & records["case_no"].str.contains("北法")]
    assert len(wang) == 8 and set(wang["role"]) == {C.DEBTOR} and set(wang["id_status"]) == {"masked"}
    assert all(m.startswith("63282219750") and m.endswith("1812") for m in wang["id_masked"])


def test_json_records_read_as_they_came(tmp_path, shixin):
    from_csv = read_export(shixin)
    for kind in ("array", "lines", "wrapped"):
        path = write_shixin_json(tmp_path / f"{kind}.json{'l' if kind == 'lines' else ''}", lines=kind == "lines",
                                 wrapped=kind == "wrapped")
        tables = read_export(path)
        assert tables.form == "list" and tables.list_name == "失信被执行人名单", kind
        for name in ("cases", "parties"):
            a = tables[name].drop(columns=["row", "sheet"])
            b = from_csv[name].drop(columns=["row", "sheet"])
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=f"{kind} {name}")
        # row: the record's number
        assert tables["cases"]["row"].tolist() == list(range(1, len(shixin_rows()) + 1))


@pytest.mark.parametrize("text, message", [
    ('{"a": 1', "line 1 is not JSON"),
    ("[1, 2]", "not a list of records"),
    ("[]", "holds no records"),
    ('[{"iname": "王五"}]', "no case number"),
])
def test_bad_json_is_one_line(tmp_path, text, message):
    path = tmp_path / "list.json"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


# -- courts --------------------------------------------------------------------

def test_a_debtor_across_eight_courts_is_the_higher_courts_finding_and_no_bundle_spans_two(result):
    taifu = debtor(result, "泰富电气")
    assert taifu["n_courts"] == 8 and bool(taifu["cross_court"])
    assert taifu["courts"].split(";") == sorted(c[0] for c in COURTS)
    court = result.graph.cases.set_index("case_no")["court"]
    b = result.findings["bundles"]
    per = b.assign(court=b["case_no"].map(court)).groupby("bundle_id")["court"].nunique()
    assert len(per) >= 8 and (per == 1).all()
    assert result.summary["cross_court_debtors"] >= 1


def test_judges_of_a_court_get_only_its_cases(tmp_path, shixin):
    judges = tmp_path / "judges.csv"
    judges.write_text("法官,团队,容量,法院\n南岗甲,一组,,哈尔滨市南岗区人民法院\n罗湖乙,一组,,粤0303\n任意丙,一组,,\n",
                      encoding="utf-8")
    r = analyze(shixin, judges=judges)
    a = r.findings["assignments"].set_index("case_no")
    court = r.graph.cases.set_index("case_no")["court"]
    # 南岗甲 names the court, 罗湖乙 its code (粤0303, from the case numbers); 任意丙 takes any court's
    assert set(a.loc[a["judge"] == "南岗甲"].index.map(court)) <= {"哈尔滨市南岗区人民法院"}
    assert set(a.loc[a["judge"] == "罗湖乙"].index.map(court)) <= {"深圳市罗湖区人民法院"}
    assert (a["judge"] != "").all() and len(set(a["judge"])) >= 2
    others = a.index.map(court).isin(["哈尔滨市南岗区人民法院", "深圳市罗湖区人民法院"])
    assert (a.loc[~others, "judge"] == "任意丙").all()


# -- legal representatives and no applicants ----------------------------------------

def test_a_shared_legal_representative_is_a_finding_never_a_merge(result):
    s = result.findings["shared_representatives"]
    assert s["representative"].tolist() == ["杨天夫"]
    names = s.at[0, "names"].split(";")
    assert LOANS in names and any("泰富电气" in n for n in names) and s.at[0, "n_parties"] == len(names) >= 2
    parties = result.resolved.parties
    assert parties.loc[parties["name"] == LOANS, "party_id"].nunique() == 1
    assert not parties["name"].eq("杨天夫").any()  # a relation, not a party


def test_a_list_without_applicants_says_so_instead_of_zeros(result, shixin, tmp_path):
    s = result.summary
    assert s["repeat_applicants"] is None and s["offsets"] is None and "no applicants" in s["no_applicants"]
    done = subprocess.run([sys.executable, "-m", "casegraph.cli", "analyze", str(shixin), "--out", str(tmp_path / "o"),
                           "--no-workbook"], capture_output=True, text=True, env={**os.environ, "CASEGRAPH_SECRET":
                                                                                   "published lists for testing"})
    assert done.returncode == 0, done.stderr
    assert "repeat applicants" not in done.stdout.splitlines()[1]
    assert "the input names no applicants" in done.stdout
    written = json.loads((tmp_path / "o" / C.SUMMARY_FILE).read_text(encoding="utf-8"))
    assert written["repeat_applicants"] is None and written["no_applicants"]


def test_rejected_keeps_a_bad_row_with_its_control_characters_escaped(tmp_path):
    rows = shixin_rows()[:3]
    rows[1][7] = "（2018）黑0103执\x00x号"
    path = tmp_path / "list.csv"
    path.write_bytes(("\r\n".join([",".join(HEADERS)] + [",".join(r) for r in rows]) + "\r\n").encode("utf-8"))
    out = write_result(analyze(path), tmp_path / "out", report=False, workbook=False)
    raw = (out / "rejected.csv").read_bytes()
    assert b"\x00" not in raw and "<U+0000>".encode() in raw


# -- the engines agree ---------------------------------------------------------------

@pytest.fixture
def db(neo4j_server):
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def test_both_engines_find_the_same_in_a_list(shixin, db):
    embedded = analyze(shixin)
    graph_db = analyze(shixin, backend="neo4j", uri=db.uri)
    for name in C.FINDINGS:
        if name == "assignments":
            continue
        a, b = embedded.findings[name], graph_db.findings[name]
        cols = list(a.columns)
        assert list(b.columns) == cols, name
        pd.testing.assert_frame_equal(a.sort_values(cols).reset_index(drop=True),
                                      b.sort_values(cols).reset_index(drop=True), obj=name,
                                      check_dtype=bool(len(a) or len(b)))  # no rows: no text to type
    assert len(embedded.findings["shared_representatives"]) and len(embedded.findings["bundles"])
    routed = graph_db.findings["common_debtors"]
    assert routed.loc[routed["name"].str.contains("泰富电气"), "n_courts"].tolist() == [8]


def test_the_explorer_and_pictures_show_the_legal_representative(shixin, db):
    """Both engines: the party's details name its 法定代表人, and a picture
    draws that person beside the company, as a relation (never the party)."""
    from casegraph import pictures
    from casegraph.engines import open_engine
    from casegraph.pipeline import prepare

    _, resolved, graph = prepare(shixin)
    analyze(shixin, backend="neo4j", uri=db.uri)
    loans = resolved.parties.loc[resolved.parties["name"] == LOANS, "party_id"].iloc[0]
    for engine in (open_engine("embedded", graph, records=resolved.records), open_engine("neo4j", uri=db.uri)):
        assert engine.node(f"party:{loans}")["representatives"] == ["杨天夫"]
        g = engine.neighbourhood(party=loans, hops=1)
        assert g.nodes["rep:杨天夫"]["kind"] == "representative" and g.has_edge("rep:杨天夫", f"party:{loans}")
    g = pictures.neighbourhood(graph, party=loans, hops=1)
    view = pictures.node_view("rep:杨天夫", g.nodes["rep:杨天夫"])
    assert view["label"] == "杨天夫" and view["color"] == pictures.LOOKS["representative"].color


def test_a_list_loaded_in_two_parts_resolves_as_one(tmp_path, shixin, db):
    """The Neo4j load meets stored records by organisation code, code mask
    and masked name (touched.MEETS): the second half of a list joins the
    first half's debtors as the whole list at once would."""
    from casegraph import pipeline

    rows = shixin_rows()
    pipeline.load(db, write_shixin_csv(tmp_path / "first.csv", rows[::2]))
    later = analyze(shixin, backend="neo4j", uri=db.uri)
    at_once = analyze(shixin)
    cols = ["party_id", "name", "n_cases", "n_courts"]
    pd.testing.assert_frame_equal(later.findings["common_debtors"][cols].sort_values("party_id").reset_index(drop=True),
                                  at_once.findings["common_debtors"][cols].sort_values("party_id").reset_index(drop=True))
