"""Multilateral clearing: hand-drawn networks, a brute-force optimum on small
random ones, greedy cycle cancelling on the sample, and the command."""
from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.optimize import linprog

from casegraph import contract as C
from casegraph.find import clearing as K
from casegraph.pipeline import prepare
from casegraph.cli import main
from casegraph.find.clearing import clearing_plan, greedy_cycle_cancelling
from casegraph.write.files import write_plan
from casegraph.sample.generate import make_sample
from handmade import CO_A, CO_B, CO_C, LI, WANG, ZHANG, case, code, combine, debt, graph_of, party, write_export

Z, W, L = ("张三", ZHANG), ("王五", WANG), ("李四", LI)
A, B, Cc = ("上海甲有限公司", CO_A), ("上海乙有限公司", CO_B), ("上海丙有限公司", CO_C)
D = ("上海丁有限公司", code("91310000MA1FL0004"))


def no(i):
    return f"（2024）沪0113执{i}号"


def plan_of(tmp_path, *debts):
    cases, parties = combine(*debts)
    return clearing_plan(graph_of(tmp_path, cases, parties)[2])


def row(plan, i):
    return plan.debts.set_index("case_no").loc[no(i)]


# debt(no, creditor, debtor, amount): the creditor applies against the debtor.

def test_three_cycle_clears_its_smallest_debt_round_the_chain(tmp_path):
    # A owes B 300, B owes C 200, C owes A 400.
    p = plan_of(tmp_path, debt(no(1), B, A, "300"), debt(no(2), Cc, B, "200"), debt(no(3), A, Cc, "400"))
    assert [row(p, i)["remaining"] for i in (1, 2, 3)] == [100, 0, 200]
    assert p.debts["cleared_bilateral"].sum() == 0
    assert p.debts["cleared_multilateral"].tolist() == [200] * 3
    s = p.summary
    assert (s["debt_before"], s["cleared"], s["debt_after"], s["floor"]) == (900, 600, 300, 200)
    assert (s["cases_extinguished"], s["parties_in_plan"]) == (1, 3)
    assert len(p.by_party) == 6 and p.by_party["needs_agreement"].all()
    mine = p.by_party[p.by_party["name"] == "上海乙有限公司"].set_index("role")
    assert mine.at[C.DEBTOR, "case_no"] == no(2) and mine.at[C.DEBTOR, "after"] == 0
    assert mine.at[C.APPLICANT, "case_no"] == no(1) and mine.at[C.APPLICANT, "cleared"] == 200


def test_pair_is_set_off_bilaterally_smallest_case_first(tmp_path):
    # A owes B in two cases (100 and 50), B owes A 120.
    p = plan_of(tmp_path, debt(no(1), B, A, "100"), debt(no(2), B, A, "50"), debt(no(3), A, B, "120"))
    assert [row(p, i)["cleared_bilateral"] for i in (1, 2, 3)] == [70, 50, 120]
    assert [row(p, i)["remaining"] for i in (1, 2, 3)] == [30, 0, 0]
    assert p.debts["cleared_multilateral"].sum() == 0
    assert p.summary["cleared_bilateral"] == p.summary["bilateral_alone"] == 240
    assert p.summary["debt_after"] == p.summary["floor"] == 30
    assert not p.by_party["needs_agreement"].any()


def test_chain_cannot_clear_and_the_floor_is_only_a_bound(tmp_path):
    # A owes B 100, B owes C 60: no closed chain. The floor (B +40, C +60) would need a debt A→C.
    p = plan_of(tmp_path, debt(no(1), B, A, "100"), debt(no(2), Cc, B, "60"))
    s = p.summary
    assert (s["cleared"], s["debt_after"], s["floor"], s["cases_cleared"]) == (0, 160, 100, 0)
    assert p.by_party.empty and p.debts["remaining"].tolist() == [100, 60]


def test_personal_non_money_several_debtors_paid_and_preservation_stay_out(tmp_path):
    cases, parties = combine(
        debt(no(1), Z, W, "300", cause="抚养费纠纷"), debt(no(2), W, Z, "500"),       # support is personal
        debt(no(3), L, Z, "", cause="探望权纠纷"), debt(no(4), Z, L, "10"),            # visitation: no money
        debt(no(5), A, B, ""), debt(no(6), B, A, "10"),                              # no amount
        debt(no(7), Cc, D, "50", status="执行完毕"), debt(no(8), D, Cc, "50"),         # paid in full
    )
    cases.append(case("（2024）沪0113执保9号", amount="70"))
    parties += [party("（2024）沪0113执保9号", "申请执行人", *D), party("（2024）沪0113执保9号", "被执行人", *A)]
    cases.append(case(no(10), amount="70"))                                          # A and W owe D jointly
    parties += [party(no(10), "申请执行人", *A), party(no(10), "被执行人", *D), party(no(10), "被执行人", *W)]
    p = clearing_plan(graph_of(tmp_path, cases, parties)[2])
    assert p.summary["cleared"] == 0 and p.by_party.empty
    why = p.left_out.set_index("case_no")["reason"]
    assert why[no(1)] == why[no(3)] == K.PERSONAL
    assert why[no(5)] == K.NO_MONEY
    assert why[no(7)] == K.PAID
    assert why["（2024）沪0113执保9号"] == K.PRESERVATION
    assert why[no(10)] == K.SEVERAL
    assert sorted(p.debts["case_no"]) == [no(2), no(4), no(6), no(8)]


def test_optimum_beats_setting_off_the_pair_first(tmp_path):
    # A owes B 100, B owes A 50, A owes C 50, C owes B 50. Netting A–B clears 100 and leaves no chain;
    # sending B's claim on A round A→C→B clears 150. The plan is optimal, so it takes the chain.
    p = plan_of(tmp_path, debt(no(1), B, A, "100"), debt(no(2), A, B, "50"), debt(no(3), Cc, A, "50"),
                debt(no(4), B, Cc, "50"))
    s = p.summary
    assert (s["cleared"], s["cleared_bilateral"], s["bilateral_alone"]) == (150, 0, 100)
    assert s["debt_after"] == s["floor"] == 100
    assert greedy_cycle_cancelling(p.debts) == 100


def test_among_optimal_plans_the_bilateral_one_is_taken(tmp_path):
    # Pairs A↔B and C↔D, and a 4-chain A→B→C→D→A through them: both clear 40 in all; the plan sets off
    # the pairs (no agreement needed) rather than run the chain.
    p = plan_of(tmp_path, debt(no(1), B, A, "10"), debt(no(2), A, B, "10"), debt(no(3), D, Cc, "10"),
                debt(no(4), Cc, D, "10"), debt(no(5), Cc, B, "10"), debt(no(6), A, D, "10"))
    s = p.summary
    assert (s["cleared"], s["cleared_bilateral"], s["cleared_multilateral"]) == (40, 40, 0)


# ------------------------------------------------------------ brute force
def _random_debts(rng: random.Random, n_parties: int, n_cases: int, amounts) -> pd.DataFrame:
    rows = []
    for i in range(n_cases):
        a, b = rng.sample(range(n_parties), 2)
        rows.append((f"c{i}", f"p{a}", f"p{b}", amounts(rng)))
    return pd.DataFrame(rows, columns=["case_no", "debtor", "creditor", "amount"])


def _check_invariants(d: pd.DataFrame, p):
    out = p.debts.set_index("case_no").loc[d["case_no"]]
    assert (out["remaining"] >= 0).all() and (out["remaining"] <= out["amount"]).all()
    assert (out["cleared_bilateral"] >= 0).all() and (out["cleared_multilateral"] >= 0).all()
    assert np.allclose(out["cleared_bilateral"] + out["cleared_multilateral"] + out["remaining"], out["amount"])

    def net(amount):
        cents = np.rint(amount.to_numpy() * 100).astype(np.int64)
        s = pd.Series(cents)
        owed = s.groupby(d["creditor"].to_numpy()).sum()
        owes = s.groupby(d["debtor"].to_numpy()).sum()
        return owed.sub(owes, fill_value=0)

    assert net(out["amount"]).equals(net(out["remaining"]))  # every party keeps its net position
    s = p.summary
    assert s["debt_after"] >= s["floor"] - 1e-9
    assert round(s["cleared_bilateral"] + s["cleared_multilateral"], 2) == s["cleared"]
    assert s["cleared_bilateral"] <= s["bilateral_alone"] + 1e-9


def _exhaustive_min_remaining(d: pd.DataFrame) -> int:
    """The smallest total remaining debt, trying every integer plan."""
    amounts = d["amount"].astype(int).tolist()
    parties = sorted(set(d["debtor"]) | set(d["creditor"]))
    ix = {q: i for i, q in enumerate(parties)}
    inc = np.zeros((len(parties), len(d)), int)
    for e, (a, b) in enumerate(zip(d["debtor"], d["creditor"])):
        inc[ix[a], e] -= 1
        inc[ix[b], e] += 1
    target = inc @ np.array(amounts)
    best = sum(amounts)
    for x in itertools.product(*(range(a + 1) for a in amounts)):
        if sum(x) < best and (inc @ np.array(x) == target).all():
            best = sum(x)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_matches_exhaustive_search_on_small_random_networks(seed):
    rng = random.Random(seed)
    d = _random_debts(rng, rng.randint(3, 4), rng.randint(3, 7), lambda r: float(r.randint(1, 3)))
    p = clearing_plan(d)
    _check_invariants(d, p)
    assert p.summary["debt_after"] == _exhaustive_min_remaining(d)


def _lp(d: pd.DataFrame) -> tuple[float, float]:
    """Largest total clearing, then largest bilateral part at that total, by linear programming."""
    pairs = d.groupby(["debtor", "creditor"])["amount"].sum()
    keys = list(pairs.index)
    n = len(keys)
    both = [(i, keys.index((b, a))) for i, (a, b) in enumerate(keys) if (b, a) in pairs.index and a < b]
    parties = sorted({q for k in keys for q in k})
    # variables: y (cleared per directed pair), then z (bilateral per two-way pair)
    a_eq = np.zeros((len(parties), n + len(both)))
    for i, (a, b) in enumerate(keys):
        a_eq[parties.index(a), i] -= 1
        a_eq[parties.index(b), i] += 1
    a_ub = np.zeros((2 * len(both), n + len(both)))
    for k, (i, j) in enumerate(both):
        a_ub[2 * k, [n + k, i]] = [1, -1]
        a_ub[2 * k + 1, [n + k, j]] = [1, -1]
    bounds = [(0, float(c)) for c in pairs] + [(0, None)] * len(both)
    c1 = np.r_[-np.ones(n), np.zeros(len(both))]
    r1 = linprog(c1, A_ub=a_ub if len(both) else None, b_ub=np.zeros(len(a_ub)) if len(both) else None,
                 A_eq=a_eq, b_eq=np.zeros(len(parties)), bounds=bounds, method="highs")
    best = -r1.fun
    if not both:
        return best, 0.0
    c2 = np.r_[np.zeros(n), -np.ones(len(both))]
    r2 = linprog(c2, A_ub=np.vstack([a_ub, -np.abs(c1)]), b_ub=np.r_[np.zeros(len(a_ub)), -(best - 1e-6)],
                 A_eq=a_eq, b_eq=np.zeros(len(parties)), bounds=bounds, method="highs")
    return best, -2 * r2.fun


@pytest.mark.parametrize("seed", range(30))
def test_matches_a_linear_program_on_random_networks(seed):
    rng = random.Random(1000 + seed)
    d = _random_debts(rng, rng.randint(4, 9), rng.randint(6, 30), lambda r: round(r.uniform(1, 1000), 2))
    p = clearing_plan(d)
    _check_invariants(d, p)
    best, bilateral = _lp(d)
    assert p.summary["cleared"] == pytest.approx(best, abs=0.011)
    assert p.summary["cleared_bilateral"] == pytest.approx(bilateral, abs=0.011)
    assert greedy_cycle_cancelling(d) <= p.summary["cleared"] + 1e-9


# ------------------------------------------------------------ the sample
@pytest.fixture(scope="module")
def sample_graph(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clearing") / "export"
    truth = make_sample(2000, folder)
    return prepare(folder)[2], truth, folder


def test_sample_clears_at_least_as_much_as_greedy_cycle_cancelling(sample_graph):
    g, truth, _ = sample_graph
    p = clearing_plan(g)
    debts, _ = K.clearable(g)
    greedy = greedy_cycle_cancelling(debts)
    assert p.summary["cleared"] >= greedy > 0
    out = p.debts.set_index("case_no")
    for cyc in truth["cycles"]:
        smallest = min(cyc["amounts"])
        assert all(out.at[c, "cleared_multilateral"] >= smallest - 0.01 for c in cyc["case_nos"])
    for pair in truth["bilateral_offsets"]:
        smallest = min(pair["amounts"])
        assert all(out.at[c, "cleared_bilateral"] >= smallest - 0.01 for c in pair["case_nos"])
    for bad in truth["not_offsets"]:
        assert not any(c in out.index and out.at[c, "remaining"] < out.at[c, "amount"] for c in bad["case_nos"])
    assert set(p.by_party["case_no"]) == set(out.index[out["remaining"] < out["amount"]])


# ------------------------------------------------------------ writing and the command
def test_command_writes_the_plan_and_refuses_an_analysis_folder(tmp_path):
    cases, parties = combine(debt(no(1), B, A, "300"), debt(no(2), Cc, B, "200"), debt(no(3), A, Cc, "400"))
    export = write_export(tmp_path / "export", cases, parties)
    res = CliRunner().invoke(main, ["clearing", str(export), "--out", str(tmp_path / "plan")])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "plan" / C.SUMMARY_FILE).read_text(encoding="utf-8"))
    assert (s["debt_before"], s["debt_after"], s["cleared"], s["floor"]) == (900, 300, 600, 200)
    d = pd.read_csv(tmp_path / "plan" / K.OUTPUTS["debts"].filename, encoding=C.CSV_ENCODING)
    assert list(d.columns) == list(K.OUTPUTS["debts"].columns) and d["remaining"].sum() == 300
    assert "600" in res.output
    # rerunning into the same folder replaces the plan; an analysis folder is refused
    assert CliRunner().invoke(main, ["clearing", str(export), "--out", str(tmp_path / "plan")]).exit_code == 0
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / C.SUMMARY_FILE).write_text('{"backend": "embedded"}', encoding="utf-8")
    res = CliRunner().invoke(main, ["clearing", str(export), "--out", str(tmp_path / "analysis")])
    assert res.exit_code != 0 and "another result" in res.output
    with pytest.raises(Exception, match="another result"):
        write_plan(clearing_plan(pd.DataFrame(columns=["case_no", "debtor", "creditor", "amount"])),
                   tmp_path / "analysis")


# ------------------------------------------------------------ the Neo4j backend
def test_neo4j_backend_gives_the_same_plan(neo4j_server, sample_graph, tmp_path):
    from casegraph.engines.neo4j import db as ne

    g, _, folder = sample_graph
    want = clearing_plan(g)
    with ne.connect(neo4j_server.uri) as db:
        ne.clear(db)  # the plan covers the whole database: start from an empty one
    uri = ["--backend", "neo4j", "--uri", neo4j_server.uri]
    loaded = CliRunner().invoke(main, ["clearing", str(folder), *uri, "--out", str(tmp_path / "loaded")])
    assert loaded.exit_code == 0, loaded.output
    stored = CliRunner().invoke(main, ["clearing", *uri, "--out", str(tmp_path / "stored")])  # what the database holds
    assert stored.exit_code == 0, stored.output
    for out in ("loaded", "stored"):
        s = json.loads((tmp_path / out / C.SUMMARY_FILE).read_text(encoding="utf-8"))
        assert s["backend"] == "neo4j"
        for k in ("debt_before", "debt_after", "cleared", "cleared_bilateral", "floor", "left_out", "cases_in_plan"):
            assert s[k] == want.summary[k], (out, k)
        for name in ("debts", "by_party"):
            got = pd.read_csv(tmp_path / out / K.OUTPUTS[name].filename, encoding=C.CSV_ENCODING, dtype=str,
                              keep_default_na=False)
            mine = pd.read_csv(write_plan(want, tmp_path / "embedded") / K.OUTPUTS[name].filename,
                               encoding=C.CSV_ENCODING, dtype=str, keep_default_na=False)
            pd.testing.assert_frame_equal(got, mine, obj=f"{out} {name}")


def test_clearable_debts_are_rows_of_case_graph_debts(sample_graph):
    g, _, _ = sample_graph
    mine, left = K.clearable(g)
    theirs = g.debts()
    assert mine["case_no"].is_unique and not set(mine["case_no"]) & set(left["case_no"])
    assert len(mine) + len(left) == g.cases["case_no"].nunique()
    keys = ["case_no", "debtor", "creditor"]
    joined = mine.merge(theirs, on=keys, how="left", suffixes=("", "_d"), indicator=True)
    assert (joined["_merge"] == "both").all() and (joined["amount"] == joined["amount_d"]).all()
    # every debts() row is either in the plan or in a case left out for a reason debts() does not know
    rest = theirs[~theirs["case_no"].isin(mine["case_no"])]
    reasons = left.set_index("case_no")["reason"].reindex(rest["case_no"])
    assert reasons.isin([K.PRESERVATION, K.NOT_A_CLAIM, K.PAID, K.SEVERAL]).all()
