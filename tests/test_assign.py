from collections import Counter
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from casegraph import contract as C
from casegraph.assign.batch import assign
from casegraph.assign.rules import Decision, Judges, Unit, capacity


def cases(*rows):
    return pd.DataFrame([{"case_no": r[0], "cause": r[1] if len(r) > 1 else "民间借贷纠纷",
                          "judge": r[2] if len(r) > 2 else ""} for r in rows])


def judges(*rows):
    return pd.DataFrame([{"judge": j, "team": t, "capacity": c} for j, t, c in rows])


def bundles(**members):
    return pd.DataFrame([{"bundle_id": b, "case_no": c} for b, cs in members.items() for c in cs],
                        columns=["bundle_id", "case_no"])


J = judges(("甲", "一组", 10), ("乙", "一组", 10), ("丙", C.Options().minors_team, 10))


def by_case(df):
    return df.set_index("case_no")


def test_a_bundle_goes_to_one_judge_and_loads_are_even():
    c = cases(*[(f"c{i}",) for i in range(6)])
    a = by_case(assign(c, bundles(B1=["c0", "c1", "c2"]), J))
    assert a.loc[["c0", "c1", "c2"], "judge"].nunique() == 1
    loads = a["judge"].value_counts()
    assert loads.to_dict() == {"甲": 3, "乙": 3} or loads.to_dict() == {"乙": 3, "甲": 3}


def test_minors_case_takes_its_bundle_to_the_minors_team():
    c = cases(("c0", "抚养费纠纷"), ("c1",), ("c2",))
    a = by_case(assign(c, bundles(B1=["c0", "c1"]), J))
    assert a.loc["c0", "judge"] == a.loc["c1", "judge"] == "丙"
    assert a.loc["c0", "rule"] == "minors_team"
    assert a.loc["c0", "reason"] == "minors_team: least-loaded judge of 涉未成年人 with room for 2 cases"
    assert a.loc["c2", "judge"] in ("甲", "乙")


def test_existing_judge_keeps_case_and_bundle_follows_the_majority():
    c = cases(("c0", "", "乙"), ("c1", "", "乙"), ("c2", "", "甲"), ("c3",))
    a = by_case(assign(c, bundles(B1=["c0", "c1", "c2", "c3"]), J))
    assert a.loc["c2", "judge"] == "甲" and a.loc["c2", "rule"] == "kept"
    assert a.loc["c3", "judge"] == "乙" and a.loc["c3", "rule"] == "follows_holder"
    assert a.loc["c3", "reason"] == "follows_holder: 乙 holds 2 of 4 cases of the bundle"


def test_never_past_capacity_and_nothing_dropped():
    j = judges(("甲", "一组", 2), ("乙", "一组", 1))
    c = cases(*[(f"c{i}",) for i in range(5)])
    a = by_case(assign(c, bundles(B1=["c0", "c1", "c2"]), j))
    assert len(a) == 5
    loads = a.loc[a["judge"] != "", "judge"].value_counts()
    assert loads.get("甲", 0) <= 2 and loads.get("乙", 0) <= 1
    assert a.loc["c0", "judge"] == "" and a.loc["c0", "rule"] == "no_capacity"
    assert a.loc["c0", "reason"] == "no_capacity: no judge of any general team has room for 3 cases"
    assert (a["judge"] == "").sum() == 3


def test_singletons_have_no_bundle_id():
    a = assign(cases(("c0",)), bundles(), J)
    assert a["bundle_id"].tolist() == [""] and a["rule"].iloc[0] == "least_loaded"
    assert list(a.columns) == list(C.OUTPUTS["assignments"].columns)


def test_a_full_holder_is_said_and_the_next_rule_decides():
    j = judges(("甲", "一组", 0), ("乙", "一组", 5))
    a = by_case(assign(cases(("c0", "", "甲"), ("c1",)), bundles(B1=["c0", "c1"]), j))
    assert (a.loc["c1", "judge"], a.loc["c1", "rule"]) == ("乙", "least_loaded")
    assert a.loc["c1", "reason"] == "holder 甲 has no room; least_loaded: least-loaded judge of any general team with room for 1 cases"


def test_a_minors_case_without_a_minors_team_is_said():
    j = judges(("甲", "一组", 5))
    a = assign(cases(("c0", "探望权纠纷")), bundles(), j)
    assert a[["judge", "rule", "reason"]].values.tolist() == [
        ["甲", "least_loaded", "least_loaded: minors' case, but no judge in team 涉未成年人"]]


def test_a_minors_case_never_spills_out_of_a_full_minors_team():
    j = judges(("甲", "一组", 5), ("丙", C.Options().minors_team, 0))
    a = assign(cases(("c0", "抚养费纠纷")), bundles(), j)
    assert a[["judge", "rule", "reason"]].values.tolist() == [
        ["", "no_capacity", "no_capacity: no judge of 涉未成年人 has room for 1 cases"]]


def test_every_rule_and_its_reason_is_written_once():
    from casegraph.assign import rules

    assert [r.name for r in rules.RULES][:3] == ["kept", "follows_holder", "minors_team"]
    assert rules.holder(Counter({"乙": 2, "甲": 2, "丙": 3})) == "丙"
    assert rules.holder(Counter({"乙": 2, "甲": 2})) == "乙"  # a tie goes to the first name
    root = Path(rules.__file__).parent.parent
    for path in ("assign/batch.py", "jobs/route.py", "jobs/flag.py"):
        text = (root / path).read_text(encoding="utf-8")
        for words in ("with room for {", "has no room; ", "cases of the bundle", "the case already has"):
            assert words not in text, (path, words)  # each reason is written in rules.py alone
        assert "-counts[j]" not in text and "(-n[j]" not in text, path  # the holder rule lives in rules.py


@given(st.lists(st.tuples(st.sampled_from(["甲", "乙", "丙", "丁", "戊"]), st.sampled_from(["一组", "涉未成年人"]),
                          st.one_of(st.none(), st.integers(0, 6)), st.integers(0, 8)),
                min_size=0, max_size=5, unique_by=lambda j: j[0]),
       st.lists(st.booleans(), max_size=40), st.integers(0, 3))
def test_one_case_units_decided_at_once_as_one_by_one(book, minors, warm):
    """Batch assignment decides a court's single cases at array speed
    (Judges.decide_each); every decision is the one decide() makes."""
    rows = [(name, team, capacity(cap), load) for name, team, cap, load in book]
    one, many = Judges(rows), Judges(rows)
    for book_ in (one, many):  # a bundle placed first, as in a batch
        book_.decide(Unit(n=warm, size=warm))
    expected = [one.decide(Unit(minors=m)) for m in minors]
    got = many.decide_each(minors)
    assert [Decision(*row) for row in got.itertuples(index=False)] == expected
    assert many.book == one.book
