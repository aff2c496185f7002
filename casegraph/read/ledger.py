"""A ledger (执行案件台账) as an export's two tables.

A clerk's ledger has one row per case and its parties in role columns
(申请执行人, 被执行人), several in a cell (``孙芳、赵超红``: a borrower and
a guarantor), sometimes with an ID column per role. This module turns the
ledger table the reader found (contract.LEDGER's columns) into the cases
and parties tables of an export, so that everything after reading is the
same for both. Each party row keeps its ledger row.

>>> import pandas as pd
>>> ledger = pd.DataFrame({"row": [4], "sheet": ["台账.xlsx[Sheet1]"], "case_no": ["（2024）沪0113执1号"],
...     "applicant": ["上海甲有限公司"], "debtor": ["孙芳、赵超红"], "debtor_id": [""],
...     "status": ["已结"], "closed_how": ["终结本次执行"]})
>>> cases, parties, warnings = split_ledger(ledger, {})
>>> parties[["role", "name"]].values.tolist(), cases["status"].tolist()
([['申请执行人', '上海甲有限公司'], ['被执行人', '孙芳'], ['被执行人', '赵超红']], ['终结本次执行'])
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.read.layout import Layout

# A separator outside brackets: 张三（曾用名：张叁、张山） is one name.
_SEPARATOR = re.compile(rf"[{C.NAME_SEPARATORS}]+(?![^(（\[【〔]*[)）\]】〕])")
_ANY_SEPARATOR = f"[{C.NAME_SEPARATORS}]"
# ledger_column: the role column a name came from (casegraph.normalise.clean.Where).
PARTY_COLUMNS = ["row", "sheet", "case_no", "role", "name", "id_no", "kind", "ledger_column"]
WARNING_COLUMNS = list(C.OUTPUTS["warnings"].columns)


def split_names(cell: str) -> list[str]:
    """The names in one cell, in order.

    >>> split_names("张三、李四"), split_names("A；B,C\\nD"), split_names("张三（曾用名：张叁、张山）")
    (['张三', '李四'], ['A', 'B', 'C', 'D'], ['张三（曾用名：张叁、张山）'])
    """
    return [n for n in (p.strip() for p in _SEPARATOR.split(cell)) if n]


def split_ledger(ledger: pd.DataFrame, layouts: dict[str, Layout]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(cases, parties, warnings) of a ledger table; ``layouts`` (by sheet)
    name the ID column in a warning."""
    cases = pd.DataFrame({"row": ledger["row"], "sheet": ledger["sheet"],
                          **{c: ledger[c] if c in ledger else "" for c in C.CASES.columns}})
    if "closed_how" in ledger:  # 终结本次执行 says more than 已结
        how = ledger["closed_how"].astype(object)
        cases["status"] = how.where(how.str.strip() != "", cases["status"])
    frames, warnings = [], []
    roles = [*C.LEDGER_ROLES, ("other", None, None)]
    for names_col, ids_col, role in roles:
        if names_col not in ledger:
            continue
        if role is None:  # 第三人, 案外人…: the role is the column's header
            role = _other_role(ledger["sheet"], layouts)
        names = ledger[names_col].astype(object)
        ids = ledger[ids_col].astype(object) if ids_col and ids_col in ledger else pd.Series("", index=ledger.index, dtype=object)
        several = (names.str.contains(_ANY_SEPARATOR, regex=True) | ids.str.contains(_ANY_SEPARATOR, regex=True)).to_numpy(bool)
        one = ~several & (names.str.strip() != "").to_numpy(bool)
        base = ledger.loc[one, ["row", "sheet", "case_no"]]
        frames.append(base.assign(role=_pick(role, one), name=names[one].str.strip(), id_no=ids[one], kind="",
                                  ledger_column=names_col))
        if several.any():
            part, warned = _several(ledger[several], names[several], ids[several], _pick(role, several), names_col,
                                    ids_col, layouts)
            frames.append(part)
            warnings += warned
    parties = pd.concat(frames, ignore_index=False).sort_index(kind="stable") if frames else pd.DataFrame(columns=PARTY_COLUMNS)
    return (cases.reset_index(drop=True), parties[PARTY_COLUMNS].reset_index(drop=True),
            pd.DataFrame(warnings, columns=WARNING_COLUMNS))


def _pick(role, mask):
    """The role of each chosen row: one text, or a row's own (other roles)."""
    return role if isinstance(role, str) else role[mask]


def _other_role(sheets: pd.Series, layouts: dict[str, Layout]) -> pd.Series:
    """Each row's other role: the header of its sheet's 第三人 / 案外人 column."""
    header = {s: C.header_base(lay.column("other").header) for s, lay in layouts.items() if lay.column("other")}
    return sheets.map(lambda s: header.get(s, C.OTHER_ROLES[0])).to_numpy(dtype=object)


def _several(rows: pd.DataFrame, names: pd.Series, ids: pd.Series, role, names_col, ids_col,
             layouts) -> tuple[pd.DataFrame, list]:
    """The rows whose cells hold several names (or IDs), one party each;
    IDs pair with names in order, or not at all when the counts differ."""
    out, warned = [], []
    roles = role if not isinstance(role, str) else np.full(len(rows), role, dtype=object)
    for (idx, r), cell, id_cell, rl in zip(rows[["row", "sheet", "case_no"]].iterrows(), names, ids, roles):
        ns, ds = split_names(cell), split_names(id_cell)
        if ds and len(ds) != len(ns):
            lay = layouts.get(r["sheet"])
            col = lay.column(ids_col) if lay and ids_col else None
            warned.append({
                "source": "parties", "row": r["row"], "case_no": r["case_no"], "field": "id_no",
                "value": cell[:200], "sheet": r["sheet"], "column": col.header if col else "",
                "cell": f"{col.letter}{r['row']}" if col else "",
                "warning": f"{len(ns)} names but {len(ds)} ID numbers in one cell: the IDs were not used"})
            ds = []
        ds = ds or [""] * len(ns)
        out += [(idx, r["row"], r["sheet"], r["case_no"], rl, n, d, "", names_col) for n, d in zip(ns, ds)]
    part = pd.DataFrame([o[1:] for o in out], index=[o[0] for o in out], columns=PARTY_COLUMNS)
    return part, warned
