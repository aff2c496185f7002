"""Read a court's export: a folder of CSVs or one .xlsx workbook.

Everything is read as text; :mod:`casegraph.normalise` decides what it
means. Headers may be Chinese, files may be UTF-8 (with or without BOM) or
GBK/GB18030, and each row keeps its line number (``row``, the header being
row 1) so that a rejected row can be found by the clerk who typed it.

>>> tables = read_export("tests/data/tiny")            # doctest: +SKIP
>>> list(tables)                                       # doctest: +SKIP
['cases', 'parties', 'assets', 'judges']
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .contract import CASES, JUDGES, TABLES, Table, header_to_column


class InputError(Exception):
    """Input that stops the run: one line a clerk can act on."""


def _canonical_columns(df: pd.DataFrame, table: Table, name: str) -> pd.DataFrame:
    mapping = {}
    for header in df.columns:
        col = header_to_column(table, header)
        if col and col not in mapping.values():
            mapping[header] = col
    missing = [c for c in table.required if c not in mapping.values()]
    if missing:
        col = missing[0]
        raise InputError(
            f"{name}: missing required column '{col}' (or {'/'.join(table.columns[col])})"
        )
    df = df[list(mapping)].rename(columns=mapping)
    for col in table.columns:
        if col not in df.columns:
            df[col] = ""
    return df


def _finish(df: pd.DataFrame, table: Table, name: str, first_row: int, text: bool) -> pd.DataFrame:
    df = _canonical_columns(df, table, name)
    df = df.fillna("")
    if not text:  # a workbook's cells may be numbers, dates or formulas' values
        df = df.astype(object).map(lambda v: v if isinstance(v, str) else str(v))
    df.insert(0, "row", range(first_row, first_row + len(df)))
    # Empty lines and Excel's trailing blank rows carry nothing to lose.
    # Only rows without their first required value can be blank: check those.
    maybe = np.flatnonzero(df[table.required[0]].to_numpy(dtype=object) == "")
    if len(maybe):
        part = df.iloc[maybe][list(table.columns)]
        blank = (part.apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1).to_numpy()
        df = df.drop(index=df.index[maybe[blank]])
    return df.reset_index(drop=True)


def _encoding(path: Path) -> str:
    """utf-8-sig (reads plain UTF-8 too) unless the file is not UTF-8, then
    GB18030, a superset of GBK and GB2312 (what Chinese Excel saves)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    if b"\x00" in head[:65536]:
        raise InputError(f"{path}: not a text CSV file (it holds binary data)")
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        # A cut at the end of the sample may split a character; anything earlier is not UTF-8.
        return "utf-8-sig" if e.start >= len(head) - 3 else "gb18030"


def read_csv(path: Path, table: Table) -> pd.DataFrame:
    # pandas reads a path (or bytes) many times faster than decoded text.
    args = dict(dtype=object, keep_default_na=False, skip_blank_lines=False, on_bad_lines="error")
    encoding = _encoding(path)
    try:
        try:
            df = pd.read_csv(path, encoding=encoding, **args)
        except UnicodeDecodeError:
            if encoding == "gb18030":
                raise
            df = pd.read_csv(path, encoding="gb18030", **args)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: neither UTF-8 nor GBK text (bad byte at offset {e.start})") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except pd.errors.ParserError as e:
        raise InputError(f"{path}: not a well-formed CSV ({str(e).splitlines()[-1]})") from None
    return _finish(df, table, str(path), first_row=2, text=True)


def _header_row(raw: pd.DataFrame, table: Table) -> int:
    """Court spreadsheets often have a title row or merged cells above the
    header: take the first of the top rows that names the required columns."""
    for i in range(min(len(raw), 10)):
        cols = {header_to_column(table, v) for v in raw.iloc[i].tolist() if isinstance(v, str)}
        if all(c in cols for c in table.required):
            return i
    return 0


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(e).__name__})") from None
    out = {}
    for table in TABLES:
        sheet = next((s for s in sheets if str(s).strip().casefold() in [a.casefold() for a in table.sheet_aliases]), None)
        if sheet is None:
            if table.optional_table:
                continue
            raise InputError(f"{path}: missing sheet '{table.name}' (or {'/'.join(table.sheet_aliases[1:])})")
        raw = sheets[sheet]
        h = _header_row(raw, table)
        df = raw.iloc[h + 1 :].copy()
        df.columns = [str(c) if c == c else f"unnamed{i}" for i, c in enumerate(raw.iloc[h].tolist())] if len(raw) else []
        out[table.name] = _finish(df, table, f"{path}[{sheet}]", first_row=h + 2, text=False)
    return out


def read_export(source: str | Path, judges: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The export's tables with canonical column names and a ``row`` column.

    ``source`` is a folder holding ``cases.csv`` and ``parties.csv`` (and
    optionally ``assets.csv``, ``judges.csv``; Chinese file names 案件.csv
    etc. work too) or an ``.xlsx`` workbook. ``judges`` overrides the
    export's judges table.
    """
    source = Path(source)
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if source.is_file():
        if source.suffix.lower() not in (".xlsx", ".xlsm"):
            raise InputError(f"{source}: give a folder of CSV files or an .xlsx workbook")
        tables = read_workbook(source)
    else:
        tables = {}
        for table in TABLES:
            path = next((source / f"{n}.csv" for n in table.sheet_aliases if (source / f"{n}.csv").exists()), None)
            if path is None:
                if table.optional_table:
                    continue
                raise InputError(f"{source}: missing file {table.filename} (or {table.sheet_aliases[1]}.csv)")
            tables[table.name] = read_csv(path, table)
    if judges is not None:
        judges = Path(judges)
        if not judges.exists():
            raise InputError(f"{judges}: no such file")
        tables[JUDGES.name] = (
            read_workbook(judges).get(JUDGES.name) if judges.suffix.lower() == ".xlsx" else read_csv(judges, JUDGES)
        )
        if tables[JUDGES.name] is None:
            raise InputError(f"{judges}: no judges sheet")
    for table in TABLES:
        if table.name not in tables and table.optional_table:
            tables[table.name] = pd.DataFrame({"row": pd.Series(dtype=int), **{c: pd.Series(dtype=str) for c in table.columns}})
    assert CASES.name in tables
    return tables
