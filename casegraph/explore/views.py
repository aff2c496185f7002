"""The explorer's ready-made views, over any engine: a bundle, a debtor's
whole web, an offset cycle; and the findings that lead into them.

Each view is ``{"title", "focus", "nodes", "edges", "more"}`` in the shapes
of :mod:`casegraph.engines.answers`: the page draws it in place of what it
showed. None is drawn as a tangle: a bundle shows its cases and only what
ties them (the parties and assets two or more of them share), and a view
holds :data:`VIEW_CASES` cases at most, the rest counted in ``more``.

Example::

    bundle_view(engine, "case:（2024）沪0113执1号")["title"]
    # '案件群 B9f66104a5a（3 件）'
"""
from __future__ import annotations

import threading

import pandas as pd

from casegraph import contract as C
from casegraph.engines import answers as A
from casegraph.engines.base import Engine
from casegraph.errors import NotFound

VIEW_CASES = 300
#: Rows of each findings table the page lists (the CSVs have them all).
TOP = 100


def bundle_view(engine: Engine, case_id: str) -> dict:
    """A case's bundle: its cases and the parties and assets that tie them."""
    b = engine.bundle(case_id)
    case_nos = b["case_nos"][:VIEW_CASES]
    if b["bundle_id"] is None:
        sub = engine.subgraph([case_id], with_sides=True)
        title = f"{case_id[5:]}：不在任何案件群中"
    else:
        sub = engine.subgraph(["case:" + c for c in case_nos] + b["links"])
        title = f"案件群 {b['bundle_id']}（{len(b['case_nos'])} 件，{len(b['links'])} 个关联点）"
    return {"title": title, "focus": case_id, **sub, "more": len(b["case_nos"]) - len(case_nos)}


def debtor_view(engine: Engine, party_id: str) -> dict:
    """A debtor's whole web: every case it owes in, with their applicants,
    co-debtors and assets."""
    page = engine.expand(party_id, A.Filters(role=C.DEBTOR), limit=VIEW_CASES)
    if not page["nodes"]:
        raise NotFound(f"{party_id[:80]!r} is a debtor in no case")
    sub = engine.subgraph([party_id] + [n["id"] for n in page["nodes"]], with_sides=True)
    name = next((n["name"] for n in sub["nodes"] if n["id"] == party_id), party_id)
    return {"title": f"{name} 的债务网（被执行 {page['total']} 件）", "focus": party_id, **sub, "more": page["more"]}


def offset_view(engine: Engine, offset: dict) -> dict:
    """The cases and parties of one offset (a row of ``offsets.csv``)."""
    cases = [c for c in str(offset["case_nos"]).split(C.LIST_SEP) if c]
    parties = [p for p in str(offset["parties"]).split(C.LIST_SEP) if p]
    sub = engine.subgraph(["case:" + c for c in cases] + ["party:" + p for p in parties])
    kind = "双方互负债务" if offset["kind"] == "bilateral" else f"{len(parties)} 方循环债务"
    return {"title": f"抵销 {offset['offset_id']}：{kind}，{float(offset['amount']):,.2f} 元", "focus": None, **sub,
            "more": 0}


def cases_view(engine: Engine, case_nos: list[str], title: str) -> dict:
    """Some cases with all their parties and assets (a candidate's, for a clerk to look at)."""
    shown = case_nos[:VIEW_CASES]
    sub = engine.subgraph(["case:" + c for c in shown], with_sides=True)
    return {"title": f"{title}（{len(case_nos)} 件）", "focus": None, **sub, "more": len(case_nos) - len(shown)}


class Findings:
    """The engine's findings, computed once on first use (seconds to minutes
    at a million cases), for the findings panel and the offset view."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._found: dict[str, pd.DataFrame] | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        with self._lock:
            if self._found is None:
                self._found = self.engine.findings()
            return self._found

    def offset(self, offset_id: str) -> dict:
        o = self.tables()["offsets"]
        hit = o[o["offset_id"] == offset_id]
        if hit.empty:
            raise NotFound(f"no offset {offset_id[:40]!r} among the findings")
        return hit.iloc[0].to_dict()

    def summary(self, top: int = TOP) -> dict:
        """The findings the page lists, largest first, each with the view it opens."""
        f = self.tables()
        b = f["bundles"]
        sizes = b.groupby("bundle_id")["case_no"].agg(["size", "min"]).reset_index()
        sizes = sizes.sort_values(["size", "bundle_id"], ascending=[False, True]).head(top)
        d = f["common_debtors"].head(top)
        o = f["offsets"].head(top)
        return {
            "bundles": [{"bundle_id": r.bundle_id, "n_cases": int(r.size), "view": "bundle", "id": "case:" + r.min}
                        for r in sizes.itertuples()],
            "common_debtors": [{"party_id": r.party_id, "name": r.name, "n_cases": int(r.n_cases),
                                "total_amount": _money(r.total_amount), "n_no_property": int(r.n_no_property),
                                "view": "debtor", "id": "party:" + r.party_id} for r in d.itertuples()],
            "offsets": [{"offset_id": r.offset_id, "kind": r.kind, "n_parties": len(str(r.parties).split(C.LIST_SEP)),
                         "amount": _money(r.amount), "view": "offset", "id": r.offset_id} for r in o.itertuples()],
            "counts": {"bundles": int(b["bundle_id"].nunique()), "common_debtors": len(f["common_debtors"]),
                       "offsets": len(f["offsets"])},
        }


def _money(x) -> float | None:
    return None if pd.isna(x) else round(float(x), 2)
