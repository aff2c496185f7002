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
import pyarrow as pa
import pyarrow.compute as pc

from casegraph import contract as C
from casegraph.read.layout import Layout

# A separator outside brackets: 张三（曾用名：张叁、张山） is one name.
_SEPARATOR = re.compile(rf"[{C.NAME_SEPARATORS}]+(?![^(（\[【〔]*[)）\]】〕])")
_ANY_SEPARATOR = f"[{C.NAME_SEPARATORS}]"
# ledger_column: the role column a name came from (casegraph.normalise.clean.Where).
PARTY_COLUMNS = ["row", "sheet", "case_no", "role", "name", "id_no", "kind", "representative", "ledger_column"]
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
                          **{c: ledger[c] if c in ledger else _text_column(np.full(len(ledger), ""), ledger.index)
                             for c in C.CASES.columns}})
    if "closed_how" in ledger:  # 终结本次执行 says more than 已结
        how = ledger["closed_how"].to_numpy(dtype=object)
        typed = pc.not_equal(pc.utf8_trim_whitespace(pa.array(how, type=pa.string())), "").to_numpy(zero_copy_only=False)
        cases["status"] = _text_column(np.where(typed, how, cases["status"].to_numpy(dtype=object)), ledger.index)
    frames, warnings = [], []
    roles = [*C.LEDGER_ROLES, ("other", None, None)]
    n = len(ledger)
    present = {c.field for lay in layouts.values() for c in lay.columns} if layouts else set(ledger.columns)
    if "id_no" in present and "id_no" in ledger and "applicant" not in present and "debtor_id" not in present:
        # A list of one debtor per row (失信, 限制消费, 终本): its ID column, headed without a
        # role (身份证号码/组织机构代码), can only be the debtor's.
        ledger = ledger.assign(debtor_id=ledger["id_no"])
        present = present | {"debtor_id"}
    representative = ledger["representative"].astype(object) if "representative" in ledger and \
        "representative" in present else pd.Series("", index=ledger.index, dtype=object)
    for names_col, ids_col, role in roles:
        if names_col not in ledger or names_col not in present:
            continue
        if role is None:  # 第三人, 案外人…: the role is the column's header
            role = _other_role(ledger["sheet"], layouts)
        names = ledger[names_col].astype(object)
        has_ids = bool(ids_col) and ids_col in ledger and ids_col in present and (ledger[ids_col] != "").any()
        ids = ledger[ids_col].astype(object) if has_ids else pd.Series("", index=ledger.index, dtype=object)
        # A million cells are scanned in Arrow's compute kernels, not one Python call each.
        cells = pa.array(names.to_numpy(dtype=object), type=pa.string())
        several = _separated(cells)
        if has_ids:
            several |= _separated(pa.array(ids.to_numpy(dtype=object), type=pa.string()))
        stripped = pc.utf8_trim_whitespace(cells)
        one = ~several & pc.not_equal(stripped, "").to_numpy(zero_copy_only=False)
        base = ledger.loc[one, ["row", "sheet", "case_no"]]
        k = int(one.sum())
        # The representative (法定代表人) is of the one debtor a row names, never of several.
        rep = representative[one].to_numpy(dtype=object) if names_col == "debtor" else np.full(k, "", dtype=object)
        part = {"role": _pick(role, one, k), "name": stripped.filter(pa.array(one)).to_numpy(zero_copy_only=False),
                "kind": np.full(k, ""), "representative": rep, "ledger_column": np.full(k, names_col)}
        frames.append(base.assign(id_no=ids[one], **{c: _text_column(v.astype(object), base.index) for c, v in part.items()}))
        if several.any():
            part, warned = _several(ledger[several], names[several], ids[several], _pick(role, several, int(several.sum())),
                                    names_col, ids_col, layouts)
            frames.append(part)
            warnings += warned
    parties = pd.concat(frames, ignore_index=False).sort_index(kind="stable") if frames and n else \
        pd.DataFrame({c: pd.Series(dtype=int if c == "row" else object) for c in PARTY_COLUMNS})
    return (cases.reset_index(drop=True), parties[PARTY_COLUMNS].reset_index(drop=True),
            pd.DataFrame(warnings, columns=WARNING_COLUMNS))


def _text_column(values: np.ndarray, index) -> pd.Series:
    """Text as the reader's other columns hold it: object (pandas 3 would
    otherwise make Arrow strings, which every later step converts back)."""
    return pd.Series(values, index=index, dtype=object)


def _separated(cells: pa.Array) -> np.ndarray:
    """Cells holding a name separator (then split with care, outside brackets)."""
    return pc.fill_null(pc.match_substring_regex(cells, _ANY_SEPARATOR), False).to_numpy(zero_copy_only=False).copy()


def _pick(role, mask, k: int) -> np.ndarray:
    """The role of each chosen row: one text for all, or a row's own (other roles)."""
    return np.full(k, role, dtype=object) if isinstance(role, str) else role[mask]


def _other_role(sheets: pd.Series, layouts: dict[str, Layout]) -> pd.Series:
    """Each row's other role: the header of its sheet's 第三人 / 案外人 column."""
    header = {s: C.header_base(lay.column("other").header) for s, lay in layouts.items() if lay.column("other")}
    return sheets.map(lambda s: header.get(s, C.OTHER_ROLES[0])).to_numpy(dtype=object)


def _several(rows: pd.DataFrame, names: pd.Series, ids: pd.Series, role, names_col, ids_col,
             layouts) -> tuple[pd.DataFrame, list]:
    """The rows whose cells hold several names (or IDs), one party each;
    IDs pair with names in order, or not at all when the counts differ."""
    out, warned = [], []
    for idx, row, sheet, case_no, cell, id_cell, rl in zip(rows.index, rows["row"].to_numpy(), rows["sheet"].to_numpy(),
                                                           rows["case_no"].to_numpy(), names.to_numpy(), ids.to_numpy(),
                                                           role):
        ns, ds = split_names(cell), split_names(id_cell)
        if ds and len(ds) != len(ns):
            lay = layouts.get(sheet)
            col = lay.column(ids_col) if lay and ids_col else None
            warned.append({
                "source": "parties", "row": row, "case_no": case_no, "field": "id_no",
                "value": cell[:200], "sheet": sheet, "column": col.header if col else "",
                "cell": f"{col.letter}{row}" if col else "",
                "warning": f"{len(ns)} names but {len(ds)} ID numbers in one cell: the IDs were not used"})
            ds = []
        ds = ds or [""] * len(ns)
        out += [(idx, row, sheet, case_no, rl, n, d, "", "", names_col) for n, d in zip(ns, ds)]
    cols = list(zip(*out)) if out else [()] * (len(PARTY_COLUMNS) + 1)
    # object arrays, not lists: pandas would make Arrow strings of lists, and every later step convert them back
    index = np.array(cols[0], dtype=np.int64)
    part = pd.DataFrame({c: np.array(v, dtype=np.int64) if c == "row" else _text_column(np.array(v, dtype=object), index)
                         for c, v in zip(PARTY_COLUMNS, cols[1:])}, index=index)
    return part, warned
