"""Each resolution rule and each decoy, on exports small enough to draw."""
from handmade import CO_A, CO_B, LI, WANG, WANG_WEI_1, WANG_WEI_2, ZHANG, case, graph_of, mask, party

N1, N2, N3 = "（2024）沪0113执1号", "（2024）沪0113执2号", "（2024）沪0113执3号"
CASES = [case(N1), case(N2), case(N3)]


def parties_of(tmp_path, parties):
    _, resolved, _ = graph_of(tmp_path, CASES, parties)
    return resolved.records.sort_values("row").reset_index(drop=True)


def test_same_id_in_every_noisy_spelling_is_one_party(tmp_path):
    old15 = ZHANG[:6] + ZHANG[8:17]
    r = parties_of(tmp_path, [party(N1, "被执行人", "张三", ZHANG.lower()), party(N2, "被执行人", "张 三", old15),
                              party(N3, "被执行人", "张三", " ".join(ZHANG))])
    assert r["party_id"].nunique() == 1
    assert set(r["rule"]) == {"same_resident_id"}
    assert r["key"].iloc[0] == "id:" + mask(ZHANG)


def test_common_name_with_different_ids_stays_apart(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "王伟", WANG_WEI_1), party(N2, "被执行人", "王伟", WANG_WEI_2)])
    assert r["party_id"].nunique() == 2


def test_persons_without_id_never_merge_by_name(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "王伟"), party(N2, "被执行人", "王伟"),
                              party(N3, "被执行人", "张某")])
    assert r["party_id"].nunique() == 3
    assert set(r["rule"]) == {"unidentified"}


def test_anonymised_names_never_merge(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "张某"), party(N2, "被执行人", "张某")])
    assert r["party_id"].nunique() == 2


def test_org_without_code_joins_the_one_coded_org_of_that_name(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "上海甲（集团）有限公司", CO_A),
                              party(N2, "申请执行人", "上海甲(集团)有限公司"),
                              party(N3, "申请执行人", "上海甲 (集团) 有限公司", "")])
    assert r["party_id"].nunique() == 1
    assert r["rule"].tolist() == ["same_credit_code", "org_name_of_one_code", "org_name_of_one_code"]


def test_org_name_carried_by_two_codes_is_not_guessed(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "上海甲有限公司", CO_A), party(N2, "被执行人", "上海甲有限公司", CO_B),
                              party(N3, "申请执行人", "上海甲有限公司")])
    assert r["party_id"].nunique() == 3
    assert r["rule"].iloc[2] == "same_org_name"


def test_orgs_without_any_code_match_on_name(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "上海丙有限公司"), party(N2, "申请执行人", "上海丙有限公司")])
    assert r["party_id"].nunique() == 1 and set(r["rule"]) == {"same_org_name"}


def test_masked_id_joins_only_when_visible_characters_agree(tmp_path):
    agree = mask(ZHANG)
    disagree = ZHANG[:6] + "********" + ("0000" if ZHANG[-4:] != "0000" else "1111")
    r = parties_of(tmp_path, [party(N1, "被执行人", "张三", ZHANG), party(N2, "被执行人", "张三", agree),
                              party(N3, "被执行人", "张三", disagree)])
    assert r["party_id"].iloc[0] == r["party_id"].iloc[1] != r["party_id"].iloc[2]
    assert r["rule"].tolist() == ["same_resident_id", "masked_id_and_name", "unidentified"]


def test_masked_id_with_another_name_does_not_join(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "张三", ZHANG), party(N2, "被执行人", "李四", mask(ZHANG))])
    assert r["party_id"].nunique() == 2


def test_no_full_id_in_party_ids_or_keys(tmp_path):
    r = parties_of(tmp_path, [party(N1, "被执行人", "张三", ZHANG), party(N2, "被执行人", "上海甲有限公司", CO_A)])
    text = " ".join(r["party_id"]) + " ".join(r["key"]) + " ".join(r["id_masked"])
    assert ZHANG not in text and CO_A not in text


def test_masks_that_cannot_be_verified_never_join(tmp_path):
    # Only the first 6 and last 4 characters of a full ID are kept, so a mask
    # showing its birth date cannot be checked: it stays apart, right or wrong.
    birth_only = "******" + ZHANG[6:14] + "****"
    wrong_birth = "******" + "19500101" + "****"
    r = parties_of(tmp_path, [party(N1, "被执行人", "张三", ZHANG), party(N2, "被执行人", "张三", birth_only),
                              party(N3, "被执行人", "张三", wrong_birth)])
    assert r["rule"].tolist() == ["same_resident_id", "unidentified", "unidentified"]


# -- the repeat pair (same_name_pair) ------------------------------------------------

from casegraph import contract as C  # noqa: E402
from casegraph.graph import from_rows  # noqa: E402
from casegraph.resolve import RULES, rules_for  # noqa: E402

SH = "（2024）沪0113执{}号".format
BJ = "（2024）京0105执{}号".format


def records_of(cases, parties, options=None):
    g = from_rows(cases, parties, options=options)
    return g.resolved.records.reset_index(drop=True)


def pair_cases(no, applicant, debtor, n, cause="抚养费纠纷", start=1):
    """n cases of ``applicant`` against ``debtor`` (each (name,) or (name, id))."""
    cases = [(no(start + i), cause, 6000) for i in range(n)]
    parties = [row for i in range(n) for row in ((no(start + i), "申请执行人", *applicant),
                                                  (no(start + i), "被执行人", *debtor))]
    return cases, parties


def ids_of(r, name, role=None):
    rows = r[(r["name"] == name) & ((r["role"] == role) if role else True)]
    return rows["party_id"].nunique(), set(rows["rule"])


def test_a_repeat_pair_without_ids_is_one_pair_and_says_why():
    r = records_of(*pair_cases(SH, ("李娜",), ("王强",), 3))
    assert ids_of(r, "李娜") == (1, {"same_name_pair"}) and ids_of(r, "王强") == (1, {"same_name_pair"})
    assert set(r.loc[r["name"] == "李娜", "key"]) == {"沪0113|李娜|王强"}


def test_the_debtor_pursued_again_by_the_same_creditor_is_one_debtor():
    cases, parties = pair_cases(SH, ("上海甲有限公司", CO_A), ("王强",), 2, cause="买卖合同纠纷")
    r = records_of(cases, parties)
    assert ids_of(r, "王强") == (1, {"same_name_pair"})
    assert r.loc[r["name"] == "王强", "key"].iloc[0] == "沪0113|王强|上海甲有限公司|P" + r.loc[
        r["name"] == "上海甲有限公司", "party_id"].iloc[0][1:]


def test_the_same_names_in_two_courts_stay_apart():
    c1, p1 = pair_cases(SH, ("李娜",), ("王强",), 1)
    c2, p2 = pair_cases(BJ, ("李娜",), ("王强",), 1, start=2)
    r = records_of(c1 + c2, p1 + p2)
    assert ids_of(r, "李娜") == (2, {"unidentified"}) and ids_of(r, "王强") == (2, {"unidentified"})


def test_anonymised_names_never_link_nor_count_as_a_counterparty():
    c1, p1 = pair_cases(SH, ("张某",), ("王强",), 2)
    c2, p2 = pair_cases(SH, ("李某某",), ("上海甲有限公司",), 2, start=3, cause="买卖合同纠纷")
    r = records_of(c1 + c2, p1 + p2)
    assert ids_of(r, "张某")[0] == 2 and ids_of(r, "王强")[0] == 2 and ids_of(r, "李某某")[0] == 2


def test_a_mass_applicant_is_no_shared_counterparty():
    cases, parties = pair_cases(SH, ("某银行股份有限公司", CO_A), ("王伟",), 2, cause="金融借款合同纠纷")
    more, others = pair_cases(SH, ("某银行股份有限公司", CO_A), ("赵六",), 1, cause="金融借款合同纠纷", start=3)
    linked = records_of(cases + more, parties + others, C.Options(hub_threshold=5))
    apart = records_of(cases + more, parties + others, C.Options(hub_threshold=2))
    assert ids_of(linked, "王伟") == (1, {"same_name_pair"}) and ids_of(apart, "王伟") == (2, {"unidentified"})


def test_a_counterparty_facing_many_people_links_a_rare_name_but_not_a_common_one():
    # A developer sued by 30 home buyers: two 王伟 are likely two people, two 欧阳振华 one.
    cases, parties = [], []
    buyers = ["王伟", "王伟", "欧阳振华", "欧阳振华"] + [f"买受人{chr(0x4e00 + i)}{chr(0x4e10 + i)}" for i in range(26)]
    for i, name in enumerate(buyers):
        c, p = pair_cases(SH, (name,), ("上海甲房地产开发有限公司", CO_A), 1, cause="买卖合同纠纷", start=i + 1)
        cases, parties = cases + c, parties + p
    r = records_of(cases, parties)
    assert ids_of(r, "王伟") == (2, {"unidentified"}) and ids_of(r, "欧阳振华") == (1, {"same_name_pair"})


def test_once_one_side_is_linked_the_other_side_links_through_it():
    # "李伟" (a common name: many different 李伟s) faces so many people in the
    # court that 陈明 facing it three times proves nothing by name; 陈明's
    # 李伟 is linked first (he faces only 陈明), and 陈明 through him.
    cases, parties = pair_cases(SH, ("陈明",), ("李伟",), 3)
    for i in range(80):
        c, p = pair_cases(SH, (f"申请人{chr(0x4e00 + i)}{chr(0x4e30 + i)}",), ("李伟",), 1, start=10 + i)
        cases, parties = cases + c, parties + p
    r = records_of(cases, parties)
    assert ids_of(r, "陈明") == (1, {"same_name_pair"})


def test_an_id_less_pair_joins_the_one_identified_person_of_its_name_never_two():
    c1, p1 = pair_cases(SH, ("李娜", WANG), ("王强",), 1)
    c2, p2 = pair_cases(SH, ("李娜",), ("王强",), 2, start=2)
    r = records_of(c1 + c2, p1 + p2)
    assert ids_of(r, "李娜") == (1, {"same_resident_id", "same_name_pair"})
    c3, p3 = pair_cases(SH, ("李娜", LI), ("王强",), 1, start=4)
    r = records_of(c1 + c2 + c3, p1 + p2 + p3)
    named = r[r["name"] == "李娜"]
    assert named.loc[named["rule"] == "same_resident_id", "party_id"].nunique() == 2
    assert set(named.loc[named["id_status"] == "empty", "party_id"]).isdisjoint(
        set(named.loc[named["rule"] == "same_resident_id", "party_id"]))


def test_masked_ids_that_disagree_never_link_by_the_pair():
    agree = [mask(ZHANG), mask(ZHANG)]
    disagree = [mask(ZHANG), ZHANG[:6] + "********" + ("0000" if ZHANG[-4:] != "0000" else "1111")]
    for masks, linked in ((agree, 1), (disagree, 2)):
        cases = [(SH(i), "抚养费纠纷", 6000) for i in (1, 2)]
        parties = [row for i, m in zip((1, 2), masks) for row in ((SH(i), "申请执行人", "张三", m), (SH(i), "被执行人", "王强"))]
        assert ids_of(records_of(cases, parties), "张三")[0] == linked


def test_evidence_rules_can_be_switched_off():
    assert [r.name for r in rules_for()] == [r.name for r in RULES]
    assert "same_name_pair" not in [r.name for r in rules_for(C.Options(rules=("same_org_name",)))]
    r = records_of(*pair_cases(SH, ("李娜",), ("王强",), 3), options=C.Options(rules=()))
    assert ids_of(r, "李娜") == (3, {"unidentified"})
    org = records_of([(SH(1), "买卖合同纠纷", 1), (SH(2), "买卖合同纠纷", 1)],
                     [(SH(1), "被执行人", "上海丙有限公司"), (SH(2), "被执行人", "上海丙有限公司")], C.Options(rules=()))
    assert org["party_id"].nunique() == 2
