"""结果.xlsx: the findings in one workbook a clerk opens, in Chinese.

One sheet per finding, under Chinese sheet names and headers
(contract.WORKBOOK_SHEETS, WORKBOOK_HEADERS); party names stand beside
party ids (offsets, bundles, repeat pairs); amounts are numbers shown as
yuan (``#,##0.00``); the rows not used and the warnings come last, so the
clerk who typed a row can find it (sheet, row, cell). The CSVs beside it
keep the contract's English names for programs.

Every cell is written as what it is (a number, or text), never as a
formula, and text goes through :func:`casegraph.write.files.text_cells` as
every table casegraph writes does: a name typed as ``=1+1`` stays text,
shown as ``'=1+1``.

Example::

    write_workbook(result.tables(), Path("results/结果.xlsx"), summary=result.summary)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.write.files import text_cells

ORDER = ("common_debtors", "repeat_applicants", "offsets", "shared_assets", "shared_representatives", "bundles", "assignments", "rejected",
         "warnings", "set_aside")
MONEY = {"total_amount", "amount"}
# Codes in a few columns, as a clerk reads them.
VALUES = {"kind": {"bilateral": "双方互负", "multilateral": "多方循环"},
          "mass_applicant": {True: "是", False: "否", "True": "是", "False": "否"},
          "cross_court": {True: "是", False: "否", "True": "是", "False": "否"},
          "source": {"cases": "案件", "parties": "当事人", "assets": "财产", "judges": "法官"}}
EXCEL_ROWS = 1_048_576  # a sheet's limit: larger tables go on over several sheets
# The per-case sheet (分案, one row per case) is written in full up to this
# many rows. Above it, a province's million cases, it holds the cases in
# related-case bundles (those a clerk routes together) and the overview says
# that every case's assignment is in assignments.csv: a million rows cell by
# cell would take longer than the whole analysis, and no clerk reads them here.
PER_CASE_ROWS = 100_000


def with_names(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The findings with the names of the parties they cite beside the ids.

    >>> t = {"parties": pd.DataFrame({"party_id": ["P1", "P2"], "name": ["张三", "上海甲有限公司"]}),
    ...      "offsets": pd.DataFrame({"parties": ["P1;P2"]}), "bundles": pd.DataFrame({"reasons": ["party:P2;asset:沪A1"]})}
    >>> out = with_names(t)
    >>> out["offsets"]["party_names"].tolist(), out["bundles"]["reason_names"].tolist()
    (['张三;上海甲有限公司'], ['上海甲有限公司;财产 沪A1'])
    """
    parties = tables.get("parties")
    # (tolist: iterating Arrow text goes value by value through pandas, 4 s for a million parties)
    names = dict(zip(parties["party_id"].tolist(), parties["name"].tolist())) if parties is not None else {}

    def cell(value, each):
        if not isinstance(value, str) or not value:
            return ""
        return C.LIST_SEP.join(each(v) for v in value.split(C.LIST_SEP))

    def link(v):
        kind, _, key = v.partition(":")
        return names.get(key, key) if kind == "party" else f"财产 {key}" if kind == "asset" else v

    def pair(v):
        pid, times, n = v.partition("×")
        return names.get(pid, pid) + times + n

    out = dict(tables)
    for name, col, new, each in (("offsets", "parties", "party_names", lambda v: names.get(v, v)),
                                 ("bundles", "reasons", "reason_names", link),
                                 ("repeat_applicants", "repeat_pairs", "repeat_pair_names", pair)):
        df = tables.get(name)
        if df is not None and col in df:
            uniq = pd.unique(df[col].to_numpy(dtype=object))
            at = list(df.columns).index(col) + 1
            df = df.copy()
            df.insert(at, new, df[col].map({u: cell(u, each) for u in uniq}) if len(df) else [])
            out[name] = df
    return out


def _columns(name: str, df: pd.DataFrame) -> list[str]:
    cols = list(C.OUTPUTS[name].columns)
    for extra in ("party_names", "reason_names", "repeat_pair_names"):
        if extra in df:
            cols.insert(cols.index({"party_names": "parties", "reason_names": "reasons",
                                    "repeat_pair_names": "repeat_pairs"}[extra]) + 1, extra)
    return [c for c in cols if c in df] + [c for c in ("rule",) if c in df and c not in cols]


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, summary: dict | None = None) -> Path:
    """Write the findings of ``tables`` (by contract name, texts already in
    the clerk's language: :func:`casegraph.reasons.localised`) to ``path``."""
    import xlsxwriter

    tables = with_names(tables)
    tables, note = per_case(tables)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    try:
        head = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        money = book.add_format({"num_format": "#,##0.00"})
        if summary:
            _overview(book, summary, head, note)
        for name in ORDER:
            df = tables.get(name)
            if df is None:
                continue
            cols = _columns(name, df)
            title = C.WORKBOOK_SHEETS[name]
            chunks = [df.iloc[i: i + EXCEL_ROWS - 1] for i in range(0, max(len(df), 1), EXCEL_ROWS - 1)]
            for k, part in enumerate(chunks):
                _sheet(book, title if k == 0 else f"{title} ({k + 1})", text_cells(part[cols]), head, money,
                       [C.WORKBOOK_HEADERS.get(f"{name}.{c}", C.WORKBOOK_HEADERS.get(c, c)) for c in cols])
    finally:
        book.close()
    return path


def per_case(tables: dict[str, pd.DataFrame], limit: int = PER_CASE_ROWS) -> tuple[dict[str, pd.DataFrame], list]:
    """The tables as the workbook holds them, and what the overview says of
    a per-case sheet cut to the cases in bundles (:data:`PER_CASE_ROWS`).

    >>> a = pd.DataFrame({"case_no": ["A", "B", "C"], "bundle_id": ["B1", "", "B1"]})
    >>> t, note = per_case({"assignments": a}, limit=2)
    >>> t["assignments"]["case_no"].tolist(), note
    (['A', 'C'], [('分案（全部 3 件）', '超过 2 行，此表只列关联案件组中的 2 件；全部案件的分案见 assignments.csv')])
    >>> per_case({"assignments": a})[1]
    []
    """
    df = tables.get("assignments")
    if df is None or len(df) <= limit:
        return tables, []
    kept = df[df["bundle_id"].fillna("") != ""]
    note = [(f"分案（全部 {len(df):,} 件）",
             f"超过 {limit:,} 行，此表只列关联案件组中的 {len(kept):,} 件；全部案件的分案见 {C.OUTPUTS['assignments'].filename}")]
    return {**tables, "assignments": kept}, note


def _sheet(book, title: str, df: pd.DataFrame, head, money, headers: list[str]) -> None:
    sheet = book.add_worksheet(title)
    codes = [VALUES.get(c, {}) for c in df.columns]
    columns = [df[c].to_numpy(dtype=object) for c in df.columns]
    for j, values in enumerate(columns):
        width = max([len(headers[j]) * 2] + [min(len(str(v)), 60) for v in values[:200]]) + 2
        sheet.set_column(j, j, min(width, 60))
    sheet.write_row(0, 0, headers, head)
    sheet.freeze_panes(1, 0)
    is_money = [c in MONEY for c in df.columns]
    # Row by row: constant_memory keeps one row in memory, so a million
    # assignments take no more room than ten.
    for i, row in enumerate(zip(*columns), start=1):
        for j, v in enumerate(row):
            if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                continue
            if is_money[j] or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))):
                sheet.write_number(i, j, round(float(v), 2) if is_money[j] else v, money if is_money[j] else None)
            else:
                sheet.write_string(i, j, str(codes[j].get(v, v)))
    if len(df):
        sheet.autofilter(0, 0, len(df), len(df.columns) - 1)


def _overview(book, s: dict, head, note: list = ()) -> None:
    """概况: what was read and found, in a few lines."""
    acc, rej = s.get("accepted", {}), s.get("rejected", {})
    rows = [("读入案件", s.get("input_rows", {}).get("cases")), ("采用案件", acc.get("cases")),
            ("当事人记录", acc.get("parties")), ("识别出的当事人", s.get("resolved_parties")),
            ("未采用的行", sum(rej.values()) if rej else 0), ("提示", s.get("warnings")),
            ("其他诉讼地位（未分析）", s.get("set_aside", {}).get("parties")),
            ("共同被执行人", s.get("common_debtors")), ("其中跨法院（提级执行/协同执行候选）", s.get("cross_court_debtors")),
            ("法定代表人相同的被执行人（关联企业）", s.get("shared_representatives")),
            *((("申请执行人", "输入中没有申请执行人（公布的被执行人名单）：无法查找重复申请人和互负债务"),)
              if s.get("no_applicants") else
              (("重复申请人", s.get("repeat_applicants")), ("互负债务", sum((s.get("offsets") or {}).values())))),
            ("共同财产", s.get("shared_assets")),
            ("关联案件组", s.get("bundles")), ("关联案件组中的案件", s.get("cases_in_bundles"))]
    if s.get("assigned") is not None:
        rows += [("已分案", s.get("assigned")), ("无法官可分", s.get("unassigned"))]
    rows += list(note)
    sheet = book.add_worksheet("概况")
    sheet.write_row(0, 0, ["项目", "数量"], head)
    sheet.set_column(0, 0, 26)
    for i, (k, v) in enumerate(rows, start=1):
        sheet.write_string(i, 0, k)
        if isinstance(v, str):
            sheet.write_string(i, 1, v)
        elif v is not None:
            sheet.write_number(i, 1, v)
