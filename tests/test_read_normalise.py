import pandas as pd
import pytest

from casegraph.normalise.clean import normalise
from casegraph.read import InputError, read_export
from handmade import ZHANG, case, party, write_export

CASES = [case("(2024)沪0113执1号"), case("（2024）沪0113执2号", amount="")]
PARTIES = [party("（2024）沪0113执1号", "申请执行人", "张三", ZHANG), party("(2024)沪0113执1号", "被执行人", "上海甲有限公司")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings(tmp_path, encoding):
    t = read_export(write_export(tmp_path, CASES, PARTIES, encoding=encoding))
    assert t["parties"]["name"].tolist() == ["张三", "上海甲有限公司"]


def test_chinese_headers_and_file_names(tmp_path):
    (tmp_path / "案件.csv").write_text("案号,立案日期,案由,申请执行标的金额,案件状态,承办法官\n(2024)沪0113执1号,2024-01-05,民间借贷纠纷,100,,\n", encoding="gbk")
    (tmp_path / "当事人.csv").write_text("案号,诉讼地位,名称/姓名,证件号码,当事人类型\n(2024)沪0113执1号,申请执行人,张三,,自然人\n", encoding="utf-8-sig")
    t = read_export(tmp_path)
    assert t["cases"]["amount"].tolist() == ["100"] and t["parties"]["role"].tolist() == ["申请执行人"]


def test_workbook_with_chinese_sheets_and_title_row(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as xw:
        cases = pd.DataFrame([["执行案件导出", "", ""], ["案号", "案由", "申请执行标的金额"], ["(2024)沪0113执1号", "民间借贷纠纷", "100"],
                              ["", "", ""]])
        cases.to_excel(xw, sheet_name="案件", index=False, header=False)
        pd.DataFrame({"案号": ["(2024)沪0113执1号"], "诉讼地位": ["被执行人"], "名称": ["李四"]}).to_excel(xw, sheet_name="当事人", index=False)
    t = read_export(path)
    assert t["cases"]["case_no"].tolist() == ["(2024)沪0113执1号"]
    assert t["cases"]["row"].tolist() == [3]
    assert t["parties"]["name"].tolist() == ["李四"]


def test_workbook_missing_sheet(tmp_path):
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"案号": ["x"]}).to_excel(path, sheet_name="案件", index=False)
    with pytest.raises(InputError, match="missing sheet 'parties'"):
        read_export(path)


def test_missing_file_and_column(tmp_path):
    write_export(tmp_path, CASES, PARTIES)
    (tmp_path / "parties.csv").unlink()
    with pytest.raises(InputError, match="missing file parties.csv"):
        read_export(tmp_path)
    (tmp_path / "parties.csv").write_text("case_no,name\nx,y\n")
    with pytest.raises(InputError, match="missing required column 'role'"):
        read_export(tmp_path)


def test_bad_rows_are_rejected_with_reasons_and_the_rest_goes_on(tmp_path):
    cases = [case("(2024)沪0113执1号"), case("nonsense"), case("(2024)沪0113执2号", filed_on="2024-02-30"),
             case("(2024)沪0113执3号", amount="-1"), case("(2024)沪0113执4号", amount="lots"),
             case("(2024)沪0113执5号", amount="100"), case("（2024）沪0113执5号", amount="200"),
             case("(2024)沪0113执6号", amount="1,234.50元"), case("（2024）沪0113执6号", amount="1,234.50元")]
    parties = [party("(2024)沪0113执1号", "申请执行人", "张三"), party("(2024)沪0113执9号", "被执行人", "李四"),
               party("(2024)沪0113执1号", "证人", "王五"), party("(2024)沪0113执6号", "被执行人", "")]
    clean = normalise(read_export(write_export(tmp_path, cases, parties)))
    errors = dict(zip(clean.rejected["row"].astype(str) + clean.rejected["source"], clean.rejected["error"]))
    assert "malformed case number" in errors["3cases"]
    assert "impossible filing date" in errors["4cases"]
    assert "twice with different content" in errors["7cases"] and "twice with different content" in errors["8cases"]
    assert "not in the cases table" in errors["3parties"]
    assert "unknown role" in errors["4parties"]
    assert "no name" in errors["5parties"]
    # An amount that cannot be read costs the case only its amount: a warning names the cell.
    assert clean.cases["case_no"].tolist() == ["（2024）沪0113执1号", "（2024）沪0113执3号", "（2024）沪0113执4号",
                                               "（2024）沪0113执6号"]
    assert clean.cases["amount"].iloc[1:3].isna().all()
    assert clean.cases["amount"].tolist()[3] == 1234.5
    w = clean.warnings.set_index("row")
    assert w.loc[5, ["field", "value", "sheet", "column", "cell"]].tolist() == ["amount", "-1", "cases.csv", "amount", "D5"]
    assert w.loc[6, "value"] == "lots" and "non-negative" in w.loc[6, "warning"]
    # Where each rejected row sits: file, column header, cell.
    r = clean.rejected.set_index(clean.rejected["row"].astype(str) + clean.rejected["source"])
    assert r.loc["3cases", ["sheet", "column", "cell"]].tolist() == ["cases.csv", "case_no", "A3"]
    assert r.loc["4cases", "cell"] == "B4" and r.loc["4parties", "cell"] == "B4" and r.loc["7cases", "cell"] == ""
    # nothing silently lost: every input row is used or rejected
    assert len(clean.cases) + (clean.rejected["source"] == "cases").sum() == len(cases) - 1  # identical duplicate


def test_invalid_id_is_a_warning_with_the_id_masked(tmp_path):
    bad = ZHANG[:-1] + ("1" if ZHANG[-1] != "1" else "2")
    clean = normalise(read_export(write_export(tmp_path, CASES, [party("(2024)沪0113执1号", "被执行人", "张三", bad)])))
    assert len(clean.parties) == 1
    w = clean.warnings.iloc[0]
    assert "check character" in w["warning"] and bad not in w["value"] and w["value"].startswith(bad[:6])
