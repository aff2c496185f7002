"""The embedded engine's indexes for exploring: built once, then every
search, expansion and path is a few array lookups.

A :class:`CaseGraph` keeps its edges as tables, which is right for the
findings (group and join everything at once) and wrong for an analyst's
clicks (one node's neighbours, now). :class:`Index` numbers the cases,
parties and assets (each in the order of its id), keeps each side of every
edge as compressed rows (CSR: the edges of node ``i`` are
``rows[ptr[i]:ptr[i + 1]]``), and lays out names, case numbers and asset ids
as one string each, busiest first, that :class:`TextIndex` searches with
``str.find``: the first hits are the ones to show, so a search stops after
them however common the text.

Its answers are :mod:`casegraph.engines.answers` shapes, the Neo4j engine's
(:mod:`casegraph.engines.neo4j.explore`) to the letter.

>>> from casegraph.graph import from_rows
>>> g = from_rows(cases=[("（2024）沪0113执1号", "民间借贷纠纷", 100), ("（2024）沪0113执2号", "民间借贷纠纷", 200)],
...               parties=[("（2024）沪0113执1号", "申请执行人", "张三"), ("（2024）沪0113执1号", "被执行人", "王五"),
...                        ("（2024）沪0113执2号", "申请执行人", "李四"), ("（2024）沪0113执2号", "被执行人", "王五")],
...               assets=[("（2024）沪0113执1号", "沪A12345", "车辆", "查封"), ("（2024）沪0113执2号", "沪A12345", "车辆", "查封")])
>>> ix = Index(g)
>>> [n["label"] for n in ix.search("沪A1")]
['沪A12345']
>>> p = ix.path("case:（2024）沪0113执1号", "case:（2024）沪0113执2号")
>>> p["paths"]
[['case:（2024）沪0113执1号', 'asset:沪A12345', 'case:（2024）沪0113执2号']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.cells import content_id
from casegraph.engines import answers as A
from casegraph.errors import NotFound
from casegraph.graph import CaseGraph


class Positions:
    """Where each value stands in a list, found in O(1) however often it
    repeats (a pandas index of repeated values looks up in O(n)).

    >>> Positions(["a", "b", "a"]).of("a").tolist(), Positions(["a"]).of("z").tolist()
    ([0, 2], [])
    """

    def __init__(self, values):
        codes, distinct = pd.factorize(pd.Series(list(values), dtype=object))
        self.distinct = pd.Index(distinct)
        self.distinct.get_indexer([""])  # its hash table, now rather than at the first question
        self.ptr, self.rows = _csr(codes, len(distinct))

    def of(self, value) -> np.ndarray:
        d = self.distinct.get_indexer([value])[0]
        return self.rows[self.ptr[d]:self.ptr[d + 1]] if d >= 0 else self.rows[:0]


class TextIndex:
    """Values found whole (a hash lookup) or by a part (a scan that stops
    at the first hits), in a fixed order: the best first.

    >>> t = TextIndex(np.array(["王伟", "王伟东", "李伟"], dtype=object), np.array([2, 1, 0]))
    >>> t.find("王伟", 10, whole=True), t.find("伟", 10, whole=False)
    ([0], [2, 1, 0])
    """

    def __init__(self, values: np.ndarray, order: np.ndarray):
        laid = [str(v).replace("\n", " ") for v in values[order]]
        self.text = "\n" + "\n".join(laid) + "\n"
        lengths = np.fromiter(map(len, laid), dtype=np.int64, count=len(laid))
        self.starts = np.concatenate([[1], 1 + np.cumsum(lengths + 1)])  # one past the end: a sentinel
        self.order = np.asarray(order)
        self.whole = Positions(laid)

    def find(self, text: str, limit: int, whole: bool) -> list[int]:
        """The items holding ``text`` (or equal to it, ``whole``), in order, ``limit`` at most."""
        if not text or "\n" in text or limit <= 0:
            return []
        if whole:
            return self.order[self.whole.of(text)[:limit]].tolist()
        out, pos = [], 0
        while len(out) < limit:
            at = self.text.find(text, pos)
            if at < 0:
                break
            k = int(np.searchsorted(self.starts, at, side="right")) - 1
            out.append(int(self.order[k]))
            pos = int(self.starts[k + 1])  # on to the next item: one hit each
        return out


def _csr(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``ptr, rows``: the rows of each key ``i`` are ``rows[ptr[i]:ptr[i + 1]]``, in row order."""
    rows = np.argsort(keys, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n))])
    return ptr, rows


def _gather(ptr: np.ndarray, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The rows of all ``keys`` at once."""
    keys = np.asarray(keys, dtype=np.int64)
    starts, lengths = ptr[keys], ptr[keys + 1] - ptr[keys]
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    first = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return rows[first + np.arange(total)]


class Index:
    """Cases, parties and assets numbered, with their edges both ways and
    their text laid out for search; ``records`` (``Resolved.records``) add
    lookups by full ID number (its keyed hash) and the rules that made each
    party."""

    def __init__(self, graph: CaseGraph, records: pd.DataFrame | None = None):
        self.hub_threshold = graph.options.hub_threshold
        cases = graph.cases.drop_duplicates("case_no").sort_values("case_no", kind="stable")
        self.case_no = cases["case_no"].to_numpy(dtype=object)
        self.cause = cases["cause"].fillna("").astype(str).to_numpy(dtype=object)
        self.amount = pd.to_numeric(cases["amount"], errors="coerce").to_numpy(dtype=float)
        self.status = cases["status"].fillna("").astype(str).to_numpy(dtype=object)
        self.judge = cases["judge"].fillna("").astype(str).to_numpy(dtype=object)
        self.filed_on = cases["filed_on"].fillna("").astype(str).to_numpy(dtype=object)
        self.court = (cases["court"].fillna("").astype(str) if "court" in cases else
                      pd.Series("", index=cases.index)).to_numpy(dtype=object)
        head = pd.Series(self.filed_on).str.slice(0, 4)
        self.year = pd.to_numeric(head.where(head.str.fullmatch(r"\d{4}")), errors="coerce").fillna(-1).to_numpy(int)
        # Newest first, undated last: the order a party's cases are listed in.
        self.filed_rank = pd.Series(self.filed_on).replace("", np.nan).rank(method="dense").fillna(0).to_numpy(int)
        self.open = ~pd.Series(self.status).str.contains("|".join(A.CLOSING_MARKERS), regex=True).to_numpy(bool)
        self.cause_code, self.causes = pd.factorize(pd.Series(self.cause))
        self.case_at = pd.Index(self.case_no)
        nc = len(self.case_no)

        parties = graph.parties.drop_duplicates("party_id").sort_values("party_id", kind="stable")
        self.party_id = parties["party_id"].to_numpy(dtype=object)
        self.name = parties["name"].fillna("").astype(str).to_numpy(dtype=object)
        self.party_kind = parties["kind"].fillna("").astype(str).to_numpy(dtype=object)
        self.id_masked = parties["id_masked"].fillna("").astype(str).to_numpy(dtype=object)
        self.party_at = pd.Index(self.party_id)
        n_parties = len(self.party_id)

        roles = graph.roles.drop_duplicates(["case_no", "party_id", "role"])
        self.r_case = self.case_at.get_indexer(roles["case_no"])
        self.r_party = self.party_at.get_indexer(roles["party_id"])
        keep = (self.r_case >= 0) & (self.r_party >= 0)
        self.r_case, self.r_party = self.r_case[keep], self.r_party[keep]
        self.r_applicant = (roles["role"].to_numpy() == C.APPLICANT)[keep]
        self.party_ptr, self.party_rows = _csr(self.r_party, n_parties)
        self.case_party_ptr, self.case_party_rows = _csr(self.r_case, nc)
        self.n_applicant = np.bincount(self.r_party[self.r_applicant], minlength=n_parties)
        self.n_debtor = np.bincount(self.r_party[~self.r_applicant], minlength=n_parties)
        pairs = np.unique(self.r_party.astype(np.int64) * nc + self.r_case)
        self.n_cases = np.bincount(pairs // nc, minlength=n_parties) if len(pairs) else np.zeros(n_parties, int)
        self.hub = self.n_applicant > self.hub_threshold
        self.n_roles = self.n_applicant + self.n_debtor

        assets = graph.assets.drop_duplicates(["case_no", "asset_id"])
        typed = assets[assets["asset_type"].fillna("") != ""].drop_duplicates("asset_id").set_index("asset_id")
        self.asset_id = np.array(sorted(assets["asset_id"].unique()), dtype=object)
        self.asset_at = pd.Index(self.asset_id)
        self.asset_type = typed["asset_type"].reindex(self.asset_id).fillna("").to_numpy(dtype=object)
        self.a_case = self.case_at.get_indexer(assets["case_no"])
        self.a_asset = self.asset_at.get_indexer(assets["asset_id"])
        keep = self.a_case >= 0
        self.a_case, self.a_asset = self.a_case[keep], self.a_asset[keep]
        self.action = assets["action"].fillna("").astype(str).to_numpy(dtype=object)[keep]
        self.asset_ptr, self.asset_rows = _csr(self.a_asset, len(self.asset_id))
        self.case_asset_ptr, self.case_asset_rows = _csr(self.a_case, nc)
        self.asset_n_cases = np.diff(self.asset_ptr)

        judges = graph.judges
        self.teams = ({} if judges.empty or "team" not in judges else
                      {j: t for j, t in judges.drop_duplicates("judge")[["judge", "team"]].itertuples(index=False) if t})

        # Busiest first (most roles in cases), then by id: the order results are shown in.
        busiest = np.lexsort((np.arange(n_parties), -self.n_roles))
        self.names = TextIndex(self.name, busiest)
        self.masks = TextIndex(self.id_masked, busiest)
        self.case_text = TextIndex(self.case_no, np.arange(nc))
        self.asset_text = TextIndex(self.asset_id, np.lexsort((np.arange(len(self.asset_id)), -self.asset_n_cases)))
        self._records(records)

    def _records(self, records: pd.DataFrame | None) -> None:
        """By party: its records' rules, keys and names; by keyed hash: the parties."""
        self.has_records = records is not None and "party_id" in records
        if not self.has_records:
            return
        # Who represents a party (法定代表人): a few records name one; a relation, not an identity.
        named = records[records["representative"].fillna("").astype(str) != ""] if "representative" in records \
            else records.head(0)
        self.representatives = named.groupby("party_id")["representative"].agg(lambda v: sorted(set(v))).to_dict() \
            if len(named) else {}
        r = records[["party_id", "rule", "key", "name"]].copy()
        r["at"] = self.party_at.get_indexer(r["party_id"])
        r = r[r["at"] >= 0]
        self.rec_ptr, rows = _csr(r["at"].to_numpy(), len(self.party_id))
        self.rec = r.iloc[rows][["rule", "key", "name"]].fillna("").astype(str).to_numpy(dtype=object)
        keyed = records.loc[records["id_key"].fillna("") != "", ["id_key", "party_id"]].drop_duplicates() \
            if "id_key" in records else pd.DataFrame(columns=["id_key", "party_id"])
        self.id_keys = Positions(keyed["id_key"])
        self.id_key_party = self.party_at.get_indexer(keyed["party_id"])

    # -- nodes ---------------------------------------------------------------

    def case(self, i: int) -> dict:
        return A.case_node(self.case_no[i], self.cause[i], self.amount[i], self.status[i], self.judge[i],
                           self.filed_on[i])

    def party(self, i: int) -> dict:
        return A.party_node(self.party_id[i], self.name[i], self.party_kind[i], self.id_masked[i], self.n_cases[i],
                            self.n_applicant[i], self.n_debtor[i], self.hub_threshold)

    def asset(self, i: int) -> dict:
        return A.asset_node(self.asset_id[i], self.asset_type[i], self.asset_n_cases[i])

    def _at(self, node_id: str) -> tuple[str, int]:
        kind, key = A.split_id(node_id)
        at = {"case": self.case_at, "party": self.party_at, "asset": self.asset_at}[kind]
        i = at.get_indexer([key])[0]
        if i < 0:
            raise NotFound(f"{kind} {key[:80]!r} is not in the export")
        return kind, int(i)

    def _node(self, kind: str, i: int) -> dict:
        return {"case": self.case, "party": self.party, "asset": self.asset}[kind](i)

    # -- search --------------------------------------------------------------

    def search(self, text: str, limit: int = A.SEARCH_LIMIT) -> list[dict]:
        """Cases, parties and assets for what a user typed (see :func:`answers.read_search`)."""
        t = A.read_search(text)
        exact: list[dict] = []
        if t.case_no:
            exact += [self.case(i) for i in self.case_at.get_indexer([t.case_no]) if i >= 0]
        if t.party_id:
            exact += [self.party(i) for i in self.party_at.get_indexer([t.party_id]) if i >= 0]
        if t.id_key and self.has_records:
            hits = self.id_key_party[self.id_keys.of(t.id_key)]
            exact += [self.party(i) for i in sorted(set(hits[hits >= 0].tolist()), key=lambda i: (-self.n_roles[i], i))]
        if t.id_masked:
            exact += [self.party(i) for i in self.masks.find(t.id_masked, limit, whole=True)]
        if t.text:
            exact += [self.party(i) for i in self.names.find(t.text, limit, whole=True)]
            exact += [self.asset(i) for i in self.asset_at.get_indexer([t.text]) if i >= 0]
        # Enough of each kind that the whole matches, shown first, leave ``limit``.
        partial: list[dict] = []
        enough = limit + len(exact)
        if t.fragment:
            partial += [self.party(i) for i in self.names.find(t.fragment, enough, whole=False)]
        if t.case_fragment and not t.case_no:  # a whole number is in no other
            partial += [self.case(i) for i in self.case_text.find(t.case_fragment, enough, whole=False)]
        if t.fragment:
            partial += [self.asset(i) for i in self.asset_text.find(t.fragment, enough, whole=False)]
        return A.merge_search(exact, partial, limit)

    # -- expanding -----------------------------------------------------------

    def _case_filter(self, cases: np.ndarray, f: A.Filters) -> np.ndarray:
        keep = np.ones(len(cases), dtype=bool)
        if f.open_only:
            keep &= self.open[cases]
        if f.cause:
            codes = [i for i, c in enumerate(self.causes) if f.cause in c]
            keep &= np.isin(self.cause_code[cases], codes)
        if f.amount_min is not None or f.amount_max is not None:
            a = self.amount[cases]
            keep &= ~np.isnan(a)
            if f.amount_min is not None:
                keep &= a >= f.amount_min
            if f.amount_max is not None:
                keep &= a <= f.amount_max
        if f.year_from is not None or f.year_to is not None:
            y = self.year[cases]
            keep &= y >= 0
            if f.year_from is not None:
                keep &= y >= f.year_from
            if f.year_to is not None:
                keep &= y <= f.year_to
        return keep

    def _newest_first(self, cases: np.ndarray) -> np.ndarray:
        return cases[np.lexsort((cases, -self.filed_rank[cases]))]

    def _cases_of(self, kind: str, i: int, f: A.Filters) -> tuple[np.ndarray, int, dict]:
        """A party's or asset's cases that pass ``f``, newest first; how
        many of its cases ``f`` hides; the edges as (case, role) pairs."""
        if kind == "party":
            rows = self.party_rows[self.party_ptr[i]:self.party_ptr[i + 1]]
            if f.role is not None:
                rows = rows[self.r_applicant[rows] == (f.role == C.APPLICANT)]
            cases, labels = self.r_case[rows], np.where(self.r_applicant[rows], C.APPLICANT, C.DEBTOR)
        else:
            rows = self.asset_rows[self.asset_ptr[i]:self.asset_ptr[i + 1]]
            cases, labels = self.a_case[rows], self.action[rows]
        every = np.unique(self._all_cases(kind, i))
        cases_u = np.unique(cases)
        kept = self._newest_first(cases_u[self._case_filter(cases_u, f)])
        roles: dict[int, list[str]] = {}
        for c, r in zip(cases.tolist(), labels.tolist()):
            roles.setdefault(c, []).append(r)
        return kept, len(every) - len(kept), roles

    def _all_cases(self, kind: str, i: int) -> np.ndarray:
        if kind == "party":
            return self.r_case[self.party_rows[self.party_ptr[i]:self.party_ptr[i + 1]]]
        return self.a_case[self.asset_rows[self.asset_ptr[i]:self.asset_ptr[i + 1]]]

    def _sides(self, i: int, f: A.Filters = A.NO_FILTERS) -> list[tuple[dict, list[str]]]:
        """A case's parties and assets with their roles (:func:`answers.sides`)."""
        rows = self.case_party_rows[self.case_party_ptr[i]:self.case_party_ptr[i + 1]]
        roles: dict[int, list[str]] = {}
        for p, app in zip(self.r_party[rows].tolist(), self.r_applicant[rows].tolist()):
            roles.setdefault(p, []).append(C.APPLICANT if app else C.DEBTOR)
        rows = self.case_asset_rows[self.case_asset_ptr[i]:self.case_asset_ptr[i + 1]]
        actions: dict[int, list[str]] = {}
        for a, act in zip(self.a_asset[rows].tolist(), self.action[rows].tolist()):
            actions.setdefault(a, []).append(act)
        return A.sides([(self.party(p), r) for p, r in roles.items()],
                       [(self.asset(a), r) for a, r in actions.items()], f)

    def expand(self, node_id: str, filters: A.Filters = A.NO_FILTERS, limit: int = A.EXPAND_LIMIT,
               offset: int = 0) -> dict:
        """A node's neighbours that pass ``filters``, ``limit`` from ``offset``:
        ``{"node", "nodes", "edges", "total", "offset", "more", "hidden"}``."""
        kind, i = self._at(node_id)
        if kind == "case":
            sides = self._sides(i, filters)
            every = len(self._sides(i))
            page = sides[offset:offset + limit]
            edges = [A.edge(n["id"], node_id, r) for n, roles in page for r in roles]
            nodes = [n for n, _ in page]
            total, hidden = len(sides), every - len(sides)
        else:
            kept, hidden, roles = self._cases_of(kind, i, filters)
            page = kept[offset:offset + limit].tolist()
            nodes = [self.case(c) for c in page]
            edges = [A.edge(node_id, "case:" + self.case_no[c], r) for c in page for r in sorted(set(roles[c]))]
            total = len(kept)
        return {"node": node_id, "nodes": nodes, "edges": A.sorted_edges(edges), "total": total, "offset": offset,
                "more": max(total - offset - len(nodes), 0), "hidden": hidden}

    # -- details -------------------------------------------------------------

    def node(self, node_id: str) -> dict:
        """Everything the details panel shows of one node."""
        kind, i = self._at(node_id)
        if kind == "case":
            out = self.case(i)
            sides = self._sides(i)
            out["team"] = self.teams.get(out["judge"], "")
            out["parties"] = [{**n, "roles": r} for n, r in sides if n["kind"] == "party"]
            out["assets"] = [{**n, "actions": r} for n, r in sides if n["kind"] == "asset"]
            b = self.bundle(node_id)
            out["bundle"] = {"bundle_id": b["bundle_id"], "n_cases": len(b["case_nos"])} if b["bundle_id"] else None
            return out
        out = self._node(kind, i)
        kept, _, roles = self._cases_of(kind, i, A.NO_FILTERS)
        key = "roles" if kind == "party" else "actions"
        out["cases"] = [{**self.case(c), key: sorted(set(roles[c]))} for c in kept[:A.DETAIL_CASES].tolist()]
        out["n_more_cases"] = max(len(kept) - A.DETAIL_CASES, 0)
        if kind == "party":
            out["totals"] = self._totals(i)
            out["rules"] = self._rules(i)
            out["representatives"] = self.representatives.get(self.party_id[i], []) if self.has_records else []
        return out

    def _totals(self, i: int) -> dict:
        rows = self.party_rows[self.party_ptr[i]:self.party_ptr[i + 1]]
        out = {}
        for role, app in ((C.APPLICANT, True), (C.DEBTOR, False)):
            cases = np.unique(self.r_case[rows[self.r_applicant[rows] == app]])
            a = self.amount[cases]
            out[role] = {"n_cases": int(len(cases)), "amount": round(float(np.nansum(a)), 2),
                         "n_open": int(self.open[cases].sum())}
        return out

    def _rules(self, i: int) -> list[dict]:
        """Why the party's records are one party: each rule and key, with
        how many records it joined and the names they were written with."""
        if not self.has_records:
            return []
        groups: dict[tuple[str, str], list[str]] = {}
        for rule, key, name in self.rec[self.rec_ptr[i]:self.rec_ptr[i + 1]].tolist():
            groups.setdefault((rule, key), []).append(name)
        return [{"rule": rule, "key": key, "n_records": len(names), "names": sorted(set(names))}
                for (rule, key), names in sorted(groups.items())]

    # -- the walk: bundles and paths -------------------------------------------

    def _steps(self, frontier: np.ndarray, ends: set[int]) -> tuple[np.ndarray, np.ndarray]:
        """Every step out of ``frontier`` (numbered as :meth:`_number`): ``(from,
        to)`` arrays. A mass applicant's applicant roles are not walked
        through (as :meth:`CaseGraph.links`), unless it is one of ``ends``."""
        nc, np_ = len(self.case_no), len(self.party_id)
        src, dst = [], []
        cases = frontier[frontier < nc]
        if len(cases):
            rows = _gather(self.case_party_ptr, self.case_party_rows, cases)
            ok = self._walkable(rows, ends)
            src += [self.r_case[rows][ok]]
            dst += [nc + self.r_party[rows][ok]]
            rows = _gather(self.case_asset_ptr, self.case_asset_rows, cases)
            src += [self.a_case[rows]]
            dst += [nc + np_ + self.a_asset[rows]]
        parties = frontier[(frontier >= nc) & (frontier < nc + np_)] - nc
        if len(parties):
            rows = _gather(self.party_ptr, self.party_rows, parties)
            ok = self._walkable(rows, ends)
            src += [nc + self.r_party[rows][ok]]
            dst += [self.r_case[rows][ok]]
        assets = frontier[frontier >= nc + np_] - nc - np_
        if len(assets):
            rows = _gather(self.asset_ptr, self.asset_rows, assets)
            src += [nc + np_ + self.a_asset[rows]]
            dst += [self.a_case[rows]]
        if not src:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(src).astype(np.int64), np.concatenate(dst).astype(np.int64)

    def _walkable(self, rows: np.ndarray, ends: set[int]) -> np.ndarray:
        p = self.r_party[rows]
        blocked = self.r_applicant[rows] & self.hub[p]
        if ends and blocked.any():
            blocked &= ~np.isin(p + len(self.case_no), list(ends))
        return ~blocked

    def _number(self, node_id: str) -> int:
        kind, i = self._at(node_id)
        return i + {"case": 0, "party": len(self.case_no), "asset": len(self.case_no) + len(self.party_id)}[kind]

    def _id_of(self, n: int) -> str:
        nc, np_ = len(self.case_no), len(self.party_id)
        if n < nc:
            return "case:" + self.case_no[n]
        if n < nc + np_:
            return "party:" + self.party_id[n - nc]
        return "asset:" + self.asset_id[n - nc - np_]

    def bundle(self, node_id: str) -> dict:
        """The related-case bundle of a case (as ``bundles.csv`` has it):
        ``{"bundle_id", "case_nos", "links"}``, the links being the parties
        and assets that tie two or more of its cases. A case in no bundle has
        ``bundle_id`` None and itself alone."""
        kind, i = self._at(node_id)
        if kind != "case":
            raise NotFound(f"{node_id[:80]!r} is not a case: only a case has a bundle")
        seen, frontier = {i}, np.array([i], dtype=np.int64)
        via: dict[int, set[int]] = {}
        nc = len(self.case_no)
        while len(frontier):
            src, dst = self._steps(frontier, set())
            # A bundle stays in its case's court (as bundles.csv): no step into another court's case.
            case_end = np.where(src < nc, src, np.where(dst < nc, dst, i))
            same = self.court[case_end] == self.court[i]
            src, dst = src[same], dst[same]
            for s, d in zip(src.tolist(), dst.tolist()):
                if d >= len(self.case_no):
                    via.setdefault(d, set()).add(s)
                elif s >= len(self.case_no):
                    via.setdefault(s, set()).add(d)
            new = np.setdiff1d(np.unique(dst), np.fromiter(seen, dtype=np.int64))
            seen.update(new.tolist())
            frontier = new
        members = sorted(n for n in seen if n < len(self.case_no))
        case_nos = [self.case_no[n] for n in members]
        links = sorted(self._id_of(n) for n, cs in via.items() if len(cs) >= 2)
        bundle_id = content_id("B", C.LIST_SEP.join(case_nos)) if len(case_nos) >= 2 else None
        return {"bundle_id": bundle_id, "case_nos": case_nos, "links": links}

    def path(self, source: str, target: str, max_hops: int = A.DEFAULT_HOPS, limit: int = A.PATH_LIMIT) -> dict:
        """The shortest paths between two nodes, through parties and assets,
        ``max_hops`` steps at most (:func:`answers.path_answer`)."""
        max_hops = A.check_hops(max_hops)
        a, b = self._number(source), self._number(target)
        if a == b:
            return A.path_answer([[source]], self.subgraph([source]), limit)
        ends = {a, b}
        dist = {a: 0}
        preds: dict[int, list[int]] = {}
        frontier = np.array([a], dtype=np.int64)
        for level in range(1, max_hops + 1):
            src, dst = self._steps(frontier, ends)
            fresh = np.array([d not in dist for d in dst.tolist()], dtype=bool)
            src, dst = src[fresh], dst[fresh]
            for s, d in zip(src.tolist(), dst.tolist()):
                preds.setdefault(d, []).append(s)
            reached = np.unique(dst)
            dist.update(dict.fromkeys(reached.tolist(), level))
            if b in dist or not len(reached):
                break
            frontier = reached
        if b not in dist:
            return A.path_answer([], {"nodes": [], "edges": []}, limit)
        paths, n_paths = self._shortest(a, b, preds, dist, limit)
        ids = [[self._id_of(n) for n in p] for p in paths]
        return A.path_answer(ids, self.subgraph(sorted({n for p in ids for n in p})), limit, n_paths)

    def _shortest(self, a: int, b: int, preds: dict, dist: dict, limit: int) -> tuple[list[list[int]], int]:
        """The first ``limit`` shortest paths a → b in the order of their
        node ids, and how many there are, from the walk's predecessors."""
        on, todo = {b}, [b]
        while todo:  # the nodes on some shortest path: back from b
            for p in preds.get(todo.pop(), ()):
                if p not in on:
                    on.add(p)
                    todo.append(p)
        succ: dict[int, list[int]] = {}
        for d in on:
            for p in set(preds.get(d, ())):
                if p in on:
                    succ.setdefault(p, []).append(d)
        name = {n: self._id_of(n) for n in on}
        for p in succ:
            succ[p].sort(key=name.__getitem__)
        count = {a: 1}
        for n in sorted(on - {a}, key=dist.__getitem__):
            count[n] = sum(count[p] for p in set(preds.get(n, ())) if p in on)
        paths: list[list[int]] = []

        def walk(n: int, path: list[int]) -> None:
            if len(paths) >= limit:
                return
            if n == b:
                paths.append(path)
                return
            for m in succ.get(n, ()):
                walk(m, path + [m])

        walk(a, [a])
        return paths, count[b]

    # -- a part of the network --------------------------------------------------

    def subgraph(self, node_ids, with_sides: bool = False) -> dict:
        """These nodes (unknown ids are left out) and the edges among them;
        ``with_sides``: the cases' parties and assets too. ``{"nodes", "edges"}``."""
        at = {"case": self.case_at, "party": self.party_at, "asset": self.asset_at}
        want = {kind: {int(i) for i in at[kind].get_indexer(sorted(keys)) if i >= 0}
                for kind, keys in A.by_kind(node_ids).items()}
        cases = np.array(sorted(want["case"]), dtype=np.int64)
        rows = _gather(self.case_party_ptr, self.case_party_rows, cases)
        arows = _gather(self.case_asset_ptr, self.case_asset_rows, cases)
        if with_sides:
            want["party"].update(self.r_party[rows].tolist())
            want["asset"].update(self.a_asset[arows].tolist())
        rows = rows[np.isin(self.r_party[rows], list(want["party"]))]
        arows = arows[np.isin(self.a_asset[arows], list(want["asset"]))]
        nodes = ([self.case(i) for i in want["case"]] + [self.party(i) for i in want["party"]]
                 + [self.asset(i) for i in want["asset"]])
        edges = [A.edge("party:" + self.party_id[p], "case:" + self.case_no[c], C.APPLICANT if app else C.DEBTOR)
                 for c, p, app in zip(self.r_case[rows].tolist(), self.r_party[rows].tolist(),
                                      self.r_applicant[rows].tolist())]
        edges += [A.edge("asset:" + self.asset_id[a], "case:" + self.case_no[c], act)
                  for c, a, act in zip(self.a_case[arows].tolist(), self.a_asset[arows].tolist(),
                                       self.action[arows].tolist())]
        return {"nodes": sorted(nodes, key=lambda n: n["id"]), "edges": A.sorted_edges(edges)}
