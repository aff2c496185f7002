"""Finishing a finding: an engine's raw rows made into the rows of its output file.

Both engines find the same things their own way (pandas and networkx over a
:class:`~casegraph.graph.CaseGraph`; Cypher in Neo4j) and hand their raw rows
here. Finishing is what makes both write the same bytes: the file's columns,
whole numbers as ``int64``, amounts rounded to cents, list cells sorted and
de-duplicated, ids derived from content (:func:`casegraph.cells.content_id`),
the offsets' legal notes, and the row order.

A list cell may arrive as a list (Neo4j's ``collect``, in any order, with
repeats) or as a cell already joined (:func:`casegraph.cells.join_per_group`).

>>> import pandas as pd
>>> rows = pd.DataFrame({"asset_id": ["A1", "A2"], "asset_type": ["房产", ""], "n_cases": [2, 3],
...                      "case_nos": [["2", "1", "2"], "3;4;5"]})
>>> shared_assets(rows).to_dict("records")
[{'asset_id': 'A2', 'asset_type': '', 'n_cases': 3, 'case_nos': '3;4;5'}, {'asset_id': 'A1', 'asset_type': '房产', 'n_cases': 2, 'case_nos': '1;2'}]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from casegraph import contract as C
from casegraph.cells import content_id, join_per_group

MULTILATERAL_NOTE = "needs every party's agreement (Civil Code art. 569 or an enforcement settlement)"
BILATERAL_NOTE = "mutual money debts; set-off if due and fixed by effective documents (Civil Code art. 568)"


@dataclass(frozen=True)
class Finish:
    """How one finding is finished: its output file (``C.OUTPUTS[output]``
    gives the columns), the columns that hold whole numbers, amounts in
    yuan, yes/no and sets of values, and the row order as (column,
    ascending) pairs."""

    output: str
    order: tuple[tuple[str, bool], ...]
    ints: tuple[str, ...] = ()
    yuan: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    sets: tuple[str, ...] = ("case_nos",)

    def __call__(self, rows: pd.DataFrame) -> pd.DataFrame:
        out = rows.reindex(columns=list(C.OUTPUTS[self.output].columns))
        for c in self.sets:
            out[c] = cells(out[c])
        out = out.astype({**{c: "int64" for c in self.ints}, **{c: bool for c in self.flags},
                          **{c: "float64" for c in self.yuan}})
        for c in self.yuan:
            out[c] = out[c].round(2)
        by, ascending = zip(*self.order)
        return out.sort_values(list(by), ascending=list(ascending)).reset_index(drop=True)


repeat_applicants = Finish("repeat_applicants", (("n_cases", False), ("party_id", True)),
                           ints=("n_cases", "n_debtors"), flags=("mass_applicant",),
                           sets=("case_nos", "repeat_pairs"))
_common_debtors = Finish("common_debtors", (("n_cases", False), ("total_amount", False), ("party_id", True)),
                         ints=("n_cases", "n_applicants", "n_no_property", "n_courts"), yuan=("total_amount",),
                         flags=("cross_court",), sets=("case_nos", "courts"))


def common_debtors(rows: pd.DataFrame) -> pd.DataFrame:
    """Common debtors finished, their courts counted (``courts``: a list or
    a joined cell; a debtor in two or more is ``cross_court``).

    >>> d = common_debtors(pd.DataFrame({"party_id": ["P1"], "name": ["甲"], "kind": ["法人"], "n_cases": [3],
    ...     "n_applicants": [0], "total_amount": [0.0], "n_no_property": [0], "case_nos": [["b", "a"]],
    ...     "courts": [["黑0103", "粤0304", "黑0103"]]}))
    >>> d[["courts", "n_courts", "cross_court"]].values.tolist()
    [['粤0304;黑0103', 2, True]]
    """
    rows = rows.assign(courts=cells(rows["courts"] if "courts" in rows else pd.Series("", index=rows.index)))
    n = rows["courts"].fillna("").map(lambda c: len(c.split(C.LIST_SEP)) if c else 0)
    return _common_debtors(rows.assign(n_courts=n, cross_court=n >= 2))
shared_assets = Finish("shared_assets", (("n_cases", False), ("asset_id", True)), ints=("n_cases",))


_shared_representatives = Finish("shared_representatives", (("n_parties", False), ("n_cases", False),
                                                           ("representative", True)),
                                 ints=("n_parties", "n_cases"), sets=("case_nos",))


def shared_representatives(rows: pd.DataFrame) -> pd.DataFrame:
    """Debtors sharing a legal representative, finished: ``party_ids`` and
    ``names`` (each party's name, in the order of its id) as cells.

    >>> shared_representatives(pd.DataFrame({"representative": ["杨天夫"], "party_ids": [["P2", "P1"]],
    ...     "names": [["乙公司", "甲公司"]], "n_cases": [3], "case_nos": [["b", "a", "c"]]})).to_dict("records")
    [{'representative': '杨天夫', 'n_parties': 2, 'party_ids': 'P1;P2', 'names': '甲公司;乙公司', 'n_cases': 3, 'case_nos': 'a;b;c'}]
    """
    ids, names = [], []
    for pid, name in zip(rows["party_ids"] if len(rows) else [], rows["names"] if len(rows) else []):
        order = sorted(zip(pid, name))
        ids.append(C.LIST_SEP.join(p for p, _ in order))
        names.append(C.LIST_SEP.join(n for _, n in order))
    out = rows.assign(party_ids=ids, names=names, n_parties=[len(p) for p in rows["party_ids"]] if len(rows) else [])
    return _shared_representatives(out)


def cells(values: pd.Series, ordered: bool = False) -> pd.Series:
    """Each value as a cell: a list joined with ``;``, its values sorted and
    distinct (in the order given if ``ordered``); a cell already joined as
    it is (a column of joined cells comes back as it was, dtype and all).

    >>> cells(pd.Series([["b", "a", "b"], "x;y", []])).tolist()
    ['a;b', 'x;y', '']
    >>> cells(pd.Series([["B", "A"]]), ordered=True).tolist()
    ['B;A']
    """
    def one(v):
        if isinstance(v, (list, tuple, set, np.ndarray)):
            return C.LIST_SEP.join(map(str, v) if ordered else sorted({str(x) for x in v}))
        return v
    if not any(isinstance(v, (list, tuple, set, np.ndarray)) for v in values):
        return values
    return pd.Series([one(v) for v in values], index=values.index)


def _offsets_of(kind: str, note: str, rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.reindex(columns=["parties", "case_nos", "amount"])
    parties, case_nos = cells(rows["parties"], ordered=True), cells(rows["case_nos"])
    out = pd.DataFrame({"kind": kind, "parties": parties.to_numpy(dtype=object),
                        "case_nos": case_nos.to_numpy(dtype=object),
                        "amount": rows["amount"].astype("float64").round(2).to_numpy(), "note": note})
    # A pair is known by its cases; a cycle's cases may go round either
    # way, so its parties in owing order are part of what it is.
    keys = out["case_nos"] if kind == "bilateral" else [f"{p}|{c}" for p, c in zip(out["parties"], out["case_nos"])]
    out.insert(0, "offset_id", [content_id("O", k) for k in keys])
    return out


def bilateral_offsets(rows: pd.DataFrame) -> pd.DataFrame:
    """Pairs that owe each other: ``parties`` (the two, in the order given),
    ``case_nos`` (both directions' cases), ``amount`` (what can be set off).

    >>> pair = bilateral_offsets(pd.DataFrame({"parties": [["A", "B"]], "case_nos": [["2", "1"]], "amount": [50]}))
    >>> pair[["offset_id", "kind", "parties", "case_nos", "amount"]].to_dict("records")
    [{'offset_id': 'O76b2a6ede9', 'kind': 'bilateral', 'parties': 'A;B', 'case_nos': '1;2', 'amount': 50.0}]
    """
    return _offsets_of("bilateral", BILATERAL_NOTE, rows)


def offset_cycles(rows: pd.DataFrame) -> pd.DataFrame:
    """Cycles of 3+ parties: ``parties`` in owing order from the smallest
    party_id, ``case_nos``, ``amount`` (the smallest debt on the cycle)."""
    return _offsets_of("multilateral", MULTILATERAL_NOTE, rows)


def offsets(bilateral: pd.DataFrame, cycles: pd.DataFrame) -> pd.DataFrame:
    """The offsets file: finished pairs (:func:`bilateral_offsets`), then
    finished cycles (:func:`offset_cycles`), the largest amounts first."""
    out = pd.concat([bilateral, cycles], ignore_index=True)
    return out.sort_values(["kind", "amount", "offset_id"], ascending=[True, False, True])[
        list(C.OUTPUTS["offsets"].columns)].reset_index(drop=True)


def bundles_from_links(links: pd.DataFrame) -> pd.DataFrame:
    """Related-case bundles from the case–link table (:meth:`CaseGraph.links`):
    connected groups of 2+ cases, each within one court (a ``court`` column,
    when given: the same debtor in two courts makes two bundles, one for a
    judge of each). ``bundle_id`` derives from the bundle's case
    numbers, so it is the same in every run on the same data; ``reasons``
    lists the shared parties and assets that tie each case in.

    Both engines call this with the links they find.

    >>> import pandas as pd
    >>> no = "（2024）沪0113执{}号".format
    >>> links = pd.DataFrame({"case_no": [no(1), no(2), no(2), no(3), no(4)],
    ...                       "link": ["party:P1", "party:P1", "asset:沪A12345", "asset:沪A12345", "party:P9"]})
    >>> b = bundles_from_links(links)
    >>> b["case_no"].tolist() == [no(1), no(2), no(3)], b["bundle_id"].nunique()
    (True, 1)
    >>> b["reasons"].tolist()
    ['party:P1', 'asset:沪A12345;party:P1', 'asset:沪A12345']
    >>> bundles_from_links(links.assign(court=["沪0113", "黑0103", "黑0103", "黑0103", "黑0103"]))["case_no"].tolist() == [no(2), no(3)]
    True
    """
    cols = list(C.OUTPUTS["bundles"].columns)
    if links.empty:
        return pd.DataFrame(columns=cols)
    case_codes, case_index = pd.factorize(links["case_no"])
    link_codes, link_index = pd.factorize(court_links(links))
    n_c, n_l = len(case_index), len(link_index)
    adj = coo_matrix((np.ones(len(links), dtype=np.int8), (case_codes, n_c + link_codes)), shape=(n_c + n_l,) * 2)
    _, label = connected_components(adj, directed=False)
    # text as both engines' tables hold it, however the links came
    comp = pd.DataFrame({"case_no": pd.Series(case_index.to_numpy(dtype=object), dtype="str"), "label": label[:n_c]})
    size = comp["label"].map(comp["label"].value_counts())
    comp = comp[size >= 2]
    members = join_per_group(comp["label"], comp["case_no"])
    ids = pd.Series([content_id("B", m) for m in members.to_numpy()], index=members.index)
    comp["bundle_id"] = comp["label"].map(ids)
    reasons = join_per_group(links["case_no"], links["link"])
    comp["reasons"] = reasons.reindex(comp["case_no"]).to_numpy()
    return comp.sort_values(["bundle_id", "case_no"])[cols].reset_index(drop=True)


def court_links(links: pd.DataFrame) -> pd.Series:
    """Each link as it ties cases: within its case's court (``court``), or
    as it is when the links name no court."""
    if "court" not in links:
        return links["link"]
    return links["court"].fillna("").astype(str) + "\x1f" + links["link"]


def related_cases(rows: pd.DataFrame) -> pd.DataFrame:
    """The cases related to one case: ``case_no`` and ``via`` (the shared
    parties and assets), by case number.

    >>> related_cases(pd.DataFrame({"case_no": ["3", "2"], "via": [["P1"], ["A7", "P1"]]})).to_dict("list")
    {'case_no': ['2', '3'], 'via': ['A7;P1', 'P1']}
    """
    out = rows.reindex(columns=["case_no", "via"])
    out["via"] = cells(out["via"])
    return out.sort_values("case_no").reset_index(drop=True)
