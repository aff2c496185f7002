"""The case–party network: cases, resolved parties and assets, and their links.

A :class:`CaseGraph` keeps the network as edge tables (fast to group and
join at a million cases) and gives a networkx view of any part of it for
drawing and exploring.

Example::

    g = build_graph(clean, resolved)
    nx_graph = g.to_networkx()
    nx_graph.nodes["case:（2024）沪0113执1号"]["kind"]
'case'
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from casegraph import contract as C
from casegraph.normalise.caseno import case_type
from casegraph.normalise.clean import Clean
from casegraph.resolve import Resolved


@dataclass
class CaseGraph:
    """``cases``: one row per case (case_no, filed_on, cause, amount, status,
    judge, type_code); ``roles``: case_no, party_id, role; ``assets``:
    case_no, asset_id, asset_type, action; ``parties``: the resolved parties;
    ``judges``: judge, team, capacity."""

    cases: pd.DataFrame
    roles: pd.DataFrame
    assets: pd.DataFrame
    parties: pd.DataFrame
    judges: pd.DataFrame
    options: C.Options = field(default_factory=C.Options)

    def is_personal(self) -> pd.Series:
        """Cases of a personal nature (抚养费, 探望权, …), by case_no."""
        return self.cases.set_index("case_no")["cause"].str.contains("|".join(self.options.personal_causes))

    def is_no_property(self) -> pd.Series:
        """Cases closed for now for lack of property (终本), by case_no."""
        return self.cases.set_index("case_no")["status"].str.contains("|".join(C.NO_PROPERTY_MARKERS))

    def debts(self) -> pd.DataFrame:
        """Money debts that may be set off: one row per (case, debtor, creditor)
        with the case's amount. Personal-nature claims and cases without a
        money amount are left out (DOMAIN.md, 抵销).

        Columns: case_no, debtor, creditor, amount. "debtor owes creditor".
        """
        c = self.cases
        ok = c["amount"].notna() & (c["amount"] > 0) & ~c["cause"].str.contains("|".join(self.options.personal_causes))
        money = c.loc[ok, ["case_no", "amount"]]
        r = self.roles[self.roles["case_no"].isin(money["case_no"])]
        app = r[r["role"] == C.APPLICANT][["case_no", "party_id"]].rename(columns={"party_id": "creditor"})
        deb = r[r["role"] == C.DEBTOR][["case_no", "party_id"]].rename(columns={"party_id": "debtor"})
        d = deb.merge(app, on="case_no").merge(money, on="case_no")
        return d[d["debtor"] != d["creditor"]][["case_no", "debtor", "creditor", "amount"]].reset_index(drop=True)

    def hub_applicants(self) -> set[str]:
        """Parties applying in more cases than the hub threshold (a bank with
        hundreds of borrowers): their applicant cases are not linked."""
        app = self.roles[self.roles["role"] == C.APPLICANT].drop_duplicates(["case_no", "party_id"])
        n = app["party_id"].value_counts()
        return set(n[n > self.options.hub_threshold].index)

    def links(self) -> pd.DataFrame:
        """What ties cases into bundles: case_no, link ("party:<id>" or
        "asset:<id>"), for links held by 2+ cases. Mass applicants' applicant
        cases are left out."""
        hubs = self.hub_applicants()
        r = self.roles[~((self.roles["role"] == C.APPLICANT) & self.roles["party_id"].isin(hubs))]
        r = r.drop_duplicates(["case_no", "party_id"])
        a = self.assets.drop_duplicates(["case_no", "asset_id"])
        # Keep only what 2+ cases hold before building link names: most parties have one case.
        r = r[r["party_id"].duplicated(keep=False)]
        a = a[a["asset_id"].duplicated(keep=False)]
        return pd.concat([
            pd.DataFrame({"case_no": r["case_no"].to_numpy(), "link": ("party:" + r["party_id"]).to_numpy()}),
            pd.DataFrame({"case_no": a["case_no"].to_numpy(), "link": ("asset:" + a["asset_id"]).to_numpy()}),
        ], ignore_index=True)

    def to_networkx(self, case_nos=None) -> nx.Graph:
        """The network (or the part around ``case_nos``) as a networkx graph.

        Nodes are ``case:<case_no>``, ``party:<party_id>`` and
        ``asset:<asset_id>`` with a ``kind`` attribute and their table's
        fields; edges carry ``role`` (applicant, debtor or the asset action).
        """
        cases, roles, assets = self.cases, self.roles, self.assets
        if case_nos is not None:
            keep = set(case_nos)
            cases = cases[cases["case_no"].isin(keep)]
            roles = roles[roles["case_no"].isin(keep)]
            assets = assets[assets["case_no"].isin(keep)]
        g = nx.Graph()
        for rec in cases.to_dict("records"):
            g.add_node("case:" + rec["case_no"], kind="case", **rec)
        parties = self.parties.set_index("party_id")
        for pid in roles["party_id"].unique():
            p = parties.loc[pid]
            g.add_node("party:" + pid, kind="person" if p["kind"] == C.PERSON else "organisation", party_id=pid,
                       name=p["name"], id_masked=p["id_masked"], party_kind=p["kind"])
        for case_no, pid, role in roles[["case_no", "party_id", "role"]].itertuples(index=False):
            g.add_edge("party:" + pid, "case:" + case_no, role=role)
        for case_no, aid, atype, action in assets[["case_no", "asset_id", "asset_type", "action"]].itertuples(index=False):
            g.add_node("asset:" + aid, kind="asset", asset_id=aid, asset_type=atype)
            g.add_edge("asset:" + aid, "case:" + case_no, role=action or "attached")
        return g


def build_graph(clean: Clean, resolved: Resolved, options: C.Options | None = None) -> CaseGraph:
    """The case–party network of a cleaned, resolved export."""
    cases = clean.cases[["case_no", "filed_on", "cause", "amount", "status", "judge"]].copy()
    cases["type_code"] = case_type(cases["case_no"])
    roles = resolved.records[["case_no", "party_id", "role"]].drop_duplicates().reset_index(drop=True)
    assets = clean.assets[["case_no", "asset_id", "asset_type", "action"]].reset_index(drop=True)
    return CaseGraph(cases, roles, assets, resolved.parties, clean.judges, options or C.Options())
