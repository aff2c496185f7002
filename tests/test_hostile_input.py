"""Hostile and broken exports, each through `casegraph analyze`.

Every case ends one of two ways: a result, with every row of the export
either used or in rejected.csv (with a reason), or one line on stderr
(``casegraph: error: …``) and a non-zero exit with no result written. Never a
traceback, never a row silently lost. The corpus is made here, in tmp
folders: no binary fixtures in the repository.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from casegraph import contract as C
from casegraph.cli import main
from casegraph.normalise.clean import normalise
from casegraph.read import EXCEL_CELL_LIMIT, READ_ERROR, InputError, read_export
from handmade import CO_A, ZHANG

CASE_HEADER = ["案号", "立案日期", "案由", "申请执行标的金额", "案件状态", "承办法官"]
PARTY_HEADER = ["案号", "诉讼地位", "名称/姓名", "证件号码", "当事人类型"]


def no(i: int) -> str:
    return f"（2024）沪0113执{i}号"


def case_rows(n: int) -> list[list[str]]:
    return [[no(i), "2024-01-05", "民间借贷纠纷", str(1000 + i), "执行中", ""] for i in range(1, n + 1)]


def party_rows(n: int) -> list[list[str]]:
    """An applicant company and a debtor person per case (names that identify)."""
    rows = []
    for i in range(1, n + 1):
        rows += [[no(i), "申请执行人", f"上海甲{i}贸易有限公司", "", "法人"], [no(i), "被执行人", f"王{i}伟", "", "自然人"]]
    return rows


def lines(header: list[str], rows: list[list[str]], sep: str = ",") -> list[str]:
    return [sep.join(header)] + [sep.join(r) for r in rows]


def write_text(path: Path, text_lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(newline.join(text_lines).encode(encoding) + newline.encode(encoding))
    return path


def export(folder: Path, n_cases: int = 20, parties: list[str] | None = None, cases: list[str] | None = None,
           encoding: str = "utf-8") -> Path:
    """A CSV export; ``parties``/``cases`` are the files' lines when given."""
    write_text(folder / "cases.csv", cases or lines(CASE_HEADER, case_rows(n_cases)), encoding)
    write_text(folder / "parties.csv", parties or lines(PARTY_HEADER, party_rows(n_cases)), encoding)
    return folder


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path


def analyze(source: Path, out: Path, *args: str) -> Run:
    # Reasons in English, and no limit on rejections: these tests are about
    # each row's fate (test_ledger.py tests the language and the limit).
    res = CliRunner().invoke(main, ["analyze", str(source), "--out", str(out), "--lang", "en", "--max-rejected", "100",
                                    *args])
    # An exception CliRunner caught (not SystemExit) is one friendly() let through.
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return Run(res.exit_code, res.stdout, res.stderr, out)


def assert_stop(run: Run, *words: str) -> str:
    """One line, casegraph: error:, non-zero exit, nothing that looks like a result."""
    assert run.code != 0, run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    err = run.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("casegraph: error: "), run.stderr
    for w in words:
        assert w in err[0], err[0]
    assert not (run.out / C.SUMMARY_FILE).exists()
    return err[0]


def assert_result(run: Run, rows: dict[str, range | list[int]]) -> pd.DataFrame:
    """A whole result in which each row of ``rows`` (table -> the export's row
    numbers, as Excel shows them) is used or rejected, once; returns rejected."""
    assert run.code == 0, run.stderr
    assert run.stderr == "" and "Traceback" not in run.stdout
    summary = json.loads((run.out / C.SUMMARY_FILE).read_text(encoding="utf-8"))
    rejected = pd.read_csv(run.out / "rejected.csv", encoding=C.CSV_ENCODING, dtype=str, keep_default_na=False)
    records = pd.read_csv(run.out / "party_records.csv", encoding=C.CSV_ENCODING, dtype=str, keep_default_na=False)
    for table, expected in rows.items():
        expected = set(expected)
        gone = rejected.loc[rejected["source"] == table, "row"].astype(int)
        assert not gone.duplicated().any()
        assert set(gone) <= expected, set(gone) - expected
        assert summary["input_rows"][table] == len(expected)
        aside = summary["set_aside"]["parties"] if table == "parties" else 0  # other roles (第三人) are kept aside
        assert summary["accepted"][table] + summary["rejected"][table] + aside == len(expected)
        assert summary["rejected"][table] == len(gone)
        if table == "parties":  # used rows are listed one by one, and so are those set aside
            used = set(records["row"].astype(int))
            aside = set(pd.read_csv(run.out / "set_aside.csv", encoding=C.CSV_ENCODING, dtype=str)["row"].astype(int))
            assert used.isdisjoint(set(gone)) and aside.isdisjoint(used | set(gone))
            assert used | set(gone) | aside == expected
    assert (rejected["error"].str.len() <= 250).all() and (rejected["case_no"].str.len() <= 250).all()
    return rejected


def rows_of(n_cases: int) -> dict[str, range]:
    return {"cases": range(2, n_cases + 2), "parties": range(2, 2 * n_cases + 2)}


def errors(rejected: pd.DataFrame, table: str = "parties") -> dict[int, str]:
    r = rejected[rejected["source"] == table]
    return dict(zip(r["row"].astype(int), r["error"]))


# -- encodings -----------------------------------------------------------------

@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-8-sig", ","), ("gbk", ","), ("gb18030", ","),
                                          ("utf-16", "\t"), ("utf-16", ",")])
def test_encodings_court_systems_save(tmp_path, encoding, sep):
    """Excel's CSV UTF-8 has a BOM, Chinese Excel saves GBK, "Unicode text" is UTF-16 with tabs."""
    src = tmp_path / "export"
    write_text(src / "cases.csv", lines(CASE_HEADER, case_rows(20), sep), encoding)
    write_text(src / "parties.csv", lines(PARTY_HEADER, party_rows(20), sep), encoding, newline="\r\n")
    rejected = assert_result(analyze(src, tmp_path / "out"), rows_of(20))
    assert rejected.empty


@pytest.mark.parametrize("where", ["early", "past the first megabyte"])
def test_a_gbk_line_in_a_utf8_file_loses_that_row_only(tmp_path, where):
    n = 20 if where == "early" else 10_000
    rows = party_rows(n)
    bad = len(rows) - 3  # index into rows: row bad + 2 of the file
    text = lines(PARTY_HEADER, rows)
    body = b"\n".join(t.encode("gbk") if i == bad + 1 else t.encode("utf-8") for i, t in enumerate(text)) + b"\n"
    src = export(tmp_path / "export", n)
    (src / "parties.csv").write_bytes(body)
    if where != "early":
        assert body.index(text[bad + 1].encode("gbk")) > 1 << 20
    rejected = assert_result(analyze(src, tmp_path / "out"), rows_of(n))
    assert list(errors(rejected)) == [bad + 2] and "not UTF-8" in errors(rejected)[bad + 2]


def test_neither_utf8_nor_gbk_costs_every_row_and_so_stops(tmp_path):
    """Lines that are no text cost their rows (tests/test_trust.py); with every row gone, nothing is left."""
    src = export(tmp_path / "export")
    (src / "parties.csv").write_bytes("案号,诉讼地位,名称\n".encode() + b"\xff\xfe\xfa,\xff\xff,\x80\x80\n" * 3)
    assert_stop(analyze(src, tmp_path / "out"), "parties table", "neither UTF-8 nor GBK")


@pytest.mark.parametrize("content,words", [
    (b"", ["the file is empty"]),
    (b"\xef\xbb\xbf", ["the file is empty"]),
    (b"\n\n\n", ["the file is empty"]),
    (b"\xef\xbb\xbf\n,,,\n,,,\n", ["missing required column 'case_no'"]),
    ("案号,诉讼地位,名称/姓名\n".encode(), ["nothing to analyse", "parties table has no rows"]),
    ("案号,名称/姓名\n(2024)沪0113执1号,张三\n".encode(), ["missing required column 'role'"]),
])
def test_empty_files_and_missing_columns_stop(tmp_path, content, words):
    src = export(tmp_path / "export")
    (src / "parties.csv").write_bytes(content)
    assert_stop(analyze(src, tmp_path / "out"), *words)


def test_bom_and_chinese_headers_with_full_width_text(tmp_path):
    """Full-width digits, brackets, letters and spaces, as Chinese input methods type them."""
    full = str.maketrans("0123456789()", "０１２３４５６７８９（）")
    cases = ["\ufeff案　号,ｆｉｌｅｄ＿ｏｎ,案由,申请执行标的金额"]
    cases += [f"{no(i).translate(full)},２０２４年０１月０５日,民间借贷纠纷,１，０００．５０元" for i in range(1, 11)]
    parties = ["\ufeff案号 ,诉讼地位,名称／姓名,证件号码,当事人类型"]
    for i in range(1, 11):
        parties += [f"{no(i).translate(full)},申请执行人　,上海甲{i}贸易有限公司,{CO_A.lower()},法人",
                    f"〔2024〕沪0113执{i}号,被执行人,王　{i}　伟,{ZHANG.translate(full)},自然人　"]
    src = export(tmp_path / "export", cases=cases, parties=parties, encoding="utf-8")
    run = analyze(src, tmp_path / "out")
    assert assert_result(run, rows_of(10)).empty
    records = pd.read_csv(run.out / "party_records.csv", encoding=C.CSV_ENCODING, dtype=str)
    assert set(records["case_no"]) == {no(i) for i in range(1, 11)}
    names = records.loc[records["role"] == "debtor", "name"].str.replace(" ", "")
    assert set(names) == {f"王{i}伟" for i in range(1, 11)}


# -- broken CSV structure --------------------------------------------------------

def test_binary_file_named_csv_stops(tmp_path):
    src = export(tmp_path / "export")
    (src / "parties.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    assert_stop(analyze(src, tmp_path / "out"), "parties.csv", "binary")


def test_workbook_named_csv_stops_and_says_so(tmp_path):
    src = export(tmp_path / "export")
    pd.DataFrame({"案号": [no(1)]}).to_excel(src / "parties.csv", index=False, engine="openpyxl")
    assert_stop(analyze(src, tmp_path / "out"), "parties.csv", "Excel workbook")


def test_folder_named_csv_and_no_such_export_stop(tmp_path):
    src = export(tmp_path / "export")
    (src / "parties.csv").unlink()
    (src / "parties.csv").mkdir()
    assert_stop(analyze(src, tmp_path / "out"), "parties.csv", "cannot read")
    assert_stop(analyze(tmp_path / "nowhere", tmp_path / "out"), "no such file or folder")
    (tmp_path / "export.txt").write_text("x")
    assert_stop(analyze(tmp_path / "export.txt", tmp_path / "out"), "folder of CSV files or an .xlsx")


def test_trailing_comma_on_every_data_row_shifts_nothing(tmp_path):
    """pandas would take the first column for an index and shift every cell."""
    text = lines(PARTY_HEADER, party_rows(20))
    src = export(tmp_path / "export", parties=[text[0]] + [t + "," for t in text[1:]])
    run = analyze(src, tmp_path / "out")
    assert assert_result(run, rows_of(20)).empty
    records = pd.read_csv(run.out / "party_records.csv", encoding=C.CSV_ENCODING, dtype=str)
    assert set(records["case_no"]) == {no(i) for i in range(1, 21)}


def test_a_stray_cell_rejects_its_row_not_the_file(tmp_path):
    text = lines(PARTY_HEADER, party_rows(20))
    text[7] += ",多余"        # row 8
    text[30] += ",,"          # row 31: empty extra cells lose nothing
    src = export(tmp_path / "export", parties=text)
    rejected = assert_result(analyze(src, tmp_path / "out"), rows_of(20))
    assert list(errors(rejected)) == [8] and "6 cells but the header 5" in errors(rejected)[8]


def test_a_quote_never_closed_rejects_the_row_it_opens_in(tmp_path):
    text = lines(PARTY_HEADER, party_rows(20))
    text[38] = text[38].replace("王", '"王')  # row 39 of 41: rows 40-41 end up inside its cell
    src = export(tmp_path / "export", parties=text)
    rejected = assert_result(analyze(src, tmp_path / "out"), {"cases": range(2, 22), "parties": range(2, 40)})
    assert list(errors(rejected)) == [39]
    assert "never closed" in errors(rejected)[39] and "(2 lines)" in errors(rejected)[39]


def test_a_quote_closed_rows_later_rejects_the_row_that_swallowed_them(tmp_path):
    text = lines(PARTY_HEADER, party_rows(20))
    text[9] = text[9].replace("上海", '"上海')    # row 10 opens a quote ...
    text[13] = text[13].replace("上海", 'x"上海')  # ... row 14's stray quote closes it
    src = export(tmp_path / "export", parties=text)
    # rows 11-14 are inside row 10's cell: the file has 41 - 4 rows as Excel shows them
    rejected = assert_result(analyze(src, tmp_path / "out"), {"cases": range(2, 22), "parties": range(2, 38)})
    assert list(errors(rejected)) == [10] and "several lines" in errors(rejected)[10]


def test_a_cell_typed_on_two_lines_is_kept(tmp_path):
    """Alt+Enter in Excel, saved as CSV: a quoted cell with a line break is not a broken quote."""
    text = lines(PARTY_HEADER, party_rows(5))
    text[4] = text[4].replace("王2伟", '"王2伟\n（曾用名王二）"')
    src = export(tmp_path / "export", 5, parties=text)
    assert assert_result(analyze(src, tmp_path / "out"), rows_of(5)).empty


def test_title_line_above_the_header_blank_lines_and_crlf(tmp_path):
    rows = party_rows(10)
    text = ["执行案件当事人导出（2024年1月）", ""] + lines(PARTY_HEADER, rows[:5]) + ["", "   "] + \
        [",".join(r) for r in rows[5:9]] + [",".join([no(99), "被执行人", "李四", "", "自然人"])] + \
        [",".join(r) for r in rows[9:]] + ["", ""]
    write_text(tmp_path / "export" / "parties.csv", text, newline="\r\n")
    write_text(tmp_path / "export" / "cases.csv", lines(CASE_HEADER, case_rows(10)))
    # header in row 3; data rows 4-8, a blank row 9, row 10 of spaces (blank too), rows 11-14, the stray case 15,
    # rows 16-26
    used = list(range(4, 9)) + list(range(11, 27))
    rejected = assert_result(analyze(tmp_path / "export", tmp_path / "out"),
                             {"cases": range(2, 12), "parties": used})
    e = errors(rejected)
    assert list(e) == [15] and "not in the cases table" in e[15]


def test_very_long_cells(tmp_path):
    """A pasted page in a cell: rejected with a short reason, not copied into rejected.csv."""
    cases = lines(CASE_HEADER, case_rows(10))
    cases[3] = cases[3].replace("民间借贷纠纷", "民间借贷纠纷" + "备注" * 5000)  # 10,000 characters: fine
    cases[4] = cases[4].replace(no(4), "x" * 100_000)
    parties = lines(PARTY_HEADER, party_rows(10))
    parties[6] = parties[6].replace("王3伟", "王" * (EXCEL_CELL_LIMIT + 1))        # row 7
    parties[7] = parties[7].replace(no(4), no(4) + "号" * 5000)                   # row 8
    src = export(tmp_path / "export", cases=cases, parties=parties)
    rejected = assert_result(analyze(src, tmp_path / "out"), rows_of(10))
    assert list(errors(rejected, "cases")) == [5] and "longer than" in errors(rejected, "cases")[5]
    e = errors(rejected)
    assert "longer than" in e[7] and "malformed case number" in e[8] and e[8].endswith("…")
    assert "not in the cases table" in e[9]  # the other party of case 4, whose row 5 was rejected
    assert set(e) == {7, 8, 9}


def test_every_row_rejected_stops_with_the_first_reason(tmp_path):
    cases = [",".join(CASE_HEADER)] + [f"第{i}号,2024-01-05,民间借贷纠纷,100,," for i in range(5)]
    src = export(tmp_path / "export", cases=cases)
    assert_stop(analyze(src, tmp_path / "out"), "none of the 5 rows of the cases table", "row 2", "malformed case number")


# -- workbooks -------------------------------------------------------------------

def workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for m in (merges or {}).get(name, []):
            ws.merge_cells(m)
    wb.save(path)
    return path


def patch_sheet(path: Path, sheet_xml: str, edits: list[tuple[str, str]]) -> None:
    """Rewrite cells in a saved workbook (cached formula values, which only Excel writes)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[sheet_xml].decode()
    for old, new in edits:
        assert old in xml, old
        xml = xml.replace(old, new)
    parts[sheet_xml] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_workbook_with_merged_headers_merged_case_numbers_and_empty_rows(tmp_path):
    cases = [["执行案件信息导出", None, None, None], ["案号", "立案日期", "案由", "申请执行标的金额"]]
    cases += [r[:4] for r in case_rows(3)] + [[None] * 4] + [r[:4] for r in case_rows(5)[3:]] + [[None] * 4] * 3
    # Two header rows: 案号 and 诉讼地位 merged down, 当事人 over 名称 and 证件号码.
    parties = [["案号", "诉讼地位", "当事人", None, "当事人类型"], [None, None, "名称", "证件号码", None]]
    for i in range(1, 6):
        parties += [[no(i), "申请执行人", f"上海甲{i}贸易有限公司", None, "法人"], [None, "被执行人", f"王{i}伟", None, "自然人"]]
    parties += [[None] * 5, [None] * 5]
    merges = {"案件": ["A1:D1"], "当事人": ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]
              + [f"A{r}:A{r + 1}" for r in range(3, 13, 2)]}
    path = workbook(tmp_path / "export.xlsx", {"案件": cases, "当事人": parties}, merges)
    run = analyze(path, tmp_path / "out")
    rejected = assert_result(run, {"cases": [3, 4, 5, 7, 8], "parties": range(3, 13)})
    assert rejected.empty
    records = pd.read_csv(run.out / "party_records.csv", encoding=C.CSV_ENCODING, dtype=str)
    assert dict(zip(records["row"].astype(int), records["case_no"]))[4] == no(1)  # merged from row 3


def test_workbook_formulas(tmp_path):
    """Excel saves a formula with its value; a program may write the formula alone."""
    cases = [CASE_HEADER[:4] + ["备注"]] + [r[:4] + [None] for r in case_rows(6)]
    cases[1][3] = "=1000*2"   # row 2: calculated by Excel (cached below)
    cases[2][3] = "=1000*3"   # row 3: never calculated
    cases[3][3] = "=1/0"      # row 4: calculated, an error
    cases[4][4] = "=A5&\"\""  # row 5: never calculated, in a column casegraph does not read
    path = workbook(tmp_path / "export.xlsx", {"案件": cases, "当事人": [PARTY_HEADER] + party_rows(6)})
    patch_sheet(path, "xl/worksheets/sheet1.xml", [
        ('<c r="D2"><f>1000*2</f><v /></c>', '<c r="D2"><f>1000*2</f><v>2000</v></c>'),
        ('<c r="D4"><f>1/0</f><v /></c>', '<c r="D4" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
    ])
    run = analyze(path, tmp_path / "out")
    rejected = assert_result(run, {"cases": range(2, 8), "parties": range(2, 14)})
    e = errors(rejected, "cases")
    assert set(e) == {3, 4}
    assert "formula that was never calculated" in e[3] and "D3" in e[3]
    assert "Excel error #DIV/0!" in e[4]


def test_workbook_long_cell_is_rejected(tmp_path):
    parties = [PARTY_HEADER] + party_rows(3)
    parties[2][2] = "LONGCELL"  # openpyxl cuts what it writes at Excel's limit: put it in the XML
    path = workbook(tmp_path / "export.xlsx", {"cases": [CASE_HEADER] + case_rows(3), "parties": parties})
    patch_sheet(path, "xl/worksheets/sheet2.xml", [("LONGCELL", "王" * (EXCEL_CELL_LIMIT + 10))])
    rejected = assert_result(analyze(path, tmp_path / "out"), rows_of(3))
    assert list(errors(rejected)) == [3] and "longer than" in errors(rejected)[3]


@pytest.mark.parametrize("make,words", [
    (lambda p: workbook(p, {"案件": [CASE_HEADER] + case_rows(2)}), ["missing sheet 'parties'"]),
    (lambda p: workbook(p, {"案件": [CASE_HEADER] + case_rows(2), "当事人": [["案号", "名称"], [no(1), "张三"]]}),
     ["当事人", "missing required column 'role'"]),
    (lambda p: workbook(p, {"案件": [CASE_HEADER], "当事人": [PARTY_HEADER]}), ["nothing to analyse"]),
    (lambda p: p.write_bytes(workbook(p, {"案件": [CASE_HEADER]}).read_bytes()[:300]), ["not a readable .xlsx"]),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)), ["not a readable .xlsx"]),
    (lambda p: p.write_bytes(b""), ["not a readable .xlsx"]),
])
def test_broken_workbooks_stop(tmp_path, make, words):
    path = tmp_path / "export.xlsx"
    make(path)
    assert_stop(analyze(path, tmp_path / "out"), *words)


def test_judges_workbook_of_one_sheet(tmp_path):
    src = export(tmp_path / "export")
    judges = workbook(tmp_path / "judges.xlsx", {"Sheet1": [["法官", "团队", "容量"], ["张法官", "一组", 50], ["李法官", "一组", "abc"]]})
    run = analyze(src, tmp_path / "out", "--judges", str(judges))
    rejected = assert_result(run, rows_of(20))
    assert list(errors(rejected, "judges")) == [3]
    assert (run.out / "assignments.csv").exists()


# -- a million rows, one broken line near the end ---------------------------------------

def test_a_million_rows_with_one_broken_line_near_the_end(tmp_path):
    """The fast reader refuses the file; the careful one keeps all but that row.

    20,000 cases of 50 party rows: an applicant, four debtors and 45 third
    parties (第三人: set aside, cheaply), so that the run is about reading and
    accounting, not about resolving a million people.
    Through a real process: what a clerk's terminal would show.
    """
    src = tmp_path / "export"
    n_cases, per = 20_000, 50
    write_text(src / "cases.csv", lines(CASE_HEADER, case_rows(n_cases)))
    bad_row = n_cases * per - 7  # the file's row number
    with open(src / "parties.csv", "w", encoding="utf-8", newline="") as f:
        f.write(",".join(PARTY_HEADER) + "\n")
        row = 1
        for i in range(1, n_cases + 1):
            for j in range(per):
                row += 1
                role = "申请执行人" if j == 0 else "被执行人" if j < 5 else "第三人"
                extra = ",多余的一格" if row == bad_row else ""
                f.write(f"{no(i)},{role},王{i}之{j},,自然人{extra}\n")
    assert row == n_cases * per + 1
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "casegraph.cli", "analyze", str(src), "--out", str(tmp_path / "out"),
                           "--lang", "en"], capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - t
    run = Run(proc.returncode, proc.stdout, proc.stderr, tmp_path / "out")
    rejected = assert_result(run, {"cases": range(2, n_cases + 2), "parties": range(2, n_cases * per + 2)})
    e = errors(rejected)
    assert "6 cells but the header 5" in e.pop(bad_row) and not e
    aside = pd.read_csv(run.out / "set_aside.csv", encoding=C.CSV_ENCODING, dtype=str)
    assert len(aside) == n_cases * 45 - 1 and set(aside["role"]) == {"第三人"}  # the broken row was a third party's
    print(f"1,000,000 party rows with a broken line: {seconds:.0f} s")


# -- the library under random input ---------------------------------------------------

cells = st.one_of(st.sampled_from([no(1), no(2), "申请执行人", "被执行人", "张三", "", '"', '""', ",", "\n", "\r\n",
                                   " ", "\ufeff", "　", "（", "x" * 300]), st.text(max_size=8))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.one_of(st.lists(st.lists(cells, max_size=7), max_size=12).map(
    lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")), st.binary(max_size=300)),
       encoding=st.sampled_from(["utf-8", "gbk-ish", "raw"]))
def test_any_parties_file_is_read_or_stops_cleanly(tmp_path_factory, body, encoding):
    """Whatever parties.csv holds: an InputError, or every row it has used or rejected."""
    src = tmp_path_factory.mktemp("fuzz")
    export(src, 2)
    head = ",".join(PARTY_HEADER).encode("utf-8") + b"\n"
    if encoding == "gbk-ish":
        body = body.decode("utf-8", errors="replace").encode("gb18030", errors="replace")
    (src / "parties.csv").write_bytes(body if encoding == "raw" else head + body)
    try:
        tables = read_export(src)
        clean = normalise(tables)
    except InputError as e:
        assert "\n" not in str(e)
        return
    parties = tables["parties"]
    gone = clean.rejected[clean.rejected["source"] == "parties"]
    assert len(clean.parties) + len(gone) + len(clean.set_aside) == len(parties)
    assert set(clean.parties["row"]) | set(gone["row"]) | set(clean.set_aside["row"]) == set(parties["row"])
    assert READ_ERROR not in clean.parties


def test_one_real_process_prints_one_line(tmp_path):
    """Outside CliRunner too: nothing else (a library's warning, say) reaches stderr."""
    src = export(tmp_path / "export")
    (src / "parties.csv").write_bytes(b"\x00\x01")
    proc = subprocess.run([sys.executable, "-m", "casegraph.cli", "analyze", str(src), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("casegraph: error: ")
