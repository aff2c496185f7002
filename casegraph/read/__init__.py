"""Read: a court's input → text tables, and how it was understood.

What a court hands over comes in two forms, both read here:

* an **export** of its case system: a folder of CSVs (``cases.csv``,
  ``parties.csv``, optionally ``assets.csv``, ``judges.csv``; Chinese file
  names too) or one workbook with those sheets;
* a clerk's **ledger** (执行案件台账): one sheet or CSV, one row per case,
  the parties in role columns (:mod:`casegraph.read.ledger`);
* a published **list** of debtors (失信被执行人, 限制消费, 终本案件): one
  debtor per row and no applicants, as CSV, a workbook or JSON records
  (:mod:`casegraph.read.records`); read as a ledger is, with ``form`` ``list``.

A workbook's sheets are found by their names, else by their content (the
headers under the title rows), so a ledger on ``Sheet1`` is read as one.
Rooms: :mod:`~casegraph.read.files` (CSV encodings, workbooks, headers,
blank and total rows), :mod:`~casegraph.read.ledger` (a ledger as two
tables), :mod:`~casegraph.read.layout` (what was understood).

Example::

    tables = read_export("tests/data/tiny")
    list(tables)    # ['cases', 'parties', 'assets', 'judges']
    tables.form     # 'export'
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.contract import CASES, JUDGES, LEDGER, PARTIES, TABLES, Table
from casegraph.errors import InputError
from casegraph.read.files import (EXCEL_CELL_LIMIT, READ_ERROR, WORKBOOK_SUFFIXES, _column, _finish, _header_row,
                                  read_csv, read_sheet, workbook_sheets)
from casegraph.read.layout import Column, Layout, Tables
from casegraph.read.ledger import split_ledger, split_names
from casegraph.read.records import JSON_SUFFIXES, read_json_records

__all__ = ["EXCEL_CELL_LIMIT", "READ_ERROR", "Column", "InputError", "Layout", "Tables", "read_export",
           "split_names"]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")


def read_export(source: str | Path, judges: str | Path | None = None) -> Tables:
    """The input's tables with canonical column names, ``row`` and ``sheet``.

    ``source`` is a folder holding ``cases.csv`` and ``parties.csv`` (and
    optionally ``assets.csv``, ``judges.csv``; Chinese file names 案件.csv
    etc. work too), a workbook (.xlsx, .xls…) holding those tables or a
    ledger, or a ledger as one CSV. ``judges`` overrides the input's judges
    table.
    """
    source = Path(source)
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if source.is_file():
        suffix = source.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES:
            tables = _workbook(source)
        elif suffix in CSV_SUFFIXES:
            try:
                ledger = read_csv(source, LEDGER)
            except InputError as e:
                if "missing required column" not in str(e):
                    raise
                raise InputError(f"{source}: no 案号 column in its first rows, so not a ledger; give a folder of CSV "
                                 "files or an .xlsx workbook (an export), or a ledger .csv") from None
            tables = _ledger([ledger])
        elif suffix in JSON_SUFFIXES:
            tables = _ledger([_json(source)])
        else:
            raise InputError(f"{source}: give a folder of CSV files, an .xlsx/.xls workbook, a ledger or list .csv, "
                             "or a list's JSON records (.json, .jsonl)")
    else:
        tables = Tables()
        for table in TABLES:
            path = next((source / f"{n}.csv" for n in table.sheet_aliases if (source / f"{n}.csv").exists()), None)
            if path is None:
                if table.optional_table:
                    continue
                raise InputError(f"{source}: missing file {table.filename} (or {table.sheet_aliases[1]}.csv); "
                                 "a ledger (台账) is read from its own file: give the .xlsx or .csv itself")
            _add(tables, table, read_csv(path, table))
    if judges is not None:
        judges = Path(judges)
        if not judges.exists():
            raise InputError(f"{judges}: no such file")
        if judges.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = workbook_sheets(judges)
            name = next((s for s in sheets if _named(s, JUDGES)), next(iter(sheets)))
            _add(tables, JUDGES, read_sheet(judges, sheets[name], JUDGES))
        else:
            _add(tables, JUDGES, read_csv(judges, JUDGES))
    for table in TABLES:
        if table.name not in tables and table.optional_table:
            # object, as read tables are: a pandas string column checks isin() value by value in Python
            tables[table.name] = pd.DataFrame({"row": pd.Series(dtype=int), "sheet": pd.Series(dtype=object),
                                               **{c: pd.Series(dtype=object) for c in table.columns}})
    assert CASES.name in tables
    return tables


def _add(tables: Tables, table: Table, read: tuple[pd.DataFrame, Layout]) -> None:
    df, layout = read
    tables[table.name] = df
    tables.layouts[layout.source] = layout


def _named(sheet: str, table: Table) -> bool:
    return str(sheet).strip().casefold() in [a.casefold() for a in table.sheet_aliases]


def _looks_like(raw: pd.DataFrame, table: Table) -> bool:
    """Whether a sheet's top rows hold ``table``'s header: all its required
    columns (and, for a ledger, a role column; for cases, none)."""
    h = _header_row(raw, table)
    if h >= len(raw):
        return False
    cols = {_column(table, v) for v in raw.iloc[h].tolist()}
    if not all(c in cols for c in table.required):
        return False
    roles = {_column(LEDGER, v) for v in raw.iloc[h].tolist()} & {"applicant", "debtor"}
    if table is LEDGER:
        return bool(roles)
    return table is not CASES or not roles


def _workbook(path: Path) -> Tables:
    """An export's tables from their sheets, or a ledger's. Sheets are taken
    by name first (案件, 当事人…), then by what their headers say."""
    sheets = workbook_sheets(path)
    chosen = {t.name: next((s for s in sheets if _named(s, t)), None) for t in TABLES}
    if chosen[CASES.name] is None or chosen[PARTIES.name] is None:
        free = [s for s in sheets if s not in chosen.values()]
        for t in (CASES, PARTIES):
            if chosen[t.name] is None:
                chosen[t.name] = next((s for s in free if _looks_like(sheets[s].raw, t)), None)
        if chosen[PARTIES.name] is None:
            ledgers = [s for s in sheets if _looks_like(sheets[s].raw, LEDGER)]
            if ledgers:
                return _ledger([read_sheet(path, sheets[s], LEDGER) for s in ledgers])
            names = "、".join(f"'{s}'" for s in sheets)
            if chosen[CASES.name] is None:
                raise InputError(f"{path}: no sheet holds a ledger (案号 and 申请执行人/被执行人 columns) or an "
                                 f"export's cases and parties; its sheets: {names}")
            raise InputError(f"{path}: missing sheet '{PARTIES.name}' (or {'/'.join(PARTIES.sheet_aliases[1:])}); "
                             f"its sheets: {names}")
    tables = Tables()
    for t in TABLES:
        if chosen[t.name] is not None:
            _add(tables, t, read_sheet(path, sheets[chosen[t.name]], t))
    return tables


def _json(path: Path) -> tuple[pd.DataFrame, Layout]:
    """A list's JSON records as a ledger table; ``row`` is the record's
    number, and a record has no cell letters."""
    try:
        df, layout = _finish(read_json_records(path), LEDGER, str(path), text=True, label=path.name)
    except InputError as e:
        if "missing required column" not in str(e):
            raise
        raise InputError(f"{path}: its records have no case number (caseCode or 案号), so not a list of cases") from None
    df["row"] -= 1
    for c in layout.columns:
        c.letter = ""
    layout.header_row = 0
    return df, layout


# What a published list's own columns say it is (the first found names it).
LIST_NAMES = (("失信被执行人名单", ("失信被执行人行为具体情形", "disruptTypeName", "失信情形", "生效法律文书确定的义务")),
              ("限制消费人员名单", ("限制消费", "限消", "限高")),
              ("终本案件名单", ("终本日期", "终结本次执行日期", "未履行金额", "终本")))


def list_name(layouts) -> str:
    """The kind of published list the headers say a file is, '' when they
    do not tell (a list of debtors all the same).

    >>> list_name([Layout("shixin.csv", "ledger", 1, [Column("A", "失信被执行人行为具体情形", "")])])
    '失信被执行人名单'
    """
    headers = [c.header for lay in layouts for c in lay.columns]
    for name, marks in LIST_NAMES:
        if any(m in h for h in headers for m in marks):
            return name
    return ""


def _ledger(reads: list[tuple[pd.DataFrame, Layout]]) -> Tables:
    """A ledger's sheets (or CSV), or a list's, as an export's cases and
    parties. A table with debtors and no applicant column is a published
    list (form ``list``)."""
    layouts = {lay.source: lay for _, lay in reads}
    for lay in layouts.values():
        if not (lay.column("applicant") or lay.column("debtor")):
            raise InputError(f"{lay.source}: no 申请执行人 or 被执行人 column, so not a ledger (an export is a "
                             "folder of cases.csv and parties.csv)")
    ledger = pd.concat([df for df, _ in reads], ignore_index=True) if len(reads) > 1 else reads[0][0]
    cases, parties, warnings = split_ledger(ledger, layouts)
    if READ_ERROR in ledger:
        cases[READ_ERROR] = ledger[READ_ERROR].fillna("").to_numpy()
    listed = not any(lay.column("applicant") for lay in layouts.values())
    tables = Tables({CASES.name: cases, PARTIES.name: parties}, layouts, form="list" if listed else "ledger",
                    warnings=warnings)
    tables.list_name = list_name(layouts.values()) if listed else ""
    return tables
