"""The findings of the embedded engine: plain functions from a
:class:`~casegraph.graph.CaseGraph` to the rows of an output file.

Each returns a DataFrame with the columns the contract names for it
(``casegraph.contract.OUTPUTS``). The Neo4j engine answers the same
questions in Cypher (``cypher/``) and must give the same rows.

The examples draw their court with :func:`casegraph.graph.from_rows`, which
takes the path an export takes, and show only what does not depend on the
identity key (``party_id`` is a keyed hash):

>>> from casegraph.graph import from_rows
>>> no = "（2024）沪0113执{}号".format
>>> g = from_rows(cases=[(no(1), "民间借贷纠纷", 5000), (no(2), "民间借贷纠纷", 8000)],
...               parties=[(no(1), "申请执行人", "上海甲有限公司"), (no(1), "被执行人", "王五", "310113198505052348"),
...                        (no(2), "申请执行人", "上海甲有限公司"), (no(2), "被执行人", "王五", "310113198505052348")])
>>> common_debtors(g)[["name", "n_cases", "n_applicants", "total_amount"]].values.tolist()
[['王五', 2, 1, 13000.0]]
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import polars as pl

from casegraph import contract as C
from casegraph.cells import join_per_group
from casegraph.columns import is_in
from casegraph.find import candidates, finish
from casegraph.find.finish import bundles_from_links
from casegraph.graph import CaseGraph

__all__ = ["bilateral_offsets", "bundles", "bundles_from_links", "common_debtors", "find_all", "offset_cycles",
           "offsets", "related_cases", "repeat_applicants", "shared_assets", "shared_representatives"]


def _party_label(g: CaseGraph) -> pd.Series:
    return g.parties.set_index("party_id")["name"]


def _repeated(roles: pd.DataFrame) -> pd.DataFrame:
    """The rows of parties in 2+ of these (distinct) roles: the few a
    finding is about, found before anything is counted or joined."""
    return roles[pl.from_pandas(roles["party_id"]).is_duplicated().to_numpy()]


def _named(g: CaseGraph, party_ids) -> pd.DataFrame:
    """party_id, name and kind of some parties, in the order given."""
    out = pd.DataFrame({"party_id": party_ids})
    known = g.parties.loc[is_in(g.parties["party_id"], out["party_id"]), ["party_id", "name", "kind"]]
    found = known.set_index("party_id").reindex(out["party_id"])
    out["name"] = found["name"].to_numpy()
    out["kind"] = found["kind"].to_numpy()
    return out


def repeat_applicants(g: CaseGraph) -> pd.DataFrame:
    """Applicants in 2+ cases, with the debtors they apply against again
    and again (``repeat_pairs``: ``<debtor party_id>×<n>``), e.g. a parent
    back for child support, a 执恢 resumed case.

    Mass applicants (more cases than the hub threshold) are marked.

    A parent back for child support against the same ex-spouse, and once
    against someone else:

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> zhang, wang, li = ("张三", "310113198001011235"), ("王五", "310113198505052348"), ("李四", "310113199009093452")
    >>> g = from_rows(cases=[(no(1), "抚养费纠纷", 6000), (no(2), "抚养费纠纷", 6000), (no(3), "民间借贷纠纷", 20000)],
    ...               parties=[(no(1), "申请执行人", *zhang), (no(1), "被执行人", *wang),
    ...                        (no(2), "申请执行人", *zhang), (no(2), "被执行人", *wang),
    ...                        (no(3), "申请执行人", *zhang), (no(3), "被执行人", *li)])
    >>> r = repeat_applicants(g)
    >>> r[["name", "n_cases", "n_debtors", "mass_applicant"]].values.tolist()
    [['张三', 3, 2, False]]
    >>> r.at[0, "repeat_pairs"] == g.parties.set_index("name").at["王五", "party_id"] + "×2"
    True
    """
    r = g.distinct_roles()
    app = _repeated(r.loc[r["role"] == C.APPLICANT, ["case_no", "party_id"]])
    repeat = app.groupby("party_id")["case_no"].nunique()
    deb = r.loc[r["role"] == C.DEBTOR, ["case_no", "party_id"]].rename(columns={"party_id": "debtor"})
    deb = deb[deb["case_no"].isin(app["case_no"])]
    pairs = app.merge(deb, on="case_no")
    n_debtors = pairs.groupby("party_id")["debtor"].nunique()
    per_pair = pairs.groupby(["party_id", "debtor"])["case_no"].nunique().reset_index(name="n")
    per_pair = per_pair[per_pair["n"] >= 2]
    repeat_pairs = join_per_group(per_pair["party_id"], per_pair["debtor"] + "×" + per_pair["n"].astype(str))
    out = _named(g, repeat.index)
    out["n_cases"] = repeat.to_numpy()
    out["n_debtors"] = n_debtors.reindex(out["party_id"]).fillna(0).astype(int).to_numpy()
    out["case_nos"] = join_per_group(app["party_id"], app["case_no"]).reindex(out["party_id"]).to_numpy()
    out["repeat_pairs"] = repeat_pairs.reindex(out["party_id"]).fillna("").to_numpy()
    out["mass_applicant"] = out["n_cases"] > g.options.hub_threshold
    return finish.repeat_applicants(out)


def common_debtors(g: CaseGraph) -> pd.DataFrame:
    """Debtors in 2+ cases: candidates for centralised enforcement (集中执行).

    ``n_no_property`` counts their cases closed for lack of property (终本),
    the signal for enforcement-to-bankruptcy (执转破) or personal debt
    consolidation; ``total_amount`` sums their cases' amounts; ``courts``
    names the courts of their cases (``n_courts`` of them): a debtor in
    several is the higher court's finding, for 提级执行 or 协同执行
    (``cross_court``).

    A company owed by two creditors, one case closed for lack of property;
    李四 owes in one case only:

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> A, B = "上海甲有限公司", "上海乙有限公司"
    >>> g = from_rows(cases=[(no(1), "买卖合同纠纷", 100000, "终结本次执行"), (no(2), "劳务合同纠纷", 20000.5),
    ...                      (no(3), "民间借贷纠纷", 5000)],
    ...               parties=[(no(1), "申请执行人", B), (no(1), "被执行人", A),
    ...                        (no(2), "申请执行人", "张三", "310113198001011235"), (no(2), "被执行人", A),
    ...                        (no(3), "申请执行人", B), (no(3), "被执行人", "李四", "310113199009093452")])
    >>> d = common_debtors(g)
    >>> d[["name", "n_cases", "n_applicants", "total_amount", "n_no_property", "n_courts", "cross_court"]].values.tolist()
    [['上海甲有限公司', 2, 2, 120000.5, 1, 1, False]]
    >>> d.at[0, "case_nos"].split(";") == [no(1), no(2)]
    True
    """
    r = g.distinct_roles()
    deb = _repeated(r.loc[r["role"] == C.DEBTOR, ["case_no", "party_id"]])
    many = deb.groupby("party_id")["case_no"].nunique()
    app = r.loc[r["role"] == C.APPLICANT, ["case_no", "party_id"]].rename(columns={"party_id": "applicant"})
    app = app[app["case_no"].isin(deb["case_no"])]
    n_app = deb.merge(app, on="case_no").groupby("party_id")["applicant"].nunique()
    theirs = g.rows_of(g.cases, "case_no", deb["case_no"]).set_index("case_no")
    d = deb.assign(amount=theirs["amount"].reindex(deb["case_no"]).to_numpy(),
                   court=theirs["court"].reindex(deb["case_no"]).to_numpy(),
                   no_property=g.is_no_property(deb["case_no"]).reindex(deb["case_no"]).to_numpy())
    sums = d.groupby("party_id").agg(total_amount=("amount", "sum"), n_no_property=("no_property", "sum"))
    out = _named(g, many.index)
    out["n_cases"] = many.to_numpy()
    out["n_applicants"] = n_app.reindex(out["party_id"]).fillna(0).astype(int).to_numpy()
    out["total_amount"] = sums["total_amount"].reindex(out["party_id"]).to_numpy()
    out["n_no_property"] = sums["n_no_property"].reindex(out["party_id"]).to_numpy()
    out["case_nos"] = join_per_group(deb["party_id"], deb["case_no"]).reindex(out["party_id"]).to_numpy()
    courts = d[d["court"].fillna("") != ""]
    out["courts"] = join_per_group(courts["party_id"], courts["court"]).reindex(out["party_id"]).fillna("").to_numpy()
    return finish.common_debtors(out)


def _pair_debts(g: CaseGraph) -> pd.DataFrame:
    """Debts summed per directed pair (debtor, creditor, amount, case_nos),
    for the pairs that can sit on an offset: parties that both owe and are
    owed. Most of a court's debts are one-way and drop out here."""
    d = g.debts(mutual=True).drop_duplicates(["debtor", "creditor", "case_no"])
    edges = d
    while True:
        both = set(edges["debtor"]) & set(edges["creditor"])
        kept = edges[edges["debtor"].isin(both) & edges["creditor"].isin(both)]
        if len(kept) == len(edges):
            break
        edges = kept
    agg = edges.groupby(["debtor", "creditor"], as_index=False)["amount"].sum()
    cases = join_per_group(edges["debtor"] + "\t" + edges["creditor"], edges["case_no"])
    agg["case_nos"] = cases.reindex(agg["debtor"] + "\t" + agg["creditor"]).to_numpy()
    return agg


def bilateral_offsets(g: CaseGraph, pair_debts: pd.DataFrame | None = None) -> pd.DataFrame:
    """A applies against B in one money case and B against A in another:
    one row per party pair; ``amount`` is what can be set off (the smaller
    of the two directions' sums)."""
    p = _pair_debts(g) if pair_debts is None else pair_debts
    back = p.rename(columns={"debtor": "creditor", "creditor": "debtor", "amount": "back_amount", "case_nos": "back_cases"})
    m = p.merge(back, on=["debtor", "creditor"])
    m = m[m["debtor"] < m["creditor"]]
    return finish.bilateral_offsets(pd.DataFrame({
        "parties": list(zip(m["debtor"], m["creditor"])),
        "case_nos": [a.split(C.LIST_SEP) + b.split(C.LIST_SEP) for a, b in zip(m["case_nos"], m["back_cases"])],
        "amount": np.minimum(m["amount"], m["back_amount"]).to_numpy(),
    }))


def offset_cycles(g: CaseGraph, pair_debts: pd.DataFrame | None = None, limit: int = 100_000) -> pd.DataFrame:
    """Directed cycles of 3+ parties of money debts (A owes B owes C owes A),
    up to ``options.max_cycle_length`` parties. ``parties`` lists them in
    owing order starting from the smallest party_id; ``amount`` is the
    smallest debt on the cycle. These need every party's agreement."""
    p = _pair_debts(g) if pair_debts is None else pair_debts
    edges = p[["debtor", "creditor"]]  # already pruned to parties that owe and are owed
    dg = nx.DiGraph()
    info = p.set_index(["debtor", "creditor"])
    dg.add_edges_from(edges.itertuples(index=False, name=None))
    rows = []
    for comp in nx.strongly_connected_components(dg):
        if len(comp) < 3:
            continue
        for cyc in nx.simple_cycles(dg.subgraph(comp), length_bound=g.options.max_cycle_length):
            if len(cyc) < 3:
                continue
            i = cyc.index(min(cyc))
            cyc = cyc[i:] + cyc[:i]
            steps = list(zip(cyc, cyc[1:] + cyc[:1]))
            amount = min(info.at[s, "amount"] for s in steps)
            case_nos = [c for s in steps for c in info.at[s, "case_nos"].split(C.LIST_SEP)]
            rows.append((cyc, case_nos, amount))
            if len(rows) >= limit:
                break
    return finish.offset_cycles(pd.DataFrame(rows, columns=["parties", "case_nos", "amount"]))


def offsets(g: CaseGraph) -> pd.DataFrame:
    """Set-off candidates: bilateral pairs, then multilateral cycles.

    甲 and 乙 apply against each other (bilateral: the smaller side, 120);
    甲 owes 丙, 丙 owes 乙 and 乙 owes 甲 (a cycle: its smallest debt, 50):

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> def debt(n, creditor, debtor):  # each party: (name,) or (name, ID number)
    ...     return [(no(n), "申请执行人", *creditor), (no(n), "被执行人", *debtor)]
    >>> A, B, C = ("上海甲有限公司",), ("上海乙有限公司",), ("上海丙有限公司",)
    >>> g = from_rows(cases=[(no(1), "买卖合同纠纷", 300), (no(2), "买卖合同纠纷", 120), (no(3), "买卖合同纠纷", 50),
    ...                      (no(4), "买卖合同纠纷", 80)],
    ...               parties=debt(1, A, B) + debt(2, B, A) + debt(3, C, A) + debt(4, B, C))
    >>> o = offsets(g)
    >>> o[["kind", "amount"]].values.tolist()
    [['bilateral', 120.0], ['multilateral', 50.0]]
    >>> [c.split(";") for c in o["case_nos"]] == [[no(1), no(2)], [no(1), no(3), no(4)]]
    True

    Child support (抚养费) is a personal-nature claim, never set off:

    >>> zhang, wang = ("张三", "310113198001011235"), ("王五", "310113198505052348")
    >>> g = from_rows(cases=[(no(1), "抚养费纠纷", 300), (no(2), "民间借贷纠纷", 500)],
    ...               parties=debt(1, zhang, wang) + debt(2, wang, zhang))
    >>> offsets(g).empty
    True
    """
    p = _pair_debts(g)
    return finish.offsets(bilateral_offsets(g, p), offset_cycles(g, p))


def shared_assets(g: CaseGraph) -> pd.DataFrame:
    """Assets attached (查封/冻结/扣押) in 2+ cases: enforce them together.

    A flat a couple own together, seized in each one's case; a car seized once:

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> flat = "沪(2020)宝山区不动产权第0012345号"
    >>> g = from_rows(cases=[(no(1), "民间借贷纠纷", 50000), (no(2), "民间借贷纠纷", 80000)],
    ...               parties=[(no(1), "申请执行人", "上海甲有限公司"), (no(1), "被执行人", "王五", "310113198505052348"),
    ...                        (no(2), "申请执行人", "上海乙有限公司"), (no(2), "被执行人", "赵六", "310113197512124560")],
    ...               assets=[(no(1), flat, "不动产", "查封"), (no(2), flat, "不动产", "查封"), (no(2), "沪A12345", "车辆", "扣押")])
    >>> s = shared_assets(g)
    >>> s[["asset_id", "asset_type", "n_cases"]].values.tolist()
    [['沪(2020)宝山区不动产权第0012345号', '不动产', 2]]
    """
    a = g.assets[pl.from_pandas(g.assets["asset_id"]).is_duplicated().to_numpy()]  # one row: one case
    a = a.drop_duplicates(["case_no", "asset_id"])
    n = a["asset_id"].value_counts()
    many = a[a["asset_id"].isin(n[n >= 2].index)]
    types = many[many["asset_type"] != ""].drop_duplicates("asset_id").set_index("asset_id")["asset_type"]
    out = pd.DataFrame({"asset_id": sorted(many["asset_id"].unique())})
    out["asset_type"] = types.reindex(out["asset_id"]).fillna("").to_numpy()
    out["n_cases"] = n.reindex(out["asset_id"]).to_numpy()
    out["case_nos"] = join_per_group(many["asset_id"], many["case_no"]).reindex(out["asset_id"]).to_numpy()
    return finish.shared_assets(out)


def shared_representatives(g: CaseGraph) -> pd.DataFrame:
    """Organisations owing in cases that name the same legal representative
    (法定代表人或负责人): related companies (关联企业), a lead for the
    enforcement team, never a merge (a representative is a relation, not an
    identity). An anonymised representative (张某) ties nothing.

    >>> from casegraph.graph import from_rows
    >>> no = "（2018）黑0103执{}号".format
    >>> g = from_rows(cases=[(no(1),), (no(2),), (no(3),)],
    ...               parties=[{"案号": no(1), "诉讼地位": "被执行人", "名称": "哈尔滨泰富电气有限公司", "法定代表人": "杨天夫"},
    ...                        {"案号": no(2), "诉讼地位": "被执行人", "名称": "哈尔滨泰富小额贷款有限公司", "法定代表人": "杨天夫"},
    ...                        {"案号": no(3), "诉讼地位": "被执行人", "名称": "哈尔滨丙有限公司", "法定代表人": "李某"}])
    >>> r = shared_representatives(g)
    >>> r[["representative", "n_parties", "n_cases"]].values.tolist(), sorted(r.at[0, "names"].split(";"))
    ([['杨天夫', 2, 2]], ['哈尔滨泰富小额贷款有限公司', '哈尔滨泰富电气有限公司'])
    """
    rep = g.representatives
    rep = rep[~rep["representative"].str.contains("某")]
    rep = rep[_named(g, rep["party_id"].to_numpy())["kind"].ne(C.PERSON).to_numpy()]
    n = rep.groupby("representative")["party_id"].nunique()
    rep = rep[rep["representative"].isin(n[n >= 2].index)]
    if rep.empty:
        return finish.shared_representatives(pd.DataFrame(columns=["representative", "party_ids", "names", "n_cases",
                                                                   "case_nos"]))
    per = rep.drop_duplicates(["representative", "party_id"]).sort_values(["representative", "party_id"])
    rows = pd.DataFrame({"party_ids": per.groupby("representative")["party_id"].agg(list)})
    rows["names"] = per.assign(name=_named(g, per["party_id"].to_numpy())["name"].to_numpy()).groupby(
        "representative")["name"].agg(list)
    rows["n_cases"] = rep.groupby("representative")["case_no"].nunique()
    rows["case_nos"] = join_per_group(rep["representative"], rep["case_no"])
    return finish.shared_representatives(rows.rename_axis("representative").reset_index())


def bundles(g: CaseGraph) -> pd.DataFrame:
    """Related-case bundles: cases tied by a shared resolved party (any role)
    or a shared asset; see :func:`casegraph.find.finish.bundles_from_links`.

    王五 is the debtor in one case and the applicant in the next, which ties
    them; 甲 against 乙 stands alone:

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> zhang, wang, li = ("张三", "310113198001011235"), ("王五", "310113198505052348"), ("李四", "310113199009093452")
    >>> g = from_rows(cases=[(no(1), "民间借贷纠纷", 1000), (no(2), "民间借贷纠纷", 2000), (no(3), "买卖合同纠纷", 3000)],
    ...               parties=[(no(1), "申请执行人", *zhang), (no(1), "被执行人", *wang),
    ...                        (no(2), "申请执行人", *wang), (no(2), "被执行人", *li),
    ...                        (no(3), "申请执行人", "上海甲有限公司"), (no(3), "被执行人", "上海乙有限公司")])
    >>> b = bundles(g)
    >>> b["case_no"].tolist() == [no(1), no(2)], b["bundle_id"].nunique()
    (True, 1)
    >>> set(b["reasons"]) == {"party:" + g.parties.set_index("name").at["王五", "party_id"]}
    True
    """
    return bundles_from_links(g.links())


def related_cases(g: CaseGraph, case_no: str) -> pd.DataFrame:
    """The cases sharing a party or asset with one case: case_no, via.

    王五 ties case 2 to case 1 and 李四 to case 3; case 4 shares nothing:

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> zhang, wang, li = ("张三", "310113198001011235"), ("王五", "310113198505052348"), ("李四", "310113199009093452")
    >>> g = from_rows(cases=[(no(i), "民间借贷纠纷", 1000) for i in (1, 2, 3, 4)],
    ...               parties=[(no(1), "申请执行人", *zhang), (no(1), "被执行人", *wang),
    ...                        (no(2), "申请执行人", *wang), (no(2), "被执行人", *li),
    ...                        (no(3), "申请执行人", "上海甲有限公司"), (no(3), "被执行人", *li),
    ...                        (no(4), "申请执行人", "上海乙有限公司"), (no(4), "被执行人", "上海丙有限公司")])
    >>> r = related_cases(g, no(2))
    >>> names = g.parties.set_index("party_id")["name"]
    >>> [(c == no(1), c == no(3), names[via.removeprefix("party:")]) for c, via in zip(r["case_no"], r["via"])]
    [(True, False, '王五'), (False, True, '李四')]
    """
    links = g.links()
    mine = links.loc[links["case_no"] == case_no, "link"]
    rel = links[links["link"].isin(mine) & (links["case_no"] != case_no)]
    return finish.related_cases(join_per_group(rel["case_no"], rel["link"]).rename("via").rename_axis("case_no")
                                .reset_index())


def find_all(g: CaseGraph) -> dict[str, pd.DataFrame]:
    """Every finding of the embedded engine, by output name.

    >>> from casegraph.graph import from_rows
    >>> no = "（2024）沪0113执{}号".format
    >>> g = from_rows(cases=[(no(1), "买卖合同纠纷", 300), (no(2), "买卖合同纠纷", 120)],
    ...               parties=[(no(1), "申请执行人", "上海甲有限公司"), (no(1), "被执行人", "上海乙有限公司"),
    ...                        (no(2), "申请执行人", "上海乙有限公司"), (no(2), "被执行人", "上海甲有限公司")])
    >>> {name: len(rows) for name, rows in find_all(g).items()}
    {'repeat_applicants': 0, 'common_debtors': 0, 'offsets': 1, 'shared_assets': 0, 'shared_representatives': 0, 'bundles': 2, 'candidates': 0}
    """
    return {
        "repeat_applicants": repeat_applicants(g),
        "common_debtors": common_debtors(g),
        "offsets": offsets(g),
        "shared_assets": shared_assets(g),
        "shared_representatives": shared_representatives(g),
        "bundles": bundles(g),
        "candidates": candidates.find(g),
    }
