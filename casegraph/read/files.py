"""Read files as text tables: CSVs in any encoding a court PC saves, and
workbooks (.xlsx, .xls and what else python-calamine reads).

Everything is read as text; :mod:`casegraph.normalise` decides what it
means. Headers may be Chinese, files may be UTF-8 (with or without BOM),
GBK/GB18030 or UTF-16, and each row keeps its number (``row``, the header
being row 1, as Excel numbers rows) so that a rejected row can be found by
the clerk who typed it.

A row the reader itself cannot use (a stray comma gave it more cells than
the header, a formula was never calculated, …) is kept with the reason in a
``read_error`` column, which a table only has when some row needs it;
:func:`casegraph.normalise.normalise` rejects those rows (a quote never
closed: the row it opens in, which holds the rest of the file). What cannot
be pinned to rows (not a CSV at all, a missing column) stops the run with an
:class:`InputError`.

Example::

    cases, layout = read_csv(Path("export/cases.csv"), CASES)
    layout.column("amount").header      # '申请执行标的（元）'
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from casegraph.contract import TOTAL_WORDS, Table, header_to_column, header_unit
from casegraph.errors import InputError
from casegraph.read.layout import Column, Layout, letter

READ_ERROR = "read_error"
# Excel holds at most this many characters in a cell: a longer one did not
# come from a clerk, and would be cut or spill over when a result is opened.
EXCEL_CELL_LIMIT = 32767
# No export has this many columns, nor a header line this long; a file that
# has is refused before it is read (100,000 empty columns once took 23 GB).
MAX_COLUMNS = 1000
MAX_HEADER_BYTES = 1 << 20


def _canonical_columns(df: pd.DataFrame, table: Table, name: str) -> tuple[pd.DataFrame, dict]:
    """The table's columns under their canonical names, and which label
    became which column."""
    mapping = {}
    for header in df.columns:
        col = _column(table, header)
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
    return df, mapping


def _column(table: Table, header) -> str | None:
    """The column a header cell names; full-width letters and spaces too."""
    return header_to_column(table, unicodedata.normalize("NFKC", header)) if isinstance(header, str) else None


def _header_row(raw: pd.DataFrame, table: Table) -> int:
    """Court spreadsheets often have a title row or merged cells above the
    header: take the first of the top rows that names the required columns."""
    for i in range(min(len(raw), 10)):
        cols = {_column(table, v) for v in raw.iloc[i].tolist()}
        if all(c in cols for c in table.required):
            return i
    return 0


def _header(raw: pd.DataFrame, table: Table, spans=()) -> tuple[int, list]:
    """The (last) header row and its cells. A second header row under the
    first names the columns it has a name for: 当事人 over 名称 and 证件号码
    (an export's parties), or 申请执行人 merged over 名称 and 证件号码 (a
    ledger's: the two read together, 申请执行人证件号码). ``spans`` are the
    sheet's merged ranges (r0, c0, r1, c1), 0-based."""
    h = _header_row(raw, table)
    top = raw.iloc[h].tolist() if len(raw) else []
    for r0, c0, r1, c1 in spans:  # a header merged across columns heads each of them
        if r0 <= h <= r1 and c1 > c0 and c0 < len(top):
            top[c0 + 1 : c1 + 1] = [top[c0]] * (min(c1, len(top) - 1) - c0)
    if h + 1 < len(raw):
        below = raw.iloc[h + 1].tolist()
        cells = []
        for b, t in zip(below, top):
            joined = t + b if isinstance(t, str) and isinstance(b, str) and t.strip() and b.strip() else None
            cells.append(joined if _column(table, joined) else b if _column(table, b) else t)
        if any(_column(table, c) and _column(table, c) != _column(table, t) for c, t in zip(cells, top)):
            return h + 1, cells
    return h, top


def _labels(cells: list) -> list[str]:
    """Column labels from a header row: unique (of two 案号 columns the first
    counts, as pandas would have it) and named where the header is empty."""
    out, seen = [], set()
    for i, c in enumerate(cells):
        label = c if isinstance(c, str) and c.strip() else f"unnamed{i}"
        while label in seen:
            label += f".{i}"
        seen.add(label)
        out.append(label)
    return out


def _is_total(cells) -> bool:
    """Whether a row is a ledger's 合计 / 总计 row (the words may be spaced
    out, 合 计, or followed by more: 合计：305件)."""
    for v in cells:
        if isinstance(v, str) and v.strip():
            if "".join(v.split()).startswith(TOTAL_WORDS):
                return True
    return False


def _text_cell(v) -> str:
    """A workbook cell as the clerk sees it: 12345.0 typed as a whole number
    is ``12345``, a date ``2024-01-02``, an empty cell ``""``."""
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _as_text(col: pd.Series) -> pd.Series:
    """A workbook column as text; a column of text only is kept as it is."""
    if pd.api.types.infer_dtype(col, skipna=False) == "string":
        return col
    return col.map(_text_cell).astype(object)


def _finish(raw: pd.DataFrame, table: Table, name: str, text: bool, errors=(), checks=(), label: str | None = None,
            spans=()) -> tuple[pd.DataFrame, Layout]:
    """The table under the header row of ``raw`` (whose row i is the file's
    row i + 1), and how it was understood.

    ``errors`` are (raw row, raw column or None for the whole row, reason)
    found while reading; ``checks`` are (test of a column, reason) run on
    the table's columns. A row with either keeps its reason in
    ``read_error`` (see the module docstring). ``label`` names the file or
    sheet in the ``sheet`` column (``name``, the path, names it in errors).
    Blank rows and total rows (合计) are dropped and counted.
    """
    label = name if label is None else label
    h, header = _header(raw, table, spans)
    body = raw.iloc[h + 1 :]
    body.columns = _labels(header)
    used = {i for i, lab in enumerate(body.columns) if _column(table, lab)}
    df, mapping = _canonical_columns(body, table, name)
    layout = Layout(label, table.name, h + 1, [
        Column(letter(i), c if isinstance(c, str) else "", mapping.get(lab, ""),
               header_unit(unicodedata.normalize("NFKC", c)) if mapping.get(lab) == "amount" else "")
        for i, (lab, c) in enumerate(zip(body.columns, header))])
    if not text:  # a workbook's cells may be empty, numbers, dates or formulas' values
        df = df.apply(_as_text)
    df.insert(0, "row", df.index + 1)
    df.insert(1, "sheet", pd.Series(label, index=df.index, dtype=object))  # object, as every column read
    cols = list(table.columns)
    ok = None  # rows without a reason, when some row may have one
    if errors or checks:
        err = pd.Series("", index=df.index, dtype=object)
        for r, c, reason in errors:  # the first reason of a row is enough
            if r in err.index and err[r] == "" and (c is None or c in used):
                err[r] = reason
        for test, reason in checks:
            found = np.logical_or.reduce([test(df[c]).to_numpy(bool) for c in cols])
            err = err.where(~found | (err != ""), reason)
        ok = (err == "").to_numpy()
        if not ok.all():
            df[READ_ERROR] = err
    # Empty lines, Excel's trailing blank rows and a ledger's numbered empty
    # rows (序号 typed down the page) carry nothing to lose; nor does a
    # 合计 row. Only rows without a case number (which ends in 号) can be either.
    numbered = df[table.required[0]].str.contains("号", regex=False, na=False).to_numpy(bool) if len(df) else []
    maybe = np.flatnonzero(~numbered & (True if ok is None else ok)) if len(df) else np.array([], int)
    blank = total = np.array([], int)
    if len(maybe):
        part = df.iloc[maybe][cols]
        empty = (part.apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1).to_numpy()
        blank = maybe[empty]
        total = np.array([i for i in maybe[~empty] if _is_total(body.iloc[i].tolist())], int)
        df = df.drop(index=df.index[np.concatenate([blank, total])])
    layout.rows = len(df)
    layout.skipped = {k: int(len(v)) for k, v in (("blank", blank), ("total", total)) if len(v)}
    return df.reset_index(drop=True), layout


def _too_long(s: pd.Series) -> pd.Series:
    return s.str.len() > EXCEL_CELL_LIMIT


_LONG = (_too_long, f"a cell is longer than the {EXCEL_CELL_LIMIT:,} characters Excel holds (pasted text?)")
_REPLACED = (lambda s: s.str.contains("\ufffd", regex=False),
             "holds bytes that are not UTF-8 text (lines saved in another encoding?)")
_UNDECODABLE = (_REPLACED[0], "holds bytes that are neither UTF-8 nor GBK text")
_NUL = (lambda s: s.str.contains("\x00", regex=False), "holds a NUL byte (binary data, not text)")
# Bytes no text file holds (but tab, line breaks and ESC): a file where they
# are common is binary, one where they are rare has a few damaged rows.
_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 27), *range(28, 32)])


def _encoding(path: Path, head: bytes) -> tuple[str, str, str | None]:
    """How to read the file, from its first megabyte: (encoding, errors,
    what to do if a later byte does not decode).

    utf-8-sig reads plain UTF-8 too; gb18030 is a superset of GBK and GB2312
    (what Chinese Excel saves); utf-16 is Excel's "Unicode text". A file that
    is UTF-8 but for a few bytes (lines pasted in from a GBK system) is read
    as UTF-8 with those bytes replaced: only the rows holding them are lost
    (rejected), rather than the whole file to mojibake.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "strict", None
    if head.startswith(b"PK\x03\x04"):
        raise InputError(f"{path}: is an Excel workbook (or another zip file) named .csv: give the .xlsx itself")
    sample = head[:65536]
    if len(sample) - len(sample.translate(None, _CONTROL)) > max(8, len(sample) // 100):
        raise InputError(f"{path}: not a text CSV file (it holds binary data)")
    non_ascii = len(head) - len(head.translate(None, bytes(range(128))))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        # A cut at the end of the sample may split a character; anything earlier is not UTF-8.
        if e.start < len(head) - 3:
            # GBK read as UTF-8 gives a bad byte for (nearly) every character
            mostly_utf8 = head.decode("utf-8", errors="replace").count("\ufffd") * 10 < non_ascii
            return ("utf-8-sig", "replace", None) if mostly_utf8 else ("gb18030", "strict", None)
    # Only ASCII seen: the rest may be GBK; else a bad byte further on is a pasted line.
    return "utf-8-sig", "strict", "replace" if non_ascii else "gb18030"


def _holds_both(s: pd.Series, a: str, b: str) -> pd.Series:
    """Cells holding both ``a`` and ``b``; ``b`` is looked for only in the
    few cells that hold ``a``."""
    found = s.str.contains(a, regex=False).to_numpy(bool, copy=True)
    if found.any():
        found[found] = s[found].str.contains(b, regex=False).to_numpy(bool)
    return pd.Series(found, index=s.index)


def _may_hold_long_lines(data: bytes, window: int = 16384) -> bool:
    """Whether some line may be longer than 2 * ``window`` bytes (no cell of
    a shorter line is too long for Excel): one search per window, so a clean
    export of any size costs next to nothing."""
    return any(data.find(b"\n", k, k + window) < 0 for k in range(0, len(data), window))


_LINE_END = re.compile(rb"\r\n?|\n")  # Excel for Mac ends lines with CR alone


def _check_shape(path: Path, data: bytes) -> None:
    """Refuse at once a file whose top lines (where the header is looked
    for) are too long or too wide for an export, before pandas reads it."""
    nl = _LINE_END.search(data, 0, MAX_HEADER_BYTES)
    first = data[: nl.start() if nl else MAX_HEADER_BYTES]
    sep = b"\t" if b"\t" in first and b"," not in first else b","  # as read_csv decides below
    start = 0
    for _ in range(10):
        nl = _LINE_END.search(data, start, start + MAX_HEADER_BYTES + 1)
        end = nl.start() if nl else len(data)
        if end - start > MAX_HEADER_BYTES:
            raise InputError(f"{path}: a line at the top is over {MAX_HEADER_BYTES >> 20} MB long: not an export")
        if data.count(sep, start, end) >= MAX_COLUMNS:
            raise InputError(f"{path}: a line at the top has more than {MAX_COLUMNS} columns: not an export")
        if nl is None:
            return
        start = nl.end()


def read_csv(path: Path, table: Table) -> tuple[pd.DataFrame, Layout]:
    """The ``table`` in a CSV file, and how it was understood."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 is checked once decoded
        _check_shape(path, data)
    encoding, errors_mode, later = _encoding(path, data[: 1 << 20])
    text = None
    if encoding == "utf-16":  # rare: pandas reads the decoded text
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: broken UTF-16 text (bad bytes at offset {e.start})") from None
        _check_shape(path, text.encode("utf-8"))
    head = text[:4096] if text is not None else data[:4096].decode(encoding, errors="replace")
    first = head.split("\n", 1)[0]
    sep = "\t" if "\t" in first and "," not in first else ","  # Excel's "Unicode text" is tab-separated
    # Each check is a pass over every cell of the table: asked for only when
    # the file can hold what it looks for, so a clean export pays nothing.
    checks = []
    if b'"' in data:  # a quote left open swallows the lines after it into one cell
        checks.append((lambda s: _holds_both(s, "\n", sep),
                       'a cell runs over several lines: a quote (") left open took in the rows after it'))
    if len(data) > 2 * EXCEL_CELL_LIMIT and _may_hold_long_lines(data):
        checks.append(_LONG)
    # No header: the header row is found as in workbooks, and the header line
    # (not the widest row) says how many cells a row has, so that pandas never
    # takes the first column for an index when data rows end in a comma.
    # na_filter=False: every cell is text ("" when empty or missing), no NaN to fill.
    args = dict(sep=sep, header=None, dtype=object, na_filter=False, skip_blank_lines=False, on_bad_lines="error")
    # pandas reads bytes many times faster than decoded text.
    source = (lambda: io.StringIO(text)) if text is not None else (lambda: io.BytesIO(data))
    errors = []
    raw = _arrow_csv(data, sep) if text is None and encoding == "utf-8-sig" and errors_mode == "strict" else None
    try:
        try:
            try:
                if raw is None:
                    raw = pd.read_csv(source(), encoding=encoding, encoding_errors=errors_mode, **args)
            except UnicodeDecodeError:
                if later is None:
                    raise
                if later == "replace":
                    errors_mode = "replace"
                else:
                    encoding = later
                raw = pd.read_csv(source(), encoding=encoding, encoding_errors=errors_mode, **args)
        except UnicodeDecodeError:
            # Lines in neither encoding: each line is read in the encoding it
            # is in, and one in neither costs its row (below), not the file.
            text, errors_mode = _decode_by_line(data), "replace"
            checks.append(_UNDECODABLE)
            raw = pd.read_csv(io.StringIO(text), **args)
    except pd.errors.EmptyDataError:
        if not data.strip(b" \t\r\n\xef\xbb\xbf"):
            raise InputError(f"{path}: the file is empty") from None
        # A blank first line gives pandas no columns: the careful reading skips it.
        if text is None:
            text, errors_mode = _decode(path, data, encoding, errors_mode, later)
        raw, errors = _records(text, sep, table)
    except pd.errors.ParserError as e:
        if text is None:
            text, errors_mode = _decode(path, data, encoding, errors_mode, later)
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(e))
        raw, errors = _records(text, sep, table, int(unclosed[1]) if unclosed else None)
    if errors_mode == "replace" and _UNDECODABLE not in checks:
        checks.append(_REPLACED)
    if (b"\x00" in data) if text is None else ("\x00" in text):
        checks.append(_NUL)
    return _finish(raw, table, str(path), text=True, errors=errors, checks=checks, label=path.name)


def _arrow_csv(data: bytes, sep: str) -> pd.DataFrame | None:
    """A well-formed UTF-8 CSV read by Arrow's reader (both cores, every cell
    text, columns Arrow strings that the later stages keep), or None for
    anything it refuses (a short or long row, bytes that are not UTF-8, a
    NUL, a blank first line), which pandas' reader then reads as before: where both read a file
    they read the same cells (tests/test_read.py)."""
    # (A file of blank lines, or a blank first line, pandas refuses, and the careful reading takes.)
    if b"\x00" in data or not data[:MAX_HEADER_BYTES].removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip():
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=_ALL_TEXT, strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_columns > MAX_COLUMNS:
        return None
    raw = table.to_pandas()
    raw.columns = range(table.num_columns)
    return raw


# Arrow names the columns of a header-less read f0, f1, …: every one is text.
_ALL_TEXT = {f"f{i}": pa.string() for i in range(MAX_COLUMNS + 1)}


def _decode(path: Path, data: bytes, encoding: str, errors_mode: str, later: str | None) -> tuple[str, str]:
    """The text for the careful reading, decoded as pandas would have been
    told to (see :func:`_encoding`), and the errors mode that took."""
    try:
        return data.decode(encoding, errors=errors_mode), errors_mode
    except UnicodeDecodeError:
        try:
            if later == "replace":
                return data.decode(encoding, errors="replace"), "replace"
            if later:
                return data.decode(later), errors_mode
        except UnicodeDecodeError:
            pass
        # Neither encoding: the lines that are not text cost their rows.
        return _decode_by_line(data), "replace"


def _decode_by_line(data: bytes) -> str:
    """Text of a file whose lines are in different encodings: each line in
    UTF-8 if it is valid UTF-8 (GBK text almost never is, while GB18030
    takes nearly any bytes), else in GB18030, else with its bad bytes
    replaced (U+FFFD, which costs the row). Neither encoding puts a line
    feed inside a character, so lines can be decoded apart."""
    out = []
    for line in data.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                out.append(line.decode("utf-8", errors="replace"))
    return "\n".join(out)


def _records(text: str, sep: str, table: Table, unclosed: int | None = None) -> tuple[pd.DataFrame, list]:
    """The careful (slow) reading of a CSV that pandas' fast reader refused:
    a row with more cells than the header is kept aside with a reason
    instead of stopping the run; fewer cells are empty ones, as in pandas.
    ``unclosed`` is the row (0-based) whose quote pandas saw run to the end
    of the file: that row holds the rest of the file, and is kept aside."""
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize >> 1)  # long cells are judged later, with a reason
    try:
        reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=sep)
        top = list(itertools.islice(reader, 10))
        width = max(map(len, top), default=0)
        h = _header_row(pd.DataFrame([r + [""] * (width - len(r)) for r in top], dtype=object), table)
        n = len(top[h]) if top else 0
        errors, rows = [], []
        # Row by row, each cut to the header's width as it comes: a row of a
        # hundred thousand stray commas costs its row, not the machine's memory.
        for i, r in enumerate(itertools.chain(top, reader)):
            if i == unclosed:
                lines = sum(c.rstrip("\r\n").count("\n") for c in r)
                errors.append((i, None, 'a quote (") opened in this row is never closed: the rest of the file '
                                        f"({lines} line{'s' * (lines != 1)}) was read as one cell"))
            if len(r) > n:
                # Empty cells after the last column (a trailing comma) lose nothing.
                if i > h and any(c.strip() for c in r[n:]):
                    errors.append((i, None, f"the row has {len(r)} cells but the header {n} (a stray comma or quote?)"))
                del r[n:]
            elif len(r) < n:
                r.extend([""] * (n - len(r)))  # missing cells are empty ones, as in pandas
            rows.append(r)
    finally:
        csv.field_size_limit(limit)
    return pd.DataFrame(rows, columns=range(n), dtype=object), errors


_CELL = re.compile(r"([A-Z]+)(\d+)")


def _cell(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an A1 reference."""
    m = _CELL.fullmatch(ref)
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


_NS = r"(?:\w+:)?"
_FORMULA = re.compile(rf'<{_NS}c r="([A-Z]+\d+)"([^>]*)>\s*<{_NS}f\b[^>]*(?:/>|>[^<]*</{_NS}f>)\s*'
                      rf'(?:<{_NS}v\s*/>|<{_NS}v>\s*</{_NS}v>)?\s*</{_NS}c>'.encode())


_ERROR = re.compile(rf'<{_NS}c r="([A-Z]+\d+)"[^>]*\bt="e"[^>]*>\s*(?:<{_NS}f\b[^>]*/>|<{_NS}f\b[^>]*>[^<]*</{_NS}f>)?'
                    rf'\s*<{_NS}v>([^<]*)</{_NS}v>'.encode())


def _sheet_xml(path: Path, names: list[str]) -> dict[str, bytes]:
    """The XML of the named sheets of an .xlsx: no reader tells formulas
    without a value."""
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        out = {}
        for s in book.iter():
            if s.tag.endswith("}sheet") and s.get("name") in names and s.get(rel) in targets:
                t = targets[s.get(rel)]
                part = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
                if part in z.namelist():
                    out[s.get("name")] = z.read(part)
        return out


def _unmerge(raw: pd.DataFrame, spans) -> pd.DataFrame:
    """Excel keeps a merged cell's value in its top-left cell only: a case
    number merged over its parties' rows belongs to each of them (and a
    header merged over two header rows to the lower one). Merges across
    columns are read with the header (:func:`_header`): in a data row they
    are titles, not values."""
    for r0, c0, r1, _ in spans:
        if r1 > r0 and r0 < len(raw) and c0 < raw.shape[1]:
            raw.iloc[r0 + 1 : r1 + 1, c0] = raw.iat[r0, c0]
    return raw


def _uncalculated(raw: pd.DataFrame, xml: bytes) -> list:
    """Cells with a formula but no value: a workbook written by a program
    (not saved by Excel) may keep only the formula, which reads as empty.
    And cells holding an Excel error (#DIV/0!, #REF!), which read as empty
    or as the error's text."""
    errors = []
    if b't="e"' in xml:
        for ref, value in _ERROR.findall(xml):
            r, c = _cell(ref.decode())
            errors.append((r, c, f"cell {ref.decode()} holds the Excel error {value.decode(errors='replace')}"))
    if not re.search(rb"<(?:\w+:)?f[ >/]", xml):
        return errors
    for ref, attrs in _FORMULA.findall(xml):
        if b't="str"' in attrs:  # Excel's own empty text result
            continue
        r, c = _cell(ref.decode())
        if r < len(raw) and c < raw.shape[1] and raw.iat[r, c] in ("", None):
            errors.append((r, c, f"cell {ref.decode()} holds a formula that was never calculated "
                                 "(open the workbook in Excel and save it)"))
    return errors


# What python-calamine reads: Excel old and new, and what LibreOffice saves.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class Sheet:
    """One sheet of a workbook: its cells (row i is Excel row i + 1), its
    merged ranges (r0, c0, r1, c1), and the errors found in its XML."""

    name: str
    raw: pd.DataFrame
    spans: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def workbook_sheets(path: Path) -> dict[str, Sheet]:
    """Every sheet of a workbook, read with python-calamine (Rust: the
    fastest reader of .xlsx and the only well-kept one of .xls)."""
    import python_calamine

    kind = "." + path.suffix.lower().lstrip(".")
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = {}
        for name in book.sheet_names:
            sh = book.get_sheet_by_name(name)
            rows = sh.to_python(skip_empty_area=False)
            spans = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sh.merged_cell_ranges or [])]
            sheets[name] = Sheet(name, pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object), spans)
    except Exception as e:  # noqa: BLE001 - calamine raises its own kinds for a file that is not a workbook
        raise InputError(f"{path}: not a readable {kind} workbook ({type(e).__name__})") from None
    if kind in (".xlsx", ".xlsm"):
        try:
            xml = _sheet_xml(path, list(sheets))
        except Exception:  # noqa: BLE001 - calamine read it: go on without the formula checks
            xml = {}
        for name, sheet in sheets.items():
            sheet.errors = _uncalculated(sheet.raw, xml.get(name, b""))
    for sheet in sheets.values():
        _unmerge(sheet.raw, sheet.spans)
    return sheets


def read_sheet(path: Path, sheet: Sheet, table: Table) -> tuple[pd.DataFrame, Layout]:
    """The ``table`` in one sheet of the workbook at ``path``."""
    return _finish(sheet.raw, table, f"{path}[{sheet.name}]", text=False, errors=sheet.errors, checks=[_LONG],
                   label=f"{path.name}[{sheet.name}]", spans=sheet.spans)
