"""The case–party network: cases, resolved parties and assets, and their links.

A :class:`CaseGraph` keeps the network as edge tables (fast to group and
join at a million cases) and gives a networkx view of any part of it for
drawing and exploring. An export becomes one through
:func:`casegraph.pipeline.prepare`; a court small enough to draw on paper
through :func:`from_rows`, on the same path.

>>> g = from_rows(
...     cases=[("（2024）沪0113执1号", "民间借贷纠纷", 10000), ("（2024）沪0113执2号", "买卖合同纠纷", 5000)],
...     parties=[("（2024）沪0113执1号", "申请执行人", "张三", "310113198001011235"),
...              ("（2024）沪0113执1号", "被执行人", "上海甲有限公司", "91310113MA1FL0001R"),
...              ("(2024)沪0113执2号", "申请执行人", "李四", "310113198505052348"),
...              ("(2024)沪0113执2号", "被执行人", "上海甲有限公司")])
>>> g.parties["name"].sort_values().tolist()  # the row without a code joins the one coded 上海甲有限公司
['上海甲有限公司', '张三', '李四']
>>> G = g.to_networkx()
>>> sorted(G.nodes[n]["name"] for n in G["case:（2024）沪0113执2号"])
['上海甲有限公司', '李四']
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
import polars as pl

from casegraph import contract as C
from casegraph.columns import distinct_rows
from casegraph.errors import InputError
from casegraph.normalise.caseno import case_type
from casegraph.normalise.clean import Clean, normalise
from casegraph.resolve import Resolved, resolve


@dataclass
class CaseGraph:
    """``cases``: one row per case (case_no, filed_on, cause, amount, status,
    judge, court, case_no_typed: the number as written, type_code); ``roles``: case_no, party_id, role; ``assets``:
    case_no, asset_id, asset_type, action; ``parties``: the resolved parties;
    ``judges``: judge, team, capacity, court; ``resolved``: the resolution the
    parties come from (records and the clerk's decisions, for the candidates
    for review), or None for a graph of roles alone; ``representatives``:
    who represents a party in a case (法定代表人: a relation, not an identity)."""

    cases: pd.DataFrame
    roles: pd.DataFrame
    assets: pd.DataFrame
    parties: pd.DataFrame
    judges: pd.DataFrame
    options: C.Options = field(default_factory=C.Options)
    resolved: Resolved | None = None
    # Who represents a party in a case (法定代表人): case_no, party_id, representative (a name).
    representatives: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ("case_no", "party_id", "representative")}))
    # distinct_roles(), made once: the roles it was made from, and the answer
    _distinct: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    _distinct_roles: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    _indexes: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # rows_of()
    _party_info: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def is_personal(self) -> pd.Series:
        """Cases of a personal nature (抚养费, 探望权, …), by case_no."""
        return self.cases.set_index("case_no")["cause"].str.contains("|".join(self.options.personal_causes))

    def is_no_property(self, case_nos=None) -> pd.Series:
        """Cases closed for now for lack of property (终本), by case_no (of
        ``case_nos`` only, if given)."""
        cases = self.cases if case_nos is None else self.rows_of(self.cases, "case_no", case_nos)
        return cases.set_index("case_no")["status"].str.contains("|".join(C.NO_PROPERTY_MARKERS))

    def distinct_roles(self) -> pd.DataFrame:
        """``roles`` without repeated (case_no, party_id, role) rows: the
        findings count cases, not rows. :func:`build_graph` makes them
        distinct already; a graph made otherwise is checked once."""
        if self._distinct is not self.roles:
            self._distinct_roles = self.roles.drop_duplicates(["case_no", "party_id", "role"])
            self._distinct = self.roles
        return self._distinct_roles

    def rows_of(self, table: pd.DataFrame, column: str, keys) -> pd.DataFrame:
        """The rows of ``table`` (one of this graph's tables) whose ``column``
        holds one of ``keys``, in the table's order: what a picture needs of
        a million cases, found through a sorted index made once per table
        and column instead of a scan each time.

        >>> g = from_rows(cases=[("（2024）沪0113执1号",), ("（2024）沪0113执2号",)],
        ...               parties=[("（2024）沪0113执1号", "申请执行人", "张三"), ("（2024）沪0113执2号", "被执行人", "李四")])
        >>> g.rows_of(g.roles, "case_no", {"（2024）沪0113执2号"})["role"].tolist()
        ['debtor']
        """
        held = self._indexes.get((id(table), column))
        if held is None or held[0] is not table:
            values = table[column].to_numpy(dtype=object)
            order = pl.Series(values, dtype=pl.String).arg_sort().to_numpy()  # code point order, as Python's
            held = self._indexes[(id(table), column)] = (table, order, values[order])
        _, order, ordered = held
        wanted = np.array(sorted(set(keys)), dtype=object)
        lo, hi = np.searchsorted(ordered, wanted, "left"), np.searchsorted(ordered, wanted, "right")
        return table.iloc[np.sort(np.concatenate([order[a:b] for a, b in zip(lo, hi)] + [order[:0]]))]

    def party_info(self) -> pd.DataFrame:
        """``parties`` indexed by party_id, made once."""
        if self._party_info is None or self._party_info[0] is not self.parties:
            self._party_info = (self.parties, self.parties.set_index("party_id"))
        return self._party_info[1]

    def debts(self, mutual: bool = False) -> pd.DataFrame:
        """Money debts that may be set off: one row per (case, debtor, creditor)
        with the case's amount. Personal-nature claims and cases without a
        money amount are left out (DOMAIN.md, 抵销). ``mutual``: only the
        debts between parties that both owe and are owed in such cases (all
        an offset can be made of; most of a court's debts are one-way).

        Columns: case_no, debtor, creditor, amount. "debtor owes creditor".
        """
        c = self.cases
        ok = c["amount"].notna() & (c["amount"] > 0) & ~c["cause"].str.contains("|".join(self.options.personal_causes))
        money = c.loc[ok, ["case_no", "amount"]]
        r = self.roles
        if mutual:  # first among every case (cheap), then among the money cases
            r = _both_ways(r)
        r = r[r["case_no"].isin(money["case_no"])]
        if mutual:
            r = _both_ways(r)
        app = r[r["role"] == C.APPLICANT][["case_no", "party_id"]].rename(columns={"party_id": "creditor"})
        deb = r[r["role"] == C.DEBTOR][["case_no", "party_id"]].rename(columns={"party_id": "debtor"})
        d = deb.merge(app, on="case_no").merge(money, on="case_no")
        return d[d["debtor"] != d["creditor"]][["case_no", "debtor", "creditor", "amount"]].reset_index(drop=True)

    def hub_applicants(self) -> set[str]:
        """Parties applying in more cases than the hub threshold (a bank with
        hundreds of borrowers): their applicant cases are not linked."""
        roles = self.distinct_roles()  # an applicant once per case
        n = pl.from_pandas(roles.loc[roles["role"] == C.APPLICANT, "party_id"]).value_counts()
        return set(n.filter(pl.col("count") > self.options.hub_threshold)["party_id"])

    def links(self) -> pd.DataFrame:
        """What ties cases into bundles: case_no, link ("party:<id>" or
        "asset:<id>"), for links held by 2+ cases, and the case's court (a
        link ties cases of one court only: no judge sits in two). Mass
        applicants' applicant cases are left out."""
        hubs = self.hub_applicants()
        r = self.roles
        party = pl.from_pandas(r["party_id"])
        # Keep only what 2+ rows hold before anything else: most parties have one case.
        many = party.is_duplicated() & ~(party.is_in(pl.Series(sorted(hubs), dtype=pl.String).implode())
                                         & pl.Series((r["role"] == C.APPLICANT).to_numpy()))
        r = r[many.to_numpy()].drop_duplicates(["case_no", "party_id"])
        a = self.assets[pl.from_pandas(self.assets["asset_id"]).is_duplicated().to_numpy()]
        a = a.drop_duplicates(["case_no", "asset_id"])
        # ... and in 2+ cases: a party both applicant and debtor of one case holds one
        r = r[r["party_id"].duplicated(keep=False)]
        a = a[a["asset_id"].duplicated(keep=False)]
        links = pd.concat([
            pd.DataFrame({"case_no": r["case_no"].to_numpy(), "link": ("party:" + r["party_id"]).to_numpy()}),
            pd.DataFrame({"case_no": a["case_no"].to_numpy(), "link": ("asset:" + a["asset_id"]).to_numpy()}),
        ], ignore_index=True)
        court = self.rows_of(self.cases, "case_no", links["case_no"]).set_index("case_no")["court"] \
            if "court" in self.cases and len(links) else pd.Series(dtype=object)
        links["court"] = court.reindex(links["case_no"]).fillna("").to_numpy(dtype=object) if len(court) else ""
        return links

    def to_networkx(self, case_nos=None) -> nx.Graph:
        """The network (or the part around ``case_nos``) as a networkx graph.

        Nodes are ``case:<case_no>``, ``party:<party_id>`` and
        ``asset:<asset_id>`` with a ``kind`` attribute and their table's
        fields; edges carry ``role`` (applicant, debtor or the asset action).
        """
        cases, roles, assets = self.cases, self.roles, self.assets
        if case_nos is not None:
            keep = set(case_nos)
            cases, roles, assets = (self.rows_of(t, "case_no", keep) for t in (cases, roles, assets))
        g = nx.Graph()
        for rec in cases.to_dict("records"):
            g.add_node("case:" + rec["case_no"], kind="case", **rec)
        parties = self.party_info()
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


def _both_ways(roles: pd.DataFrame) -> pd.DataFrame:
    """The rows of parties that are applicants somewhere in ``roles`` and debtors somewhere too."""
    party, applies = pl.from_pandas(roles["party_id"]), (roles["role"] == C.APPLICANT).to_numpy()
    both = party.filter(applies).unique().to_frame().join(party.filter(~applies).unique().to_frame(), on="party_id")
    return roles[party.is_in(both["party_id"].implode()).to_numpy()]


def build_graph(clean: Clean, resolved: Resolved, options: C.Options | None = None) -> CaseGraph:
    """The case–party network of a cleaned, resolved export."""
    cases = clean.cases[["case_no", "filed_on", "cause", "amount", "status", "judge", "court", "case_no_typed"]].copy()
    cases["type_code"] = case_type(cases["case_no"])
    roles = distinct_rows(resolved.records[["case_no", "party_id", "role"]]).reset_index(drop=True)
    assets = clean.assets[["case_no", "asset_id", "asset_type", "action"]].reset_index(drop=True)
    rec = resolved.records
    if "representative" in rec:
        named = rec["representative"].fillna("").astype(str) != ""
        rep = rec.loc[named, ["case_no", "party_id", "representative"]].drop_duplicates().reset_index(drop=True)
    else:
        rep = None
    graph = CaseGraph(cases, roles, assets, resolved.parties, clean.judges, options or C.Options(), resolved,
                      *(() if rep is None else (rep,)))
    graph._distinct = graph._distinct_roles = roles
    return graph


# The order a row's fields may be typed in; the cases' differs from the
# export's so that the three fields every example needs come first.
ROW_FIELDS = {
    C.CASES.name: ("case_no", "cause", "amount", "status", "judge", "filed_on"),
    C.PARTIES.name: tuple(C.PARTIES.columns),
    C.ASSETS.name: tuple(C.ASSETS.columns),
    C.JUDGES.name: tuple(C.JUDGES.columns),
}


def from_rows(cases, parties, assets=(), judges=(), options: C.Options | None = None) -> CaseGraph:
    """The CaseGraph of a court typed in as a few rows, for examples and tests.

    Rows are tuples in the order of :data:`ROW_FIELDS` (fields at the end may
    be left off) or dicts keyed by column, in English or as an export's header
    (``{"案号": …, "案由": …}``):

    * cases: case_no, cause, amount, status, judge, filed_on
    * parties: case_no, role (申请执行人 / 被执行人), name, id_no, kind
    * assets: case_no, asset_id, asset_type, action
    * judges: judge, team, capacity

    Values may be numbers; ``None`` is an empty cell. The rows take the path
    an export takes (normalise → resolve → :func:`build_graph`), so case
    numbers, IDs and amounts may be typed as a clerk would and parties are
    resolved by the same rules. A row an export would reject stops here with
    the reason (:class:`~casegraph.errors.InputError`): in a court drawn by
    hand it is a slip of the pen, not data to skip.

    >>> g = from_rows(cases=[("（2024）沪0113执1号", "探望权纠纷", None, "执行中", "许法官")],
    ...               parties=[("（2024）沪0113执1号", "申请执行人", "王五", "310113198505052348"),
    ...                        ("（2024）沪0113执1号", "被执行人", "张某")],
    ...               judges=[("许法官", "涉未成年人", 30)])
    >>> g.roles["role"].tolist(), g.judges["team"].tolist()
    (['applicant', 'debtor'], ['涉未成年人'])
    >>> from_rows(cases=[("（2024）沪0113执1号", "民间借贷纠纷")],
    ...           parties=[("（2024）沪0113执1号", "申请执行人", "张三"), ("（2024）沪0113执2号", "被执行人", "李四")])
    Traceback (most recent call last):
    ...
    casegraph.errors.InputError: parties[1]: case （2024）沪0113执2号 is not in the cases table (or was rejected)
    """
    given = ((C.CASES, cases), (C.PARTIES, parties), (C.ASSETS, assets), (C.JUDGES, judges))
    clean = normalise({table.name: _typed_table(table, rows) for table, rows in given})
    if len(clean.rejected):
        first = clean.rejected.iloc[0]
        raise InputError(f"{first['source']}[{first['row']}]: {first['error']}")
    return build_graph(clean, resolve(clean.parties, options=options), options)


def _typed_table(table: C.Table, rows) -> pd.DataFrame:
    """Rows as the reader gives a table: text only, and ``row`` (here the
    row's index in the list, which is what an error should point to)."""
    fields = ROW_FIELDS[table.name]
    records = []
    for i, row in enumerate(rows):
        if isinstance(row, dict):
            named = {}
            for header, value in row.items():
                col = C.header_to_column(table, header)
                if col is None:
                    raise InputError(f"{table.name}[{i}]: no column '{header}'")
                named[col] = value
        else:
            if len(row) > len(fields):
                raise InputError(f"{table.name}[{i}]: {len(row)} fields, at most {len(fields)} ({', '.join(fields)})")
            named = dict(zip(fields, row))
        records.append({"row": i, **{c: "" if named.get(c) is None else str(named[c]) for c in table.columns}})
    return pd.DataFrame(records, columns=["row", *table.columns]).astype({c: object for c in table.columns})
