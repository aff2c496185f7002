"""JSON records as a text table: a published list as its service gives it.

The 失信被执行人 service (and crawlers of it, and exports of the 限制消费 and
终本 lists) hand out records as JSON: an array of objects, JSON Lines (one
object per line), or an object whose one list holds them
(``{"result": [...]}``). Each object is one row; its keys are the headers
(the service's own, ``iname``, ``cardNum``, ``caseCode``…, or the Chinese
labels), in the order they first appear. Every value is read as text, as
cells are: a number as it is written, ``null`` as an empty cell, a nested
value as its JSON text. ``row`` is the record's number (the first is 1).

>>> raw = _table([{"iname": "王文林", "caseCode": "(2015)北法执字第00880号", "age": 40, "x": None}])
>>> raw.values.tolist()
[['iname', 'caseCode', 'age', 'x'], ['王文林', '(2015)北法执字第00880号', '40', '']]
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from casegraph.errors import InputError

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def read_json_records(path: Path) -> pd.DataFrame:
    """The records of a JSON (or JSON Lines) file as a raw table: the
    header in row 0, one record per row under it, every cell text."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    text = _decode(path, data).lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        records = _records(json.loads(text))
    except json.JSONDecodeError:
        records = _lines(path, text)
    if records is None:
        raise InputError(f"{path}: JSON, but not a list of records (objects with fields such as caseCode, iname)")
    if not records:
        raise InputError(f"{path}: the file holds no records")
    return _table(records)


def _decode(path: Path, data: bytes) -> str:
    """JSON is UTF-8 by its standard; files saved on a court PC may be GBK."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: neither UTF-8 nor GBK text")


def _records(value) -> list[dict] | None:
    """The records a parsed JSON document holds: an array of objects, or
    the one array of objects inside an object (``{"data": [...]}``)."""
    if isinstance(value, list):
        return value if all(isinstance(v, dict) for v in value) else None
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return lists[0]
        return [value] if not lists else None
    return None


def _lines(path: Path, text: str) -> list[dict]:
    """JSON Lines: one object per line; a line that is not one stops the
    read with its number (a list cut off mid-record is not a list)."""
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: line {i} is not JSON ({e.msg})") from None
        if not isinstance(value, dict):
            raise InputError(f"{path}: line {i} is not a record (an object with fields)")
        out.append(value)
    return out


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    return json.dumps(v, ensure_ascii=False)


def _table(records: list[dict]) -> pd.DataFrame:
    keys: dict[str, None] = {}
    for r in records:
        keys.update(dict.fromkeys(map(str, r)))
    header = list(keys)
    rows = [[_cell(r.get(k)) for k in header] for r in records]
    return pd.DataFrame([header, *rows], dtype=object)
