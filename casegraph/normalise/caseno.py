"""Case numbers (案号): parse what clerks type, write the official form.

The grammar is that of the Supreme People's Court's rules on case numbers
(关于人民法院案件案号的若干规定, 2016): (year) court code, type code, sequence, 号.
A court code is 最高法, a high court's one character (京, 内, 军, 兵), or that
character with 2 digits (an intermediate or special court: 京01, 京71 railway,
沪72 maritime) or 4 (a basic court: 沪0113, 兵0101):

>>> parse_case_no("(2024)沪0113执1234号").official
'（2024）沪0113执1234号'
>>> parse_case_no("〔2024〕沪0113 执恢 12号").type_code
'执恢'
>>> parse_case_no("（2016）京执1号").court
'京'
>>> parse_case_no("(2016)黑0103执03095号").official
'（2016）黑0103执3095号'

Numbers from before the rules (and from the change, with a new court code)
carry 字第 after the type, 第 sometimes left out; the sequence may have
leading zeros. They keep their own shape, so one case has one official form:

>>> parse_case_no("（2012）曲中法执字第66号").official
'（2012）曲中法执字第66号'
>>> parse_case_no("(2007)鲁0705执字第01122号").official
'（2007）鲁0705执字第1122号'
>>> p = parse_case_no("(2012)湖浔执民字第00562号"); (p.court, p.type_code, p.official)
('湖浔', '执民', '（2012）湖浔执民字第562号')
>>> parse_case_no("(2015)鱼执字00888号") == parse_case_no("（2015）鱼执字第888号")
True

Only enforcement numbers (a type starting with 执) are case numbers here;
the judgment a case enforces (执行依据, （2017）黑0103民初6222号) is not one:

>>> parse_case_no("（2017）黑0103民初6222号") is None
True
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
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from casegraph.columns import arrow_text
from casegraph.contract import CASE_TYPES

# Longest first, so that 执恢 is read as a type before 执 is.
_TYPES = "|".join(sorted(CASE_TYPES, key=len, reverse=True))
_CJK = r"[\u4e00-\u9fff]"
# High courts' codes (第四条): the provinces' abbreviations, 内 for Inner Mongolia, 军 the PLA's
# military court, 兵 the Production and Construction Corps' branch. Only these stand without digits.
HIGH_COURTS = "京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新军兵"
SUPREME_COURT = "最高法"


def _numbered(d: str) -> str:
    """An intermediate/special (2 digits) or basic (4 digits) court's code, d the digit class."""
    return rf"{_CJK}{d}{{2}}(?:{d}{{2}})?"


def _codes(d: str) -> str:
    """Every court code of the 2016 rules."""
    return rf"{SUPREME_COURT}|{_numbered(d)}|[{HIGH_COURTS}]"


# The parse runs on cleaned text (half-width brackets, no spaces). \d, not [0-9], as it always
# has: a number read before must read the same. Leading zeros of the sequence are dropped.
_SEQ = r"0*(\d{1,7})号"
_COURT, _NUMBERED = _codes(r"\d"), _numbered(r"\d")
# Since 2016: (2024)沪0113执1234号; 第 typed before the sequence is let pass.
_MODERN = re.compile(rf"^\((\d{{4}})\)({_COURT})({_TYPES})第?{_SEQ}$")
# Before 2016, and during the change with a new court code: (2012)曲中法执字第66号,
# (2007)鲁0705执字第01122号, (2015)鱼执字00888号.
_OLD = re.compile(rf"^\((\d{{4}})\)({_NUMBERED}|{_CJK}{{1,8}}?)({_TYPES})字第?{_SEQ}$")
# The official form itself (full-width brackets, no spaces, no leading zeros), as written out;
# whatever it matches parses to itself, so official_case_nos may pass it through unparsed.
_AS_WRITTEN = re.compile(rf"^（[1-9][0-9]{{3}}）(?:(?:{_codes('[0-9]')})(?:{_TYPES})[1-9][0-9]{{0,6}}号"
                         rf"|(?:{_numbered('[0-9]')}|{_CJK}{{1,8}}?)(?:{_TYPES})字第[1-9][0-9]{{0,6}}号)$")
# The same for Arrow's regex engine (RE2 spells a code point \x{4e00}).
_AS_WRITTEN_RE2 = _AS_WRITTEN.pattern.replace("\\u4e00", "\\x{4e00}").replace("\\u9fff", "\\x{9fff}")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")", "［": "(", "］": ")"})


@dataclass(frozen=True)
class CaseNo:
    """A parsed case number; ``old_style``: written with 字第 (（2012）曲中法执字第66号)."""

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


def as_written(value: object) -> str:
    """The case number as it was typed, only trimmed of surrounding spaces
    (kept beside the official form, which is what matches); '' for an empty cell.

    >>> as_written(" (2015)鱼执字第00888号\u3000")
    '(2015)鱼执字第00888号'
    >>> as_written(None), as_written(float("nan")), as_written(pd.NA)
    ('', '', '')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value) is True):
        return ""
    return str(value).strip()


def _clean(value: object) -> str:
    s = unicodedata.normalize("NFKC", str(value)).translate(_BRACKETS)
    return "".join(s.split())


@lru_cache(maxsize=4096)
def parse_case_no(value: object) -> CaseNo | None:
    """The parsed case number, or None when it is not one."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = _clean(value)
    m = _MODERN.match(s) or _OLD.match(s)
    # A year with a leading zero (0000, 0201) is no year, and its official form would not read back.
    if m is None or int(m[1]) < 1000:
        return None
    return CaseNo(int(m[1]), m[2], m[3], int(m[4]), old_style=m.re is _OLD)


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
    written = pc.match_substring_regex(arrow_text(values), _AS_WRITTEN_RE2)  # a number in a cell: no match
    other = np.flatnonzero(~written.fill_null(False).to_numpy(zero_copy_only=False))
    for i in other.tolist():
        u = out[i]
        if u not in seen:
            seen[u] = u if isinstance(u, str) and _AS_WRITTEN.match(u) else _official(u)
        out[i] = seen[u]
    # object, not pandas' str: isin and joins on a str column go value by value in Python
    return pd.Series(out, index=values.index, dtype=object)


def case_type(official: pd.Series) -> pd.Series:
    """The type code (执, 执恢, …) of official case numbers (None where there is none).

    >>> case_type(pd.Series(["（2024）沪0113执恢12号", "（2012）曲中法执字第66号", "x", None])).tolist()
    ['执恢', '执', None, None]
    """
    return pd.Series(_of_prefix(arrow_text(official), _TYPE_OF_PREFIX).to_numpy(), index=official.index, dtype=object)


def court_code(official: pd.Series) -> pd.Series:
    """The court of official case numbers ('' where there is none): the
    province abbreviation and digits since 2016, the court's short name before.

    >>> court_code(pd.Series(["（2024）沪0113执恢12号", "（2012）曲中法执字第66号", "x", None])).tolist()
    ['沪0113', '曲中法', '', '']
    """
    return pd.Series(court_codes(arrow_text(official)).to_numpy(), index=official.index, dtype=object)


def court_codes(official: pa.Array) -> pl.Series:
    """:func:`court_code` over Arrow text, as polars text."""
    return _of_prefix(official, _COURT_OF_PREFIX).fill_null("")


def _of_prefix(official: pa.Array, pattern: str) -> pl.Series:
    """The first group of ``pattern`` in each official number's prefix
    (year, court and type: the number without its sequence, 字第 and 号),
    null where there is none. A million numbers have a few thousand
    prefixes: the sequence is cut off all at once, and ``pattern`` is
    matched once per prefix."""
    text = pl.from_arrow(official).cast(pl.String)
    prefix = text.str.replace(r"(?:字第)?[0-9]+号$", "")
    numbered = pl.DataFrame({"p": pl.select(pl.when(prefix.str.len_bytes() < text.str.len_bytes())
                                            .then(prefix)).to_series()})
    found = numbered.unique().with_columns(found=pl.col("p").str.extract(pattern, 1))
    return numbered.join(found, on="p", how="left", maintain_order="left", nulls_equal=True)["found"]


_COURT_OF_PREFIX = rf"^（[0-9]{{4}}）(.+?)(?:{_TYPES})$"
_TYPE_OF_PREFIX = rf"^（[0-9]{{4}}）[^执]*?({_TYPES})$"
