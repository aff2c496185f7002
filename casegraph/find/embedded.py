"""The findings of the embedded engine: plain functions from a
:class:`~casegraph.graph.CaseGraph` to the rows of an output file.

Each returns a DataFrame with the columns the contract names for it
(``casegraph.contract.OUTPUTS``). The Neo4j engine answers the same
questions in Cypher (``cypher/``) and must give the same rows.

Example::

    from casegraph.find.embedded import common_debtors
    common_debtors(graph).head(1)
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.cells import join_per_group
from casegraph.find import finish
from casegraph.find.finish import bundles_from_links
from casegraph.graph import CaseGraph

__all__ = ["bilateral_offsets", "bundles", "bundles_from_links", "common_debtors", "find_all", "offset_cycles",
           "offsets", "related_cases", "repeat_applicants", "shared_assets"]


def _party_label(g: CaseGraph) -> pd.Series:
    return g.parties.set_index("party_id")["name"]


def repeat_applicants(g: CaseGraph) -> pd.DataFrame:
    """Applicants in 2+ cases, with the debtors they apply against again
    and again (``repeat_pairs``: ``<debtor party_id>×<n>``), e.g. a parent
    back for child support, a 执恢 resumed case.

    Mass applicants (more cases than the hub threshold) are marked.
    """
    r = g.roles.drop_duplicates(["case_no", "party_id", "role"])
    app = r[r["role"] == C.APPLICANT][["case_no", "party_id"]]
    n_cases = app.groupby("party_id")["case_no"].nunique()
    repeat = n_cases[n_cases >= 2]
    app = app[app["party_id"].isin(repeat.index)]
    deb = r[r["role"] == C.DEBTOR][["case_no", "party_id"]].rename(columns={"party_id": "debtor"})
    pairs = app.merge(deb, on="case_no")
    n_debtors = pairs.groupby("party_id")["debtor"].nunique()
    per_pair = pairs.groupby(["party_id", "debtor"])["case_no"].nunique().reset_index(name="n")
    per_pair = per_pair[per_pair["n"] >= 2]
    repeat_pairs = join_per_group(per_pair["party_id"], per_pair["debtor"] + "×" + per_pair["n"].astype(str))
    parties = g.parties.set_index("party_id")
    out = pd.DataFrame({"party_id": repeat.index})
    out["name"] = parties["name"].reindex(out["party_id"]).to_numpy()
    out["kind"] = parties["kind"].reindex(out["party_id"]).to_numpy()
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
    consolidation; ``total_amount`` sums their cases' amounts.
    """
    r = g.roles.drop_duplicates(["case_no", "party_id", "role"])
    deb = r[r["role"] == C.DEBTOR][["case_no", "party_id"]]
    n_cases = deb.groupby("party_id")["case_no"].nunique()
    many = n_cases[n_cases >= 2]
    deb = deb[deb["party_id"].isin(many.index)]
    app = r[r["role"] == C.APPLICANT][["case_no", "party_id"]].rename(columns={"party_id": "applicant"})
    n_app = deb.merge(app, on="case_no").groupby("party_id")["applicant"].nunique()
    cases = g.cases.set_index("case_no")
    d = deb.assign(amount=cases["amount"].reindex(deb["case_no"]).to_numpy(),
                   no_property=g.is_no_property().reindex(deb["case_no"]).to_numpy())
    sums = d.groupby("party_id").agg(total_amount=("amount", "sum"), n_no_property=("no_property", "sum"))
    parties = g.parties.set_index("party_id")
    out = pd.DataFrame({"party_id": many.index})
    out["name"] = parties["name"].reindex(out["party_id"]).to_numpy()
    out["kind"] = parties["kind"].reindex(out["party_id"]).to_numpy()
    out["n_cases"] = many.to_numpy()
    out["n_applicants"] = n_app.reindex(out["party_id"]).fillna(0).astype(int).to_numpy()
    out["total_amount"] = sums["total_amount"].reindex(out["party_id"]).to_numpy()
    out["n_no_property"] = sums["n_no_property"].reindex(out["party_id"]).to_numpy()
    out["case_nos"] = join_per_group(deb["party_id"], deb["case_no"]).reindex(out["party_id"]).to_numpy()
    return finish.common_debtors(out)


def _pair_debts(g: CaseGraph) -> pd.DataFrame:
    """Debts summed per directed pair (debtor, creditor, amount, case_nos),
    for the pairs that can sit on an offset: parties that both owe and are
    owed. Most of a court's debts are one-way and drop out here."""
    d = g.debts().drop_duplicates(["debtor", "creditor", "case_no"])
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
    """Set-off candidates: bilateral pairs, then multilateral cycles."""
    p = _pair_debts(g)
    return finish.offsets(bilateral_offsets(g, p), offset_cycles(g, p))


def shared_assets(g: CaseGraph) -> pd.DataFrame:
    """Assets attached (查封/冻结/扣押) in 2+ cases: enforce them together."""
    a = g.assets.drop_duplicates(["case_no", "asset_id"])
    n = a["asset_id"].value_counts()
    many = a[a["asset_id"].isin(n[n >= 2].index)]
    types = many[many["asset_type"] != ""].drop_duplicates("asset_id").set_index("asset_id")["asset_type"]
    out = pd.DataFrame({"asset_id": sorted(many["asset_id"].unique())})
    out["asset_type"] = types.reindex(out["asset_id"]).fillna("").to_numpy()
    out["n_cases"] = n.reindex(out["asset_id"]).to_numpy()
    out["case_nos"] = join_per_group(many["asset_id"], many["case_no"]).reindex(out["asset_id"]).to_numpy()
    return finish.shared_assets(out)


def bundles(g: CaseGraph) -> pd.DataFrame:
    """Related-case bundles: cases tied by a shared resolved party (any role)
    or a shared asset; see :func:`casegraph.find.finish.bundles_from_links`."""
    return bundles_from_links(g.links())


def related_cases(g: CaseGraph, case_no: str) -> pd.DataFrame:
    """The cases sharing a party or asset with one case: case_no, via."""
    links = g.links()
    mine = links.loc[links["case_no"] == case_no, "link"]
    rel = links[links["link"].isin(mine) & (links["case_no"] != case_no)]
    return finish.related_cases(join_per_group(rel["case_no"], rel["link"]).rename("via").rename_axis("case_no")
                                .reset_index())


def find_all(g: CaseGraph) -> dict[str, pd.DataFrame]:
    """Every finding of the embedded engine, by output name."""
    return {
        "repeat_applicants": repeat_applicants(g),
        "common_debtors": common_debtors(g),
        "offsets": offsets(g),
        "shared_assets": shared_assets(g),
        "bundles": bundles(g),
    }
