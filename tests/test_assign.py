import pandas as pd

from casegraph import contract as C
from casegraph.assign.batch import assign


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
    assert a.loc["c0", "reason"].startswith("minors_team")
    assert a.loc["c2", "judge"] in ("甲", "乙")


def test_existing_judge_keeps_case_and_bundle_follows_the_majority():
    c = cases(("c0", "", "乙"), ("c1", "", "乙"), ("c2", "", "甲"), ("c3",))
    a = by_case(assign(c, bundles(B1=["c0", "c1", "c2", "c3"]), J))
    assert a.loc["c2", "judge"] == "甲" and a.loc["c2", "reason"].startswith("kept")
    assert a.loc["c3", "judge"] == "乙" and a.loc["c3", "reason"].startswith("follows_holder")


def test_never_past_capacity_and_nothing_dropped():
    j = judges(("甲", "一组", 2), ("乙", "一组", 1))
    c = cases(*[(f"c{i}",) for i in range(5)])
    a = by_case(assign(c, bundles(B1=["c0", "c1", "c2"]), j))
    assert len(a) == 5
    loads = a.loc[a["judge"] != "", "judge"].value_counts()
    assert loads.get("甲", 0) <= 2 and loads.get("乙", 0) <= 1
    assert a.loc["c0", "judge"] == "" and a.loc["c0", "reason"].startswith("no_capacity")
    assert (a["judge"] == "").sum() == 3


def test_singletons_have_no_bundle_id():
    a = assign(cases(("c0",)), bundles(), J)
    assert a["bundle_id"].tolist() == [""] and a["reason"].iloc[0].startswith("least_loaded")
