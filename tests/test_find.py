"""Each finding on a network small enough to draw on paper."""
import pandas as pd
import pytest

from casegraph import contract as C
from casegraph.cells import content_id
from casegraph.errors import InputError
from casegraph.find.embedded import bundles, common_debtors, find_all, offsets, repeat_applicants, shared_assets
from casegraph.graph import from_rows
from handmade import BANK, CO_A, CO_B, CO_C, LI, WANG, ZHANG, combine, court, debt, graph_of, rid

Z, W, L = ("张三", ZHANG), ("王五", WANG), ("李四", LI)
A, B, Cc = ("上海甲有限公司", CO_A), ("上海乙有限公司", CO_B), ("上海丙有限公司", CO_C)


def no(i):
    return f"（2024）沪0113执{i}号"


def graph(tmp_path, *debts, assets=(), options=None):
    cases, parties = combine(*debts)
    return graph_of(tmp_path, cases, parties, assets, options=options)[2]


def test_repeat_applicant_and_the_pair_that_comes_back(tmp_path):
    g = graph(tmp_path, debt(no(1), Z, W, cause="抚养费纠纷"), debt(no(2), Z, W, cause="抚养费纠纷"),
              debt(no(3), Z, L), debt(no(4), W, L))
    r = repeat_applicants(g)
    assert len(r) == 1
    row = r.iloc[0]
    assert (row["name"], row["n_cases"], row["n_debtors"]) == ("张三", 3, 2)
    assert row["case_nos"] == C.LIST_SEP.join([no(1), no(2), no(3)])
    wang_id = g.parties.set_index("name").at["王五", "party_id"]
    assert row["repeat_pairs"] == f"{wang_id}×2"


def test_common_debtor_counts_amounts_and_no_property_cases(tmp_path):
    g = graph(tmp_path, debt(no(1), Z, A, amount="100", status="终结本次执行"), debt(no(2), W, A, amount="250.5"),
              debt(no(3), L, A, amount="", cause="探望权纠纷", status="终本"), debt(no(4), Z, B))
    d = common_debtors(g)
    assert d["name"].tolist() == ["上海甲有限公司"]
    row = d.iloc[0]
    assert (row["n_cases"], row["n_applicants"], row["total_amount"], row["n_no_property"]) == (3, 3, 350.5, 2)


def test_bilateral_offset_sums_each_direction(tmp_path):
    g = graph(tmp_path, debt(no(1), A, B, amount="100"), debt(no(2), A, B, amount="50"), debt(no(3), B, A, amount="120"))
    o = offsets(g)
    assert o["kind"].tolist() == ["bilateral"]
    assert o.iloc[0]["amount"] == 120
    assert o.iloc[0]["case_nos"] == C.LIST_SEP.join([no(1), no(2), no(3)])


def test_personal_and_non_money_cases_are_never_offsets(tmp_path):
    g = graph(tmp_path, debt(no(1), Z, W, cause="抚养费纠纷", amount="300"), debt(no(2), W, Z, amount="500"),
              debt(no(3), L, Z, cause="探望权纠纷", amount=""), debt(no(4), Z, L, amount="10"),
              debt(no(5), A, B, amount=""), debt(no(6), B, A, amount="10"))
    assert offsets(g).empty


def test_cycle_of_three_and_its_smallest_debt(tmp_path):
    # A owes B owes C owes A: B applies against A, C against B, A against C.
    g = graph(tmp_path, debt(no(1), B, A, amount="300"), debt(no(2), Cc, B, amount="200"), debt(no(3), A, Cc, amount="400"))
    o = offsets(g)
    assert o["kind"].tolist() == ["multilateral"]
    assert o.iloc[0]["amount"] == 200
    assert "agreement" in o.iloc[0]["note"]
    ids = g.parties.set_index("name")["party_id"]
    order = o.iloc[0]["parties"].split(C.LIST_SEP)
    chain = [ids["上海甲有限公司"], ids["上海乙有限公司"], ids["上海丙有限公司"]]
    i = chain.index(min(chain))
    assert order == chain[i:] + chain[:i]


def test_chain_without_return_is_no_cycle(tmp_path):
    g = graph(tmp_path, debt(no(1), B, A), debt(no(2), Cc, B), debt(no(3), Z, Cc))
    assert offsets(g).empty


def test_shared_asset(tmp_path):
    assets = [{"case_no": no(1), "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"},
              {"case_no": no(2), "asset_id": "沪A 12345", "asset_type": "车辆", "action": "扣押"},
              {"case_no": no(3), "asset_id": "沪B00001", "asset_type": "车辆", "action": "查封"}]
    g = graph(tmp_path, debt(no(1), Z, W), debt(no(2), L, A), debt(no(3), B, Cc), assets=assets)
    s = shared_assets(g)
    assert s[["asset_id", "n_cases"]].values.tolist() == [["沪A12345", 2]]
    b = bundles(g)
    assert set(b["case_no"]) == {no(1), no(2)} and b["reasons"].tolist() == ["asset:沪A12345"] * 2


def test_bundles_join_through_any_role_and_ids_are_stable(tmp_path):
    g = graph(tmp_path, debt(no(1), Z, W), debt(no(2), W, L), debt(no(3), A, B), debt(no(4), Cc, ("孙七", rid("31011319900101555"))))
    b = bundles(g)
    assert sorted(b["case_no"]) == [no(1), no(2)]
    assert b["bundle_id"].nunique() == 1
    again = bundles(graph(tmp_path / "again", debt(no(2), W, L), debt(no(1), Z, W)))
    assert again["bundle_id"].iloc[0] == b["bundle_id"].iloc[0]


def test_mass_applicant_does_not_make_one_giant_bundle(tmp_path):
    bank = ("某银行股份有限公司上海分行", BANK)
    debts = [debt(no(i), bank, (f"借款人{i}", rid(f"3101131980010{i:04d}"))) for i in range(1, 5)]
    g = graph(tmp_path, *debts, options=C.Options(hub_threshold=3))
    assert bundles(g).empty
    r = repeat_applicants(g)
    assert r["mass_applicant"].tolist() == [True] and r["n_cases"].tolist() == [4]
    # below the threshold the same cases are one bundle
    g = graph(tmp_path / "low", *debts, options=C.Options(hub_threshold=4))
    assert bundles(g)["bundle_id"].nunique() == 1


def test_unidentified_namesakes_do_not_bundle(tmp_path):
    g = graph(tmp_path, debt(no(1), ("王伟", ""), A), debt(no(2), ("王伟", ""), B))
    assert bundles(g).empty


# ------------------------------------------------- a court drawn in memory
def noisy_court():
    """Every kind of finding, typed as a clerk types: brackets, a lower-case
    x, an old 15-digit ID, a company row without its code, amounts with
    commas, a plate with a space; plus a judge and the minors team."""
    x_id = rid("31011319820202100")
    assert x_id.endswith("X")
    cases, parties = combine(
        debt("(2024)沪0113执1号", ("张三", x_id), ("王五", WANG), amount="1,000", cause="抚养费纠纷", judge="许法官"),
        debt("（2024）沪0113执2号", ("张三", x_id.lower()), ("王五", WANG[:6] + WANG[8:17]), amount="2000",
             cause="抚养费纠纷", status="终结本次执行"),
        debt("〔2024〕沪0113执3号", A, B, amount="300"),
        debt("（2024）沪0113执4号", ("上海乙有限公司", ""), A, amount="120.50"),
        debt("（2024）沪0113执5号", Cc, ("上海甲有限公司", ""), amount="50"),
        debt("（2024）沪0113执6号", B, Cc, amount="80"),
        debt("（2024）沪0113执7号", L, ("王伟", ""), amount=""),
        debt("（2024）沪0113执8号", ("上海丁有限公司", ""), ("王伟", ""), amount="900"),  # a candidate for review
    )
    for p in parties:  # two debtor companies under one legal representative (关联企业)
        if p["role"] == "被执行人" and p["name"] in (B[0], Cc[0]):
            p["representative"] = "陈 建国"
    return (cases, parties), [{"case_no": "（2024）沪0113执3号", "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"},
        {"case_no": "（2024）沪0113执7号", "asset_id": "沪A 12345", "asset_type": "车辆", "action": "扣押"}], [
        {"judge": "许法官", "team": "涉未成年人", "capacity": "30"}, {"judge": "李法官", "team": "执行一组", "capacity": ""}]


def test_a_court_drawn_in_memory_is_the_court_its_export_gives(tmp_path):
    (cases, parties), assets, judges = noisy_court()
    exported = graph_of(tmp_path, cases, parties, assets, judges)[2]
    drawn = from_rows(cases, parties, assets, judges)
    for table in ("cases", "roles", "assets", "parties", "judges"):  # row numbers aside: a file has a header row
        pd.testing.assert_frame_equal(getattr(drawn, table).drop(columns="row", errors="ignore"),
                                      getattr(exported, table).drop(columns="row", errors="ignore"), obj=table)
    found, expected = find_all(drawn), find_all(exported)
    assert all(len(expected[name]) for name in expected), {name: len(rows) for name, rows in expected.items()}
    for name in expected:
        pd.testing.assert_frame_equal(found[name], expected[name], obj=name)


def test_rows_as_tuples_or_under_chinese_headers_are_the_same_court(tmp_path):
    (cases, parties), assets, judges = noisy_court()
    as_dicts = from_rows(cases, parties, assets, judges)
    chinese = {"case_no": "案号", "cause": "案由", "amount": "申请执行标的", "status": "案件状态", "judge": "承办法官",
               "filed_on": "立案日期", "role": "诉讼地位", "name": "当事人名称", "id_no": "证件号码", "kind": "当事人类型",
               "representative": "法定代表人"}
    as_tuples = from_rows(
        [(c["case_no"], c["cause"], c["amount"], c["status"], c["judge"], c["filed_on"]) for c in cases],
        [{chinese[k]: v for k, v in p.items()} for p in parties],
        [tuple(a.values()) for a in assets], [(j["judge"], j["team"], j["capacity"] or None) for j in judges])
    for table in ("cases", "roles", "assets", "parties", "judges"):
        pd.testing.assert_frame_equal(getattr(as_tuples, table), getattr(as_dicts, table), obj=table)


def test_trailing_fields_may_be_left_off_and_numbers_typed_as_numbers():
    g = from_rows([("（2024）沪0113执1号", "民间借贷纠纷", 1234.5), ("（2024）沪0113执2号",)],
                  [("（2024）沪0113执1号", "申请执行人", "上海甲有限公司"), ("（2024）沪0113执2号", "被执行人", "张某")])
    assert g.cases.set_index("case_no")["amount"].to_dict() == pytest.approx(
        {"（2024）沪0113执1号": 1234.5, "（2024）沪0113执2号": float("nan")}, nan_ok=True)
    assert g.parties.set_index("name")["kind"].to_dict() == {"上海甲有限公司": C.LEGAL, "张某": C.PERSON}
    assert court(debt(no(1), Z, W), debt(no(2), W, L)).cases["case_no"].tolist() == [no(1), no(2)]


@pytest.mark.parametrize("cases, parties, message", [
    ([(no(1), "民间借贷纠纷", 10, "执行中", "", "2024-01-05", "extra")], [(no(1), "申请执行人", "张三")],
     "cases[0]: 7 fields, at most 6 (case_no, cause, amount, status, judge, filed_on)"),
    ([{"案号": no(1), "标的": 10}], [(no(1), "申请执行人", "张三")], "cases[0]: no column '标的'"),
    ([(no(1),), (no(2), "民间借贷纠纷", 10), (no(2), "民间借贷纠纷", 20)], [(no(1), "申请执行人", "张三")],
     "cases[1]: case number appears twice with different content"),
    ([(no(1),), (no(2), "民间借贷纠纷", 10, "", "", "2024-02-30")], [(no(1), "申请执行人", "张三")],
     "cases[1]: impossible filing date '2024-02-30'"),
    ([(no(1),), (no(2),)], [(no(1), "申请执行人", "张三"), (no(2), "原告", "李四")], "parties[1]: unknown role '原告'"),
    ([(no(1),)], [], "nothing to analyse: the parties table has no rows"),
])
def test_a_row_an_export_would_reject_stops_the_drawing_with_its_reason(cases, parties, message):
    with pytest.raises(InputError) as e:
        from_rows(cases, parties)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


# -- finishing: one place for both engines ------------------------------------------

def test_lists_from_neo4j_and_cells_from_pandas_finish_the_same():
    """Neo4j's collect() gives lists in any order with repeats and numbers as
    Python objects; the embedded engine gives joined cells and numpy numbers.
    Finished, they are the same table."""
    import pandas as pd

    from casegraph.find import finish

    lists = pd.DataFrame({"party_id": ["P2", "P1"], "name": ["李四", "张三"], "kind": ["自然人", "自然人"],
                          "n_cases": pd.Series([2, 3], dtype=object), "n_applicants": pd.Series([1, 2], dtype=object),
                          "total_amount": pd.Series([100.004, 2000.5], dtype=object),
                          "n_no_property": pd.Series([0, 1], dtype=object),
                          "case_nos": [[no(5), no(4), no(5)], [no(3), no(1), no(2)]]})
    joined = lists.assign(n_cases=[2, 3], n_applicants=[1, 2], total_amount=[100.004, 2000.5], n_no_property=[0, 1],
                          case_nos=[f"{no(4)};{no(5)}", f"{no(1)};{no(2)};{no(3)}"])
    a, b = finish.common_debtors(lists), finish.common_debtors(joined)
    assert list(a.columns) == list(C.OUTPUTS["common_debtors"].columns)
    assert a.equals(b)
    assert a["party_id"].tolist() == ["P1", "P2"]  # most cases first
    assert a["total_amount"].tolist() == [2000.5, 100.0] and a["n_cases"].dtype == "int64"
    assert a.at[1, "case_nos"] == f"{no(4)};{no(5)}"


def test_offset_ids_come_from_content_and_parties_keep_their_order():
    import pandas as pd

    from casegraph.find import finish

    cycle = pd.DataFrame({"parties": [["A", "C", "B"]], "case_nos": [[no(3), no(1), no(2), no(1)]], "amount": [10]})
    back = pd.DataFrame({"parties": [["A", "B", "C"]], "case_nos": [[no(1), no(2), no(3)]], "amount": [10]})
    one, other = finish.offset_cycles(cycle), finish.offset_cycles(back)
    assert one.at[0, "parties"] == "A;C;B" and one.at[0, "case_nos"] == ";".join([no(1), no(2), no(3)])
    assert one.at[0, "offset_id"] != other.at[0, "offset_id"]  # the same cases, the other way round
    pair = finish.bilateral_offsets(pd.DataFrame({"parties": [["A", "B"]], "case_nos": [[no(2), no(1)]],
                                                  "amount": [5.554]}))
    both = finish.offsets(pair, one)
    assert both["kind"].tolist() == ["bilateral", "multilateral"]
    assert both.at[0, "note"] == finish.BILATERAL_NOTE and both.at[1, "note"] == finish.MULTILATERAL_NOTE
    assert both.at[0, "offset_id"] == content_id("O", f"{no(1)};{no(2)}")  # a pair is known by its cases
    assert both.at[0, "amount"] == 5.55


def test_nothing_found_is_the_files_columns_and_no_row():
    import pandas as pd

    from casegraph.find import finish

    for name in ("repeat_applicants", "common_debtors", "shared_assets"):
        out = getattr(finish, name)(pd.DataFrame())
        assert list(out.columns) == list(C.OUTPUTS[name].columns) and out.empty, name
    empty = finish.offsets(finish.bilateral_offsets(pd.DataFrame()), finish.offset_cycles(pd.DataFrame()))
    assert list(empty.columns) == list(C.OUTPUTS["offsets"].columns) and empty.empty
    assert finish.bundles_from_links(pd.DataFrame(columns=["case_no", "link"])).empty
    assert list(finish.related_cases(pd.DataFrame()).columns) == ["case_no", "via"]
