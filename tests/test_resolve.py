"""Each resolution rule and each decoy, on exports small enough to draw."""
from handmade import CO_A, CO_B, WANG_WEI_1, WANG_WEI_2, ZHANG, case, graph_of, mask, party

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
