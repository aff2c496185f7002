"""Candidates for review (candidates.csv): each kind and each decoy on courts
small enough to draw, name-frequency weighing, and a generated export
without person IDs end to end, in both engines."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from casegraph import contract as C
from casegraph.engines.neo4j import db as ne
from casegraph.engines.neo4j import find as nf
from casegraph.find.candidates import find, frequencies, select
from casegraph.graph import from_rows
from casegraph.pipeline import analyze
from casegraph.sample.no_ids import make_sample_without_person_ids
from handmade import CO_A, CO_B, WANG, ZHANG, mask

SH = "（2024）沪0113执{}号".format
SH2 = "（2024）沪0112执{}号".format
BJ = "（2024）京0105执{}号".format


def debtor_in(no, n, debtor, start=1, creditor="上海{}贸易有限公司", court_of=None):
    """``debtor`` ((name,) or (name, id)) pursued in n cases by n different companies."""
    cases, parties = [], []
    for i in range(start, start + n):
        number = (court_of(i) if court_of else no)(i)
        cases.append((number, "买卖合同纠纷", 10000))
        parties += [(number, "申请执行人", creditor.format(chr(0x4e00 + i))), (number, "被执行人", *debtor)]
    return cases, parties


def court(*parts, options=None):
    cases, parties = [], []
    for c, p in parts:
        cases, parties = cases + c, parties + p
    return from_rows(cases, parties, options=options)


def test_a_rare_name_weighs_more_than_a_common_one():
    g = court(debtor_in(SH, 3, ("欧阳振华",)), debtor_in(SH, 3, ("王伟",), start=10))
    c = find(g).set_index("names")
    assert c.at["欧阳振华", "strength"] > 0.9 > 0.1 > c.at["王伟", "strength"]
    assert c.at["欧阳振华", "n_cases"] == 3 and "rare" in c.at["欧阳振华", "evidence"]
    assert "common" in c.at["王伟", "evidence"]
    assert find(g)["names"].tolist() == ["欧阳振华", "王伟"]  # the strongest first


def test_the_data_tells_how_common_a_name_is():
    # Namesakes the data tells apart by their ID numbers, and a surname and a
    # given name seen often, make a name common whatever its shape says.
    names = pd.DataFrame({"name": ["欧阳振华", "欧阳伟", "王振华"], "n": [3, 400, 400], "identified": [0, 400, 400]})
    alone = frequencies(names.iloc[:1], pd.DataFrame({"name": ["欧阳振华"], "k": [3], "namesakes": [0]}))
    among = frequencies(names, pd.DataFrame({"name": ["欧阳振华"], "k": [3], "namesakes": [0]}))
    others = pd.DataFrame({"name": ["欧阳振华", "赵六"], "n": [3, 1000], "identified": [0, 1000]})
    told = frequencies(others, pd.DataFrame({"name": ["欧阳振华"], "k": [3], "namesakes": [50]}))
    assert alone.iloc[0] < 1e-6 and among.iloc[0] > 0.2 and told.iloc[0] == 50 / 1000


def test_same_court_and_a_shared_counterparty_add_weight_other_provinces_take_it():
    one = find(court(debtor_in(SH, 2, ("王建华",)))).at[0, "strength"]
    two = find(court(debtor_in(SH, 2, ("王建华",), court_of=lambda i: SH if i == 1 else BJ))).at[0, "strength"]
    shared = find(court(debtor_in(SH, 2, ("王建华",), creditor="上海甲贸易有限公司",
                                  court_of=lambda i: SH if i == 1 else SH2))).at[0, "strength"]
    apart_courts = find(court(debtor_in(SH, 2, ("王建华",), court_of=lambda i: SH if i == 1 else SH2))).at[0, "strength"]
    assert two < apart_courts < one and apart_courts < shared


def test_anonymised_persons_and_mass_applicants_are_never_candidates():
    bank = ("中国甲银行股份有限公司上海宝山支行", CO_A)
    loans = ([(SH(20 + i), "金融借款合同纠纷", 1) for i in range(3)],
             [r for i in range(3) for r in ((SH(20 + i), "申请执行人", *bank), (SH(20 + i), "被执行人", f"借款人{chr(0x4e00 + i)}"))])
    spelled = ([(SH(30), "买卖合同纠纷", 1)], [(SH(30), "申请执行人", "中国甲银行有限责任公司上海宝山支行"),
                                              (SH(30), "被执行人", "赵六")])
    parts = (debtor_in(SH, 3, ("张某",)), debtor_in(SH, 2, ("李某某",), start=10), loans, spelled)
    assert find(court(*parts, options=C.Options(hub_threshold=2))).empty
    assert find(court(*parts, options=C.Options(hub_threshold=5)))["kind"].tolist() == ["org_variant"]


def test_masked_ids_that_disagree_are_not_one_candidate():
    other = ZHANG[:6] + "********" + ("0000" if ZHANG[-4:] != "0000" else "1111")
    parts = (debtor_in(SH, 2, ("张三", mask(ZHANG))), debtor_in(SH, 2, ("张三", other), start=10),
             debtor_in(SH, 1, ("张三",), start=20))
    # With the masked-ID rule, each mask's records are one person, and nothing is left to offer together.
    linked = court(*parts)
    by_mask = linked.resolved.records.query("name == '张三' and id_masked != ''").groupby("id_masked")["party_id"]
    assert sorted(by_mask.nunique()) == [1, 1] and linked.resolved.records["party_id"].nunique() > 0
    assert find(linked).empty
    # Without it, the candidates are split by what the masks allow.
    no_rule = C.Options(rules=tuple(r for r in C.EVIDENCE_RULES if r != "same_name_masked_id"))
    c = find(court(*parts, options=no_rule))
    assert sorted(c["n_cases"]) == [2, 2] and all("agree on region" in e for e in c["evidence"])
    masks_agree = find(court(debtor_in(SH, 2, ("张三", mask(ZHANG))), debtor_in(SH, 1, ("张三",), start=10)))
    assert masks_agree["n_cases"].tolist() == [3]


def test_one_identified_person_of_the_name_is_in_the_candidate_two_are_not():
    one = find(court(debtor_in(SH, 2, ("李娜",)), debtor_in(SH, 1, ("李娜", WANG), start=10)))
    assert one["n_cases"].tolist() == [3] and "one with a valid ID" in one.at[0, "evidence"]
    two = find(court(debtor_in(SH, 2, ("李娜",)), debtor_in(SH, 1, ("李娜", WANG), start=10),
                     debtor_in(SH, 1, ("李娜", ZHANG), start=20)))
    assert two["n_cases"].tolist() == [2] and "2 namesakes with other ID numbers" in two.at[0, "evidence"]


def test_organisations_spelled_otherwise_and_a_branch_are_offered():
    g = court(debtor_in(SH, 1, ("上海甲贸易有限公司", CO_A)), debtor_in(SH, 1, ("上海甲贸易有限责任公司",), start=2),
              debtor_in(SH, 1, ("上海甲贸易(上海)有限公司",), start=3),
              debtor_in(SH, 1, ("上海乙实业有限公司",), start=4), debtor_in(SH, 1, ("上海乙实业有限公司宝山分公司",), start=5),
              debtor_in(SH, 1, ("上海丙有限公司", CO_A[:-1] + "X"), start=6))
    c = find(g).set_index("kind")
    assert set(c.at["org_variant", "names"].split(";")) == {"上海甲贸易有限公司", "上海甲贸易有限责任公司", "上海甲贸易(上海)有限公司"}
    assert c.at["branch", "names"] == "上海乙实业有限公司;上海乙实业有限公司宝山分公司"
    two_codes = find(court(debtor_in(SH, 1, ("上海甲贸易有限公司", CO_A)),
                           debtor_in(SH, 1, ("上海甲贸易有限责任公司", CO_B), start=2)))
    assert two_codes.empty


def test_a_candidate_id_is_its_records_content():
    parts = (debtor_in(SH, 2, ("欧阳振华",)),)
    first, again = find(court(*parts)), find(court(*parts))
    assert first["candidate_id"].tolist() == again["candidate_id"].tolist()
    grown = find(court(*parts, debtor_in(SH, 1, ("欧阳振华",), start=5)))
    assert grown["candidate_id"].tolist() != first["candidate_id"].tolist()
    assert first.at[0, "candidate_id"].startswith("C") and len(first.at[0, "candidate_id"]) == 11


def test_select_takes_every_party_or_only_those_that_may_be_one():
    g = court(debtor_in(SH, 2, ("王伟",)), debtor_in(SH, 1, ("赵六",), start=5))
    parties = g.parties.assign(n_applied=0)
    few = parties[parties["name"] != "赵六"]
    pd.testing.assert_frame_equal(select(parties), select(few))


# -- a generated export without person IDs: the "done when" --------------------

@pytest.fixture(scope="module")
def no_ids(tmp_path_factory):
    export = tmp_path_factory.mktemp("no_ids") / "export"
    truth = make_sample_without_person_ids(2000, export)["without_person_ids"]
    return export, truth, analyze(export)


def party_of(result, case_no, role, name):
    r = result.resolved.records
    hit = r[(r["case_no"] == case_no) & (r["role"] == role) & (r["name"] == name)]
    assert len(hit) == 1, (case_no, role, name)
    return hit["party_id"].iloc[0]


def test_every_planted_repeat_pair_is_one_bundle_one_judge_and_a_repeat_pair(no_ids):
    _, truth, result = no_ids
    f = result.findings
    for p in truth["repeat_pairs"]:
        app = {party_of(result, c, C.APPLICANT, p["applicant"]) for c in p["case_nos"]}
        deb = {party_of(result, c, C.DEBTOR, p["debtor"]) for c in p["case_nos"]}
        assert len(app) == len(deb) == 1, p
        assert f["bundles"].loc[f["bundles"]["case_no"].isin(p["case_nos"]), "bundle_id"].nunique() == 1
        assert f["assignments"].loc[f["assignments"]["case_no"].isin(p["case_nos"]), "judge"].nunique() == 1
        row = f["repeat_applicants"].set_index("party_id").loc[app.pop()]
        assert f"{deb.pop()}×{len(p['case_nos'])}" in row["repeat_pairs"].split(C.LIST_SEP)


def test_every_rare_name_debtor_is_offered_with_all_its_cases(no_ids):
    _, truth, result = no_ids
    c = result.findings["candidates"]
    for d in truth["rare_name_debtors"]:
        hit = c[(c["kind"] == "person") & (c["names"] == d["name"])]
        assert len(hit) == 1 and set(d["case_nos"]) <= set(hit["case_nos"].iloc[0].split(C.LIST_SEP)), d
        assert hit["strength"].iloc[0] >= 0.9


def test_common_name_pairs_in_two_provinces_are_not_linked(no_ids):
    _, truth, result = no_ids
    for p in truth["common_name_pairs"]:
        per_court = [{party_of(result, c, C.APPLICANT, p["applicant"]) for c in cases} for cases in p["courts"].values()]
        assert all(len(s) == 1 for s in per_court) and not per_court[0] & per_court[1], p


def test_anonymised_debtors_are_never_linked_nor_offered(no_ids):
    _, truth, result = no_ids
    c = result.findings["candidates"]
    for d in truth["anonymised_debtors"]:
        assert len({party_of(result, n, C.DEBTOR, d["name"]) for n in d["case_nos"]}) == len(d["case_nos"])
        assert not c["names"].str.contains(d["name"], regex=False).any()


def test_the_summary_says_what_became_of_the_persons_without_ids(no_ids):
    export, truth, result = no_ids
    p = result.summary["persons_without_id"]
    assert p["records"] == sum(p["linked"].values()) + p["offered_for_review"] + p["alone"]
    planted = sum(2 * len(x["case_nos"]) for x in truth["repeat_pairs"])
    assert p["linked"]["same_name_pair"] >= planted
    assert sum(result.summary["candidates"].values()) == len(result.findings["candidates"])
    assert json.loads((export / "truth.json").read_text(encoding="utf-8"))["counts"]["person_ids_removed"]


@pytest.fixture
def db(neo4j_server):
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


def test_both_engines_offer_the_same_candidates(no_ids, db):
    export, _, embedded = no_ids
    stored = analyze(export, backend="neo4j", uri=db.uri)
    for name in C.FINDINGS:
        a, b = embedded.findings[name], stored.findings[name]
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=name)
    assert len(embedded.findings["candidates"]) > 20
    assert pd.testing.assert_frame_equal(nf.candidates(db, C.Options()), embedded.findings["candidates"]) is None
