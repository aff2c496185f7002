"""Multilateral clearing: how much money debt can be extinguished at once.

Listing offset pairs and cycles (:mod:`casegraph.find`) tells a judge where
to look; picking them one by one clears less than is possible, because the
order changes the result. Multilateral obligation clearing finds the most
that can be extinguished together, exactly, as a minimum-cost flow (the way
Slovenia clears company invoices nationally each month).

The model
---------
Each clearable debt (case) ``e`` is an edge debtor → creditor with its amount
``a_e``. The plan chooses what remains of each, ``0 <= x_e <= a_e``: a debt
can only shrink, never grow or turn round, and no debt is created between
parties who had none. Every party keeps its net position (what it is owed
minus what it owes), so every node balance of ``x`` equals that of ``a``; the
plan minimises the debt that remains, ``sum(x_e)``. Equivalently the cleared
part ``a - x`` is a circulation: money that goes round closed chains of
debts. Amounts are integer cents, so networkx's network simplex is exact.

``floor``, the sum of the positive net positions, is what would remain if new
debts could be drawn freely between any parties; with only the existing
debts allowed to shrink the optimum may sit above it (A owes B 100, B owes
C 60: nothing clears and 160 remains, while the floor is 100, reached only
by a new debt of A to C). Both are reported.

Debts between the same two parties in the same direction are summed into
one flow edge (they cost the same) and the pair's cleared amount is then
spread over its cases, smallest case first, so that as many cases as
possible are extinguished outright. Only debts inside a strongly connected
group of parties can lie on a closed chain; the rest remain as they are and
never reach the solver, which keeps a million-case court fast.

The legal tiers
---------------
* ``cleared_bilateral``: the part extinguished by mutual set-off between two
  parties, A against B and B against A. Both claims are money, due and fixed
  by effective legal documents (that is why they are in enforcement), so
  either party can set them off by notice (Civil Code art. 568; in
  enforcement, 法释〔2015〕10号 art. 19).
* ``cleared_multilateral``: the part extinguished round chains of three or
  more parties. No statute allows it: it needs every party on the chain to
  agree (art. 569, or an enforcement settlement 执行和解).

Setting off every pair first is *not* always optimal: with A→B 100, B→A 50,
A→C 50, C→B 50, netting the pair clears 100 and leaves no chain, while
sending B's 50 claim round A→C→B clears 150. So the tiers are a
decomposition of one optimal plan: the total is the optimum, and among the
optimal plans the solver takes one whose bilateral part is largest (a second
objective folded into the costs: on a pair with debts both ways, each cent
that remains beyond the pair's own net difference costs one unit more, and
every remaining cent costs more than all such units together, so the total
is never traded for it). In each pair, ``min`` of the two cleared directions
is bilateral; the rest is multilateral. ``bilateral_alone`` in the summary is
what bilateral set-off by itself would clear, the fallback if the parties do
not agree; it can exceed the plan's bilateral tier (in the example, 100 > 0
bilateral in the 150 plan).

What is cleared
---------------
Money debts that may be set off, as :meth:`CaseGraph.debts` gives them
(personal-nature claims, 抚养费 赡养费 扶养费, and non-money obligations,
探望权 custody, stay out, as in the core findings), and of those only cases
with exactly one applicant and one debtor. A case with several debtors (a
borrower and a guarantor) or applicants does not say each one's share, and
a joint liability is not one debt between two parties, so such cases are
listed in ``left_out`` with the reason, as are cases paid in full
(执行完毕: nothing left to set off) and cases that are not the enforcement
of a fixed claim (执保 preservation, 执异 objections and the like). The
amount is the sum applied for: what was paid in part is not in the export,
so the judge checks the balance before relying on a figure; likewise a
resumed case (执恢) whose earlier case (终本) is still listed restates the
same claim, and both appear in the plan.

>>> import pandas as pd
>>> d = pd.DataFrame({"case_no": ["1", "2", "3"], "debtor": ["A", "B", "C"],
...                   "creditor": ["B", "C", "A"], "amount": [300.0, 200.0, 400.0]})
>>> plan = clearing_plan(d)
>>> plan.debts[["case_no", "cleared_multilateral", "remaining"]].sort_values("case_no").to_numpy().tolist()
[['1', 200.0, 100.0], ['2', 200.0, 0.0], ['3', 200.0, 200.0]]
>>> plan.summary["cleared"], plan.summary["debt_after"], plan.summary["floor"]
(600.0, 300.0, 200.0)

Reference: T. Fleischman, P. Dini, G. Littera, "Liquidity-saving through
obligation-clearing and mutual credit" (J. Risk Financial Manag. 13, 2020),
on the Slovenian clearing; networkx ``network_simplex``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from casegraph import contract as C
from casegraph.graph import CaseGraph

OUTPUTS = {
    "debts": C.Output("clearing_debts.csv", ("case_no", "debtor", "creditor", "amount", "cleared_bilateral",
                                             "cleared_multilateral", "remaining")),
    "by_party": C.Output("clearing_by_party.csv", ("party_id", "name", "case_no", "role", "before", "after",
                                                   "cleared", "needs_agreement")),
    "left_out": C.Output("clearing_left_out.csv", ("case_no", "reason")),
}

# Why a case is not in the plan (``left_out.reason``), in the order they are checked.
PERSONAL = "personal-nature or non-money claim: not set off (抚养费, 赡养费, 扶养费, 探望权, custody)"
NO_MONEY = "no money amount: nothing to set off"
PRESERVATION = "preservation (执保): the claim is not yet fixed by an effective legal document"
NOT_A_CLAIM = "not the enforcement of a money claim (objection, review, supervision, coordination or other)"
PAID = "paid in full (执行完毕): no debt left"
ONE_SIDED = "no applicant or no debtor in the export"
SEVERAL = "several applicants or debtors: no share of each is given, and a joint liability is not one debt"
SAME_PARTY = "the same party applies and owes"

PAID_MARKERS = ("执行完毕",)
NOT_CLAIM_TYPES = ("执异", "执复", "执监", "执协", "执他")
FLOOR_NOTE = ("floor: the sum of positive net positions, what would remain if debts could be drawn between any "
              "parties; the plan only shrinks existing debts, so it may sit above it")


@dataclass
class ClearingPlan:
    """``debts``: every clearable case with what is extinguished in each tier
    and what remains (yuan); ``by_party``: for each party, the cases of its
    that shrink (role applicant or debtor, before, after, cleared,
    needs_agreement); ``left_out``: cases not in the plan and why;
    ``summary``: totals in yuan."""

    debts: pd.DataFrame
    by_party: pd.DataFrame
    left_out: pd.DataFrame
    summary: dict = field(default_factory=dict)
    outputs: ClassVar[dict[str, C.Output]] = OUTPUTS  # file and columns of each table

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"debts": self.debts, "by_party": self.by_party, "left_out": self.left_out}


# ------------------------------------------------------------ what is cleared
def clearable(g: CaseGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The debts the plan may clear and ``left_out``: every other case with
    its reason.

    The debts are the rows of :meth:`CaseGraph.debts` (money, not personal,
    debtor and creditor different) of the cases with exactly one applicant and
    one debtor that are not paid in full and enforce a fixed claim. They are
    worked out here on plain arrays, in the same terms, because this runs on
    every case of a court (a test checks they are ``debts()``'s rows).
    """
    debts, left, du, dv, pnames = _clearable_coded(g)
    return debts.assign(debtor=pnames.take(du), creditor=pnames.take(dv))[["case_no", "debtor", "creditor", "amount"]], left


def _clearable_coded(g: CaseGraph):
    """:func:`clearable`, with debtor and creditor as integer codes into the
    party ids (the debts' case_no and amount only, and the codes, and the ids)."""
    # Integer codes throughout: string columns are slow to compare one by one at a million rows.
    n_rows = len(g.cases)
    codes, _ = pd.factorize(pd.concat([g.cases["case_no"], g.roles["case_no"]], ignore_index=True))
    case_code, rc = codes[:n_rows], codes[n_rows:]
    n = int(case_code.max()) + 1 if n_rows else 0
    first = np.full(n, -1, np.int64)  # codes follow first appearance: case k is the first row coded k
    first[case_code[::-1]] = np.arange(n_rows)[::-1]
    cases = g.cases.iloc[first] if n < n_rows else g.cases
    rc = np.where(rc < n, rc, -1)  # roles of cases that are not in the cases table
    pcode, pnames = pd.factorize(g.roles["party_id"])
    role = g.roles["role"].to_numpy()
    sides = {}
    for side in (C.APPLICANT, C.DEBTOR):
        on = (role == side) & (rc >= 0)
        key = pd.unique(rc[on] * (len(pnames) + 1) + pcode[on])  # each (case, party) once
        case, who_ = np.divmod(key, len(pnames) + 1)
        who = np.full(n, -1, np.int64)
        who[case] = who_  # the party, where there is exactly one
        sides[side] = (np.bincount(case, minlength=n), who)
    (n_app, creditor), (n_deb, debtor) = sides[C.APPLICANT], sides[C.DEBTOR]
    cause = cases["cause"].fillna("").astype(str)
    status = cases["status"].fillna("").astype(str)
    ctype = cases["type_code"] if "type_code" in cases else pd.Series([None] * n)
    amount = pd.to_numeric(cases["amount"], errors="coerce").to_numpy(float)
    checks = [
        (cause.str.contains("|".join(g.options.personal_causes)).to_numpy(bool), PERSONAL),
        (~(amount > 0), NO_MONEY),
        ((ctype == "执保").fillna(False).to_numpy(bool), PRESERVATION),
        (ctype.isin(NOT_CLAIM_TYPES).to_numpy(bool), NOT_A_CLAIM),
        (status.str.contains("|".join(PAID_MARKERS)).to_numpy(bool), PAID),
        ((n_app == 0) | (n_deb == 0), ONE_SIDED),
        ((n_app > 1) | (n_deb > 1), SEVERAL),
        (debtor == creditor, SAME_PARTY),  # what debts() drops beyond the above
    ]
    why = np.select([c for c, _ in checks], np.arange(1, len(checks) + 1), 0)  # the first that holds; 0: none
    ok = np.flatnonzero(why == 0)
    out = np.flatnonzero(why > 0)
    case_no = cases["case_no"]
    debts = pd.DataFrame({"case_no": case_no.iloc[ok].to_numpy(), "amount": amount[ok]})
    reasons = np.array([""] + [w for _, w in checks], dtype=object)
    left = pd.DataFrame({"case_no": case_no.iloc[out].to_numpy(), "reason": reasons[why[out]]})
    return debts, left.sort_values("case_no").reset_index(drop=True), debtor[ok], creditor[ok], pnames


def _one_pair_each(debts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A debts table as given (e.g. from another engine): keep the cases with
    one row, a money amount and two different parties."""
    d = debts[["case_no", "debtor", "creditor", "amount"]].copy()
    d["amount"] = pd.to_numeric(d["amount"], errors="coerce")
    n = d["case_no"].map(d["case_no"].value_counts())
    why = np.select([n > 1, ~(d["amount"] > 0), d["debtor"] == d["creditor"]], [SEVERAL, NO_MONEY, SAME_PARTY], "")
    left = pd.DataFrame({"case_no": d["case_no"], "reason": why})
    left = left[left["reason"] != ""].drop_duplicates("case_no").sort_values("case_no").reset_index(drop=True)
    return d[why == ""].reset_index(drop=True), left


# ------------------------------------------------------------ the optimum
def _strong_labels(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    adj = coo_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n, n)).tocsr()
    return connected_components(adj, directed=True, connection="strong")[1]


def optimal_remaining(u: np.ndarray, v: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, dict]:
    """What remains of each directed pair debt ``u[i] → v[i]`` (``cap[i]``
    integer cents; at most one row per ordered pair) in an optimal plan with
    the largest bilateral part. Returns the remaining cents and solver facts.

    >>> optimal_remaining(np.array([0, 1, 2]), np.array([1, 2, 0]), np.array([5, 3, 4]))[0].tolist()
    [2, 0, 1]
    """
    u, v, cap = np.asarray(u, np.int64), np.asarray(v, np.int64), np.asarray(cap, np.int64)
    x = cap.copy()
    n = int(max(u.max(), v.max())) + 1 if len(u) else 0
    facts = {"components": 0, "largest_component": 0, "flow_edges": 0}
    if not len(u):
        return x, facts
    label = _strong_labels(n, u, v)
    inside = np.flatnonzero(label[u] == label[v])
    if not len(inside):
        return x, facts
    rev = _reverse(u, v)
    order = inside[np.argsort(label[u[inside]], kind="stable")]
    comp = label[u[order]]
    starts = np.flatnonzero(np.r_[True, comp[1:] != comp[:-1]])
    for s, e in zip(starts, np.r_[starts[1:], len(order)]):
        idx = order[s:e]
        facts["components"] += 1
        facts["largest_component"] = max(facts["largest_component"], len(idx))
        facts["flow_edges"] += len(idx)
        for i, flow in _solve_component(idx, u, v, cap, rev).items():
            x[i] = flow
    return x, facts


def _reverse(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For each pair ``u[i] → v[i]``, the index of ``v[i] → u[i]``, or -1."""
    n = int(max(u.max(), v.max())) + 1 if len(u) else 1
    return pd.Index(u * n + v).get_indexer(v * n + u)


def _solve_component(idx, u, v, cap, rev) -> dict[int, int]:
    """Network simplex on one strongly connected group of parties.

    Pair with debts both ways (``a_uv >= a_vu = m``): u→v carries a ``net``
    edge of capacity ``a_uv - m`` at cost K and an ``over`` edge of capacity
    m at cost K+1; v→u an ``over`` edge of capacity m at cost K+1. Remaining
    debt on ``over`` edges is exactly the bilateral set-off the plan forgoes,
    and K = 2·Σm + 1 makes one cent of total remaining debt outweigh all of
    it: the total stays optimal, the bilateral part is the largest possible.
    """
    idx = [int(i) for i in idx]
    members = set(idx)
    m_sum = 0
    for i in idx:
        j = int(rev[i])
        if j in members:
            m_sum += min(int(cap[i]), int(cap[j]))
    m_sum //= 2
    K = 2 * m_sum + 1
    g = nx.MultiDiGraph()
    balance: dict[int, int] = {}
    for i in idx:
        a, b, c = int(u[i]), int(v[i]), int(cap[i])
        balance[a] = balance.get(a, 0) - c
        balance[b] = balance.get(b, 0) + c
        j = int(rev[i])
        if j not in members:
            g.add_edge(a, b, key=("net", i), capacity=c, weight=K)
            continue
        cj = int(cap[j])
        if c > cj or (c == cj and i < j):  # the larger direction: it carries the pair's own net difference
            if c > cj:
                g.add_edge(a, b, key=("net", i), capacity=c - cj, weight=K)
            g.add_edge(a, b, key=("over", i), capacity=cj, weight=K + 1)
        else:
            g.add_edge(a, b, key=("over", i), capacity=c, weight=K + 1)
    for node, d in balance.items():
        g.add_node(node, demand=d)
    _, flow = nx.network_simplex(g)
    out: dict[int, int] = {}
    for a, nbrs in flow.items():
        for b, keyed in nbrs.items():
            for (_, i), f in keyed.items():
                out[i] = out.get(i, 0) + int(f)
    return out


# ------------------------------------------------------------ the plan
def clearing_plan(source: CaseGraph | pd.DataFrame, names: pd.Series | dict | None = None) -> ClearingPlan:
    """The optimal clearing plan of a case graph or of a debts table.

    ``source``: a :class:`CaseGraph` (its :meth:`~CaseGraph.debts`, with the
    cases that cannot be cleared left out, see :func:`clearable`) or a
    DataFrame with case_no, debtor, creditor, amount (one row per case;
    cases with several rows are left out). ``names``: party_id → name (a
    dict, Series or a frame with party_id and name columns) for ``by_party``;
    a graph brings its own.
    """
    t0 = time.perf_counter()
    if isinstance(source, CaseGraph):
        debts, left_out, du, dv, parties = _clearable_coded(source)
        if names is None:
            names = source.parties[["party_id", "name"]]
    else:
        debts, left_out = _one_pair_each(source)
        codes, parties = pd.factorize(pd.concat([debts["debtor"], debts["creditor"]], ignore_index=True))
        du, dv = codes[: len(debts)], codes[len(debts):]
    if names is None or isinstance(names, (dict, pd.Series)):
        names = pd.Series(names if names is not None else {}, dtype=object)
        names = pd.DataFrame({"party_id": names.index.astype(object), "name": names.to_numpy(dtype=object)})
    t1 = time.perf_counter()

    cents = np.rint(debts["amount"].to_numpy(float) * 100).astype(np.int64)
    n_parties = len(parties)
    pair_codes, pair_keys = pd.factorize(du * n_parties + dv)  # one code per ordered pair of parties
    pu, pv = np.divmod(np.asarray(pair_keys, np.int64), max(n_parties, 1))
    pcap = np.zeros(len(pair_keys), np.int64)
    np.add.at(pcap, pair_codes, cents)
    x, facts = optimal_remaining(pu, pv, pcap)
    t2 = time.perf_counter()

    cleared = pcap - x
    rev = _reverse(pu, pv)
    has_back = rev >= 0
    back_cleared = np.where(has_back, cleared[rev], 0)
    bilateral = np.where(has_back, np.minimum(cleared, back_cleared), 0)
    bilateral_alone = int(np.where(has_back, np.minimum(pcap, pcap[rev]), 0).sum())

    # Spread each pair's cleared amount over its cases, smallest first, bilateral first within it.
    # Only the few pairs that clear anything need it.
    case_cleared = np.zeros(len(debts), np.int64)
    case_bilateral = np.zeros(len(debts), np.int64)
    touched = np.flatnonzero(cleared[pair_codes] > 0)
    if len(touched):
        names_of = debts["case_no"].to_numpy()[touched]
        order = touched[np.lexsort((names_of, cents[touched], pair_codes[touched]))]
        pc, amt = pair_codes[order], cents[order]
        before = _cumsum_within(pc, amt) - amt
        case_cleared[order] = np.clip(cleared[pc] - before, 0, amt)
        case_bilateral[order] = np.clip(bilateral[pc] - before, 0, amt)
    out = pd.DataFrame({"case_no": debts["case_no"].to_numpy(), "debtor": parties.take(du),
                        "creditor": parties.take(dv)})
    out["amount"] = cents / 100
    out["cleared_bilateral"] = case_bilateral / 100
    out["cleared_multilateral"] = (case_cleared - case_bilateral) / 100
    out["remaining"] = (cents - case_cleared) / 100
    # The cases that shrink first (most cleared first), then the rest by case number.
    first = out.iloc[touched].sort_values(["cleared_bilateral", "cleared_multilateral", "case_no"],
                                          ascending=[False, False, True], kind="stable")
    rest = out.drop(index=out.index[touched]).sort_values("case_no", kind="stable")
    out = pd.concat([first, rest], ignore_index=True)[list(OUTPUTS["debts"].columns)]

    by_party = _by_party(out, names)
    owed = pd.Series(cents).groupby(dv).sum().reindex(range(len(parties)), fill_value=0)
    owes = pd.Series(cents).groupby(du).sum().reindex(range(len(parties)), fill_value=0)
    net = (owed - owes).to_numpy(np.int64)
    t3 = time.perf_counter()
    total, cleared_total = int(cents.sum()), int(cleared.sum())
    summary = {
        "kind": "clearing",
        "cases_in_plan": len(out),
        "cases_cleared": int((out["remaining"] < out["amount"]).sum()),
        "cases_extinguished": int((out["remaining"] == 0).sum()),
        "parties": len(parties),
        "parties_in_plan": int(by_party["party_id"].nunique()),
        "debt_before": _yuan(total),
        "debt_after": _yuan(total - cleared_total),
        "cleared": _yuan(cleared_total),
        "cleared_bilateral": _yuan(int(bilateral.sum())),
        "cleared_multilateral": _yuan(cleared_total - int(bilateral.sum())),
        "bilateral_alone": _yuan(bilateral_alone),
        "floor": _yuan(int(net[net > 0].sum())),
        "floor_note": FLOOR_NOTE,
        "left_out": left_out["reason"].value_counts().to_dict(),
        "solver": {**facts, "method": "networkx.network_simplex"},
        "seconds": {"select": round(t1 - t0, 3), "flow": round(t2 - t1, 3), "plan": round(t3 - t2, 3)},
    }
    return ClearingPlan(out, by_party, left_out, summary)


def _yuan(cents: int) -> float:
    return round(cents / 100, 2)


def _cumsum_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` within runs of equal ``groups`` (sorted)."""
    total = np.cumsum(values)
    if not len(values):
        return total
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    offset = np.repeat(total[starts] - values[starts], np.diff(np.r_[starts, len(values)]))
    return total - offset


def _by_party(debts: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    d = debts[debts["remaining"] < debts["amount"]]
    common = {"case_no": d["case_no"].to_numpy(), "before": d["amount"].to_numpy(), "after": d["remaining"].to_numpy(),
              "cleared": (d["cleared_bilateral"] + d["cleared_multilateral"]).round(2).to_numpy(),
              "needs_agreement": (d["cleared_multilateral"] > 0).to_numpy()}
    rows = pd.concat([pd.DataFrame({"party_id": d["debtor"].to_numpy(), "role": C.DEBTOR, **common}),
                      pd.DataFrame({"party_id": d["creditor"].to_numpy(), "role": C.APPLICANT, **common})],
                     ignore_index=True)
    mine = names[names["party_id"].isin(rows["party_id"].unique())].drop_duplicates("party_id")
    rows = rows.merge(mine, on="party_id", how="left")
    rows["name"] = rows["name"].fillna(rows["party_id"]) if len(names) else rows["party_id"]
    return rows.sort_values(["party_id", "role", "case_no"])[list(OUTPUTS["by_party"].columns)].reset_index(drop=True)


# ------------------------------------------------------------ the baseline
def greedy_cycle_cancelling(debts: pd.DataFrame) -> float:
    """Yuan cleared by doing it by hand: every bilateral pair first, then
    cycle after cycle as a depth-first search meets them, each cancelled by
    its smallest debt. A baseline for :func:`clearing_plan`, which never
    clears less.

    >>> d = pd.DataFrame({"case_no": list("1234"), "debtor": list("ABAC"), "creditor": list("BACB"),
    ...                   "amount": [100.0, 50.0, 50.0, 50.0]})
    >>> greedy_cycle_cancelling(d), clearing_plan(d).summary["cleared"]
    (100.0, 150.0)
    """
    d, _ = _one_pair_each(debts)
    cents = np.rint(d["amount"].to_numpy(float) * 100).astype(np.int64)
    rem: dict[tuple, int] = {}
    for a, b, c in zip(d["debtor"], d["creditor"], cents.tolist()):
        rem[(a, b)] = rem.get((a, b), 0) + c
    cleared = 0
    for (a, b) in list(rem):
        if a < b and (b, a) in rem:
            m = min(rem[(a, b)], rem[(b, a)])
            rem[(a, b)] -= m
            rem[(b, a)] -= m
            cleared += 2 * m
    g = nx.DiGraph((a, b) for (a, b), c in rem.items() if c > 0)
    for comp in list(nx.strongly_connected_components(g)):
        if len(comp) < 2:
            g.remove_nodes_from(comp)
    while True:
        try:
            cyc = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            break
        m = min(rem[e[:2]] for e in cyc)
        for e in cyc:
            rem[e[:2]] -= m
            if rem[e[:2]] == 0:
                g.remove_edge(*e[:2])
        cleared += m * len(cyc)
    return _yuan(cleared)


# ------------------------------------------------------------ from another engine
def graph_from_rows(rows: pd.DataFrame, options: C.Options | None = None) -> CaseGraph:
    """A :class:`CaseGraph` (cases, roles, parties; no assets or judges) from
    one row per case and party: case_no, cause, amount, status, type_code,
    party_id, name, kind, role."""
    cols = ["case_no", "cause", "amount", "status", "type_code", "party_id", "name", "kind", "role"]
    rows = rows.reindex(columns=cols)
    cases = rows.drop_duplicates("case_no")[["case_no", "cause", "amount", "status", "type_code"]].copy()
    for col in ("cause", "status"):
        cases[col] = cases[col].fillna("").astype(str)
    cases["amount"] = pd.to_numeric(cases["amount"], errors="coerce")
    cases["type_code"] = cases["type_code"].where(cases["type_code"].notna(), None)
    cases = cases.assign(filed_on=None, judge="")[["case_no", "filed_on", "cause", "amount", "status", "judge",
                                                   "type_code"]].reset_index(drop=True)
    r = rows[rows["party_id"].notna() & rows["role"].notna()]
    roles = r[["case_no", "party_id", "role"]].drop_duplicates().reset_index(drop=True)
    parties = r.drop_duplicates("party_id")[["party_id", "name", "kind"]].fillna("").reset_index(drop=True)
    parties["id_masked"] = ""
    empty = pd.DataFrame
    return CaseGraph(cases, roles, empty(columns=["case_no", "asset_id", "asset_type", "action"]), parties,
                     empty(columns=["judge", "team", "capacity"]), options or C.Options())
