"""Case numbers (案号): parse what clerks type, write the official form.

>>> parse_case_no("(2024)沪0113执1234号").official
'（2024）沪0113执1234号'
>>> parse_case_no("〔2024〕沪0113 执恢 12号").type_code
'执恢'
>>> parse_case_no("（2012）曲中法执字第66号").official
'（2012）曲中法执字第66号'
>>> parse_case_no("2024执1234") is None
True
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from casegraph.contract import CASE_TYPES

_TYPES = "|".join(CASE_TYPES)  # longest first: 执恢 before 执
# Since 2016: (year) province abbreviation + 2 or 4 digit court code, type, sequence, 号.
_MODERN = re.compile(rf"^\((\d{{4}})\)([\u4e00-\u9fff]\d{{2}}(?:\d{{2}})?)({_TYPES})(\d{{1,7}})号$")
# Before 2016: (2012)曲中法执字第66号.
_OLD = re.compile(rf"^\((\d{{4}})\)([\u4e00-\u9fff]{{1,8}}?)({_TYPES})字第(\d{{1,7}})号$")
# The official form itself (full-width brackets, no spaces), as written out.
_AS_WRITTEN = re.compile(rf"^（[0-9]{{4}}）(?:[\u4e00-\u9fff][0-9]{{2}}(?:[0-9]{{2}})?(?:{_TYPES})[1-9][0-9]{{0,6}}号"
                         rf"|[\u4e00-\u9fff]{{1,8}}?(?:{_TYPES})字第[1-9][0-9]{{0,6}}号)$")
# The same for Arrow's regex engine (RE2 spells a code point \x{4e00}).
_AS_WRITTEN_RE2 = _AS_WRITTEN.pattern.replace("\\u4e00", "\\x{4e00}").replace("\\u9fff", "\\x{9fff}")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")", "［": "(", "］": ")"})


@dataclass(frozen=True)
class CaseNo:
    year: int
    court: str
    type_code: str
    seq: int
    old_style: bool = False

    @property
    def official(self) -> str:
        if self.old_style:
            return f"（{self.year}）{self.court}{self.type_code}字第{self.seq}号"
        return f"（{self.year}）{self.court}{self.type_code}{self.seq}号"


def _clean(value: object) -> str:
    s = unicodedata.normalize("NFKC", str(value)).translate(_BRACKETS)
    return "".join(s.split())


@lru_cache(maxsize=4096)
def parse_case_no(value: object) -> CaseNo | None:
    """The parsed case number, or None when it is not one."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = _clean(value)
    m = _MODERN.match(s)
    if m:
        return CaseNo(int(m[1]), m[2], m[3], int(m[4]))
    m = _OLD.match(s)
    if m:
        return CaseNo(int(m[1]), m[2], m[3], int(m[4]), old_style=True)
    return None


def _official(value: object) -> str | None:
    p = parse_case_no.__wrapped__(value)
    return p.official if p else None


def official_case_nos(values: pd.Series, seen: dict | None = None) -> pd.Series:
    """The official form of each case number (None where malformed).

    Parses each distinct spelling once; pass the same ``seen`` dict for the
    cases, parties and assets tables, whose rows repeat the same numbers.
    """
    seen = {} if seen is None else seen
    out = values.to_numpy(dtype=object, copy=True)
    # Most exports already hold the official form: recognised at once, in
    # Arrow's regex engine; only the other spellings are parsed in Python.
    try:
        text = pa.array(out, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers in the cells: only text can be written officially
        text = pa.array([v if isinstance(v, str) else None for v in out], type=pa.string())
    written = pc.match_substring_regex(text, _AS_WRITTEN_RE2)
    other = np.flatnonzero(~written.fill_null(False).to_numpy(zero_copy_only=False))
    for i in other.tolist():
        u = out[i]
        if u not in seen:
            seen[u] = u if isinstance(u, str) and _AS_WRITTEN.match(u) else _official(u)
        out[i] = seen[u]
    # object, not pandas' str: isin and joins on a str column go value by value in Python
    return pd.Series(out, index=values.index, dtype=object)


def case_type(official: pd.Series) -> pd.Series:
    """The type code (执, 执恢, …) of official case numbers."""
    text = pa.array(official.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    found = pc.extract_regex(text, rf"^（[0-9]{{4}}）[^执]*?(?P<type>{_TYPES})(?:字第)?[0-9]+号$")
    types = pc.if_else(found.is_valid(), found.field("type"), pa.scalar(None, pa.string()))
    return pd.Series(types.to_numpy(zero_copy_only=False), index=official.index, dtype=object)


def court_code(official: pd.Series) -> pd.Series:
    """The court of official case numbers ('' where there is none): the
    province abbreviation and digits since 2016, the court's short name before.

    >>> court_code(pd.Series(["（2024）沪0113执恢12号", "（2012）曲中法执字第66号", "x"])).tolist()
    ['沪0113', '曲中法', '']
    """
    codes, uniq = pd.factorize(official)  # a court's cases share a few thousand spellings of a prefix
    found = pd.Series(uniq.to_numpy(dtype=object), dtype=object).str.extract(
        rf"^（\d{{4}}）(.+?)(?:{_TYPES})(?:字第)?\d+号$", expand=False).fillna("").to_numpy(dtype=object)
    out = np.where(codes >= 0, found[np.maximum(codes, 0)] if len(found) else "", "").astype(object)
    return pd.Series(out, index=official.index, dtype=object)
