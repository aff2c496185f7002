"""Organisation codes and masked IDs as evidence (casegraph.normalise.identity,
casegraph.resolve): every mask shape publishers print, GB 11714 check
characters, and the three rules that read them (same_org_code,
masked_credit_code, same_name_masked_id), each explaining itself with a key
that holds only masked forms.
"""
from __future__ import annotations

import pandas as pd
import pytest

from casegraph import contract as C
from casegraph.find.candidates import find
from casegraph.graph import from_rows
from casegraph.normalise.identity import MASKED, ORG, INVALID, org_check, parse_id
from casegraph.resolve import masked_coincidence

NO = "（2024）沪0113执{}号".format
CREDIT = "91230199744190927K"      # holds the organisation code 744190927
OTHER_CREDIT = "91110108744190927T"  # another credit code holding the same organisation code


@pytest.mark.parametrize("typed, status, canonical", [
    ("74419092-7", ORG, "744190927"),
    ("744190927", ORG, "744190927"),
    ("７４４１９０９２－７", ORG, "744190927"),          # full-width digits and hyphen
    ("744190928", INVALID, "744190928"),                # wrong check character
    ("63282219750****1812", MASKED, "63282219750***1812"),  # 19: 11 shown, 4 stars, 4 shown
    ("4107261978****1211", MASKED, "4107261978****1211"),   # 18, stars in the birth date
    ("4107261978***1211", MASKED, "4107261978****1211"),    # 17: one star too few
    ("410726********1211", MASKED, "410726********1211"),   # 18, the middle
    ("41072619780312****", MASKED, "41072619780312****"),   # 18, the tail
    ("410726＊＊＊＊＊＊＊＊121x", MASKED, "410726********121X"),  # full-width stars, lower-case x
    ("310113******123", MASKED, "310113******123"),         # an old 15-digit number masked
    ("91230199744****927K", MASKED, "91230199744***927K"),  # a masked credit code, 19 as published
    ("41**261978031**1211", INVALID, "41**261978031**1211"),  # 19 with two runs: cannot be placed
    ("******************", INVALID, "******************"),
    ("4107261978****12111111", INVALID, "4107261978****12111111"),
])
def test_every_shape_a_publisher_prints(typed, status, canonical):
    got = parse_id(typed)
    assert (got.status, got.canonical) == (status, canonical)


def test_organisation_code_check_characters_with_letters_x_and_zero():
    for body in ("74419092", "MA1B2C3D", "00000001", "12345678", "ZZZZZZZZ"):
        code = body + org_check(body)
        assert parse_id(code).status == ORG and parse_id(code[:8] + "-" + code[8]).canonical == code
        wrong = "0" if code[8] != "0" else "1"
        assert parse_id(body + wrong).status == INVALID
    assert {org_check(b) for b in ("74419092", "00000005", "00000003")} >= {"7"}


def debts(*who, court=NO, start=1):
    """One case per (name, id) as debtor, each pursued by another creditor."""
    cases, parties = [], []
    for i, (name, id_no) in enumerate(who, start=start):
        cases.append((court(i), "买卖合同纠纷", 1000))
        parties += [(court(i), "申请执行人", f"上海{chr(0x4e00 + i)}贸易有限公司"), (court(i), "被执行人", name, id_no)]
    return cases, parties


def graph(*parts, options=None):
    cases, parties = [], []
    for c, p in parts:
        cases, parties = cases + c, parties + p
    return from_rows(cases, parties, options=options)


def records_of(g, name):
    r = g.resolved.records
    return r[r["name"] == name]


# -- organisation codes ------------------------------------------------------------

def test_an_organisation_code_is_the_organisation_of_the_credit_code_holding_it():
    g = graph(debts(("哈尔滨泰富电气有限公司", CREDIT), ("哈尔滨市泰富电气有限公司", "74419092-7"),
                    ("泰富电气", "744190927")))
    r = g.resolved.records
    debtors = r[r["role"] == C.DEBTOR]
    assert debtors["party_id"].nunique() == 1
    coded = debtors[debtors["id_status"] == ORG]
    assert set(coded["rule"]) == {"same_org_code"} and set(coded["key"]) == {"org:744***927"}
    assert not r.astype(str).apply(lambda c: c.str.contains("744190927|91230199744190927")).any().any()


def test_two_credit_codes_holding_one_organisation_code_join_neither():
    g = graph(debts(("甲公司", CREDIT), ("乙公司", OTHER_CREDIT), ("丙公司", "744190927"), ("丙公司分号", "744190927")))
    d = g.resolved.records.query("role == 'debtor'").set_index("name")["party_id"]
    assert d["丙公司"] == d["丙公司分号"] and len({d["甲公司"], d["乙公司"], d["丙公司"]}) == 3


def test_a_masked_credit_code_joins_the_one_code_it_fits_and_never_two():
    mask = "91230199744****927K"
    one = graph(debts(("哈尔滨泰富电气有限公司", "744190927"), ("泰富公司", mask)))
    r = one.resolved.records.query("role == 'debtor'")
    assert r["party_id"].nunique() == 1
    masked = r[r["id_status"] == MASKED].iloc[0]
    assert masked["rule"] == "masked_credit_code" and masked["key"] == "masked:91230199744***927K"
    # A mask showing a character the code does not have fits nothing.
    apart = graph(debts(("哈尔滨泰富电气有限公司", "744190927"), ("泰富公司", "91230199745****927K")))
    assert apart.resolved.records.query("role == 'debtor'")["party_id"].nunique() == 2
    # Two known codes that fit: joined to neither.
    two = graph(debts(("甲公司", CREDIT), ("乙公司", OTHER_CREDIT), ("泰富公司", "91******744***927*")))
    r = two.resolved.records.query("role == 'debtor'")
    assert r["party_id"].nunique() == 3 and "masked_credit_code" not in set(r["rule"])


# -- masked IDs -----------------------------------------------------------------------

WANG = "王文林"
WANG_MASK = "63282219750****1812"


def test_one_person_under_one_mask_in_many_cases_is_one_party():
    g = graph(debts(*[(WANG, WANG_MASK)] * 8))
    r = records_of(g, WANG)
    assert len(r) == 8 and r["party_id"].nunique() == 1 and set(r["rule"]) == {"same_name_masked_id"}
    assert set(r["key"]) == {"王文林|63282219750***1812"}


def test_namesakes_with_masks_that_disagree_stay_apart_and_an_unsure_mask_joins_neither():
    a, b = "410726********1211", "410726********3476"
    g = graph(debts((WANG, a), (WANG, a), (WANG, b), (WANG, b), (WANG, "410726************")))
    r = records_of(g, WANG)
    per_mask = r.groupby("id_masked")["party_id"].nunique()
    assert per_mask[a] == 1 and per_mask[b] == 1
    assert r["party_id"].nunique() == 3  # the mask that fits both is a party of its own
    # Fourteen namesakes with fourteen masks: fourteen parties, never one candidate.
    many = graph(debts(*[(WANG, f"{110101 + i}19700101{i:02d}1X"[:6] + "********" + f"{i:03d}1") for i in range(14)]))
    assert records_of(many, WANG)["party_id"].nunique() == 14
    assert find(many).empty


def test_anonymised_names_never_link_by_mask():
    g = graph(debts(("张某", "410726********1211"), ("张某", "410726********1211")))
    assert records_of(g, "张某")["party_id"].nunique() == 2


def test_a_mask_that_says_too_little_is_offered_for_review_not_linked():
    g = graph(debts(("王伟", "410726************"), ("王伟", "410726************")))
    r = records_of(g, "王伟")
    assert r["party_id"].nunique() == 2 and "same_name_masked_id" not in set(r["rule"])
    c = find(g)
    assert c["names"].tolist() == ["王伟"] and c["n_cases"].tolist() == [2]


def test_the_chance_of_a_coincidence_weighs_name_digits_and_courts():
    full = "63282219750***1812"
    assert masked_coincidence("欧阳振华", full, ["沪0113"]) < masked_coincidence("王伟", full, ["沪0113"])
    assert masked_coincidence("王伟", full, ["沪0113"]) < masked_coincidence("王伟", full, ["沪0113", "沪0115"]) \
        < masked_coincidence("王伟", full, ["沪0113", "京0105"])
    assert masked_coincidence("王伟", "632822********1812", ["沪0113"]) > masked_coincidence("王伟", full, ["沪0113"])


def test_the_rules_can_be_switched_off_like_the_others():
    rules = tuple(r for r in C.EVIDENCE_RULES if r not in ("same_name_masked_id", "same_org_code"))
    g = graph(debts(*[(WANG, WANG_MASK)] * 3, ("甲公司", "744190927"), ("甲公司二", "744190927")),
              options=C.Options(rules=rules))
    r = g.resolved.records
    assert records_of(g, WANG)["party_id"].nunique() == 3
    assert r.loc[r["name"].str.startswith("甲公司"), "party_id"].nunique() == 2
