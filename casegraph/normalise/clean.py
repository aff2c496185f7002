"""From raw export tables to clean ones, and the rows that could not be used.

Every row that is not used lands in ``rejected`` with a reason a clerk
understands; problems that do not stop a row from being used (an invalid ID,
say) land in ``warnings``.

>>> import pandas as pd
>>> raw = {"cases": pd.DataFrame({"row": [2, 3], "case_no": ["(2024)沪0113执1号", "bad"],
...        "filed_on": ["2024-01-05", ""], "cause": ["民间借贷纠纷", ""], "amount": ["1,000", ""],
...        "status": ["", ""], "judge": ["", ""]})}
>>> part = normalise_cases(raw["cases"])
>>> part.table.case_no.tolist(), part.rejected.error.tolist()
(['（2024）沪0113执1号'], ["malformed case number 'bad'"])
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from casegraph import contract as C
from casegraph.columns import arrow_text, is_in, text_series
from casegraph.normalise.caseno import court_code, official_case_nos
from casegraph.normalise.identity import INVALID, MASKED, ORG, USCC, parse_ids
from casegraph.read import READ_ERROR, InputError, Layout

REJECTED_COLUMNS = list(C.OUTPUTS["rejected"].columns)
WARNING_COLUMNS = list(C.OUTPUTS["warnings"].columns)
SET_ASIDE_COLUMNS = list(C.OUTPUTS["set_aside"].columns)


@dataclass
class Clean:
    """Clean tables plus what was rejected and warned about."""

    cases: pd.DataFrame
    parties: pd.DataFrame
    assets: pd.DataFrame
    judges: pd.DataFrame
    rejected: pd.DataFrame
    warnings: pd.DataFrame
    # Party rows of other roles (第三人, 案外人…): kept, counted, not analysed.
    set_aside: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SET_ASIDE_COLUMNS))
    # The rows each table had: used + rejected + set aside (a ledger's names
    # of a rejected row are not counted: the row is rejected once, as a case).
    input_rows: dict = field(default_factory=dict)


class Where:
    """Where rows sit in the input, as a clerk finds them: the file or sheet,
    the header of a field's column, and the cell (``F12``), from the
    reader's layouts (:class:`casegraph.read.Layout`). Rows without a
    ``sheet`` (typed in, :func:`casegraph.graph.from_rows`) sit nowhere.

    A ledger's party rows carry ``ledger_column``: the role column their
    name came from, whose ID column is beside it.
    """

    def __init__(self, layouts: dict[str, Layout] | None = None):
        self.layouts = layouts or {}

    def __call__(self, rows: pd.DataFrame, field: str | None) -> dict[str, np.ndarray]:
        n = len(rows)
        sheet = rows["sheet"].to_numpy(dtype=object) if "sheet" in rows else np.full(n, "", dtype=object)
        column = np.full(n, "", dtype=object)
        cell = np.full(n, "", dtype=object)
        if field is not None and self.layouts and n:
            own = rows["ledger_column"].to_numpy(dtype=object) if "ledger_column" in rows else np.full(n, None)
            keys = pd.Series(list(zip(sheet, own)), dtype=object)
            found = {k: self._column(*k, field) for k in pd.unique(keys)}
            col = keys.map(found)
            column = np.array([c.header if c else "" for c in col], dtype=object)
            letters = np.array([c.letter if c else "" for c in col], dtype=object)
            cell = np.where(letters != "", letters + rows["row"].astype(str).to_numpy(dtype=object), "")
        return {"sheet": sheet, "column": column, "cell": cell.astype(object)}

    def _column(self, sheet, own, field):
        layout = self.layouts.get(sheet)
        if layout is None:
            return None
        if own is not None and isinstance(own, str) and field in ("name", "role", "id_no", "kind"):
            field = {"id_no": own + "_id"}.get(field, own)
        # A list's debtor ID sits in its role-less ID column (身份证号码/组织机构代码).
        return layout.column(field) or (layout.column("id_no") if field == "debtor_id" else None)


def _text(s: pd.Series) -> pd.Series:
    """NFKC (full-width letters, digits and brackets to half-width) and trim."""
    if not len(s):
        return s.astype(object)  # no .str on an empty column of another type
    # Most cells are already clean: those Arrow finds NFKC-normal, with no
    # space to fold, stay as they are; the rest go through Python, once per
    # distinct value. (Arrow's Unicode is newer than Python's; a cell it
    # finds normal, Python's older table finds normal too.)
    text = arrow_text(s)
    odd = pc.fill_null(pc.or_(pc.not_equal(pc.utf8_normalize(text, "NFKC"), text),
                              pc.match_substring_regex(text, _UNTRIMMED)), False)
    if pc.any(odd).as_py():
        typed = text.filter(odd).to_pylist()
        table = {u: " ".join(unicodedata.normalize("NFKC", u).split()) for u in set(typed)}
        text = pc.replace_with_mask(text, odd, pa.array([table[u] for u in typed], text.type))
    return text_series(text, s.index)


# What str.split() would cut: a space at either end, two in a row, or any
# other character Python counts as white space.
_UNTRIMMED = r"^ | $|  |[\t\n\x0b\x0c\r\x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


def _hidden_removed(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Names without their invisible characters (zero-width spaces and
    joiners, bidirectional controls such as U+202E, other format and control
    characters), and for each name that held some, the name as typed with
    them shown as ``<U+202E>`` (else ""): ``上海\u202e司公限有乙`` would display
    as another company's name, and a name of zero-width spaces as nobody.

    >>> names, shown = _hidden_removed(pd.Series(["上海\u202e司公限有乙", "张三", "\u200b\u200b"]))
    >>> names.tolist(), shown.tolist()
    (['上海司公限有乙', '张三', ''], ['上海<U+202E>司公限有乙', '', '<U+200B><U+200B>'])
    """
    if not len(s):
        return s.astype(object), s.astype(object)
    # The common case, a name with no format or control character, found by
    # Arrow (RE2) at once; only the others are looked at in Python.
    text = arrow_text(s)
    odd = np.flatnonzero(pc.fill_null(pc.match_substring_regex(text, r"[\p{Cf}\p{Cc}]"), False)
                         .to_numpy(zero_copy_only=False))
    shown = np.full(len(s), "", dtype=object)
    if not len(odd):
        return text_series(text, s.index), pd.Series(shown, index=s.index)
    clean = s.to_numpy(dtype=object, copy=True)
    for i in odd:
        u = clean[i]
        hidden = [c for c in u if unicodedata.category(c) in ("Cf", "Cc") and not c.isspace()]
        if hidden:
            clean[i] = "".join(c for c in u if c not in hidden)
            shown[i] = "".join(f"<U+{ord(c):04X}>" if c in hidden else c for c in u)
    return pd.Series(clean, index=s.index), pd.Series(shown, index=s.index)


def normalise_name(s: pd.Series) -> pd.Series:
    """Names compare without spaces and with half-width brackets."""
    return _text(s).str.replace(" ", "", regex=False)


def _reject(df: pd.DataFrame, mask, source: str, error, where: Where | None = None, field: str | None = None) -> pd.DataFrame:
    """The rows under ``mask`` as rejections; ``error`` is a text or a
    function of the rejected rows (so that messages are only built for them);
    ``field`` is the column at fault (its header and cell are named), None
    for the whole row."""
    bad = df[mask]
    if bad.empty:  # an empty column may not even be text: build no messages
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    err = error if isinstance(error, str) else _short(error(bad))
    return pd.DataFrame({"source": source, "row": bad["row"].to_numpy(), "case_no": _short(bad["case_no"])
                         if "case_no" in bad else "", "error": err, **(where or Where())(bad, field)},
                        columns=REJECTED_COLUMNS)


def _warn(df: pd.DataFrame, mask, source: str, field: str, value, warning, where: Where) -> pd.DataFrame:
    """The rows under ``mask`` as warnings about ``field`` (the row is used)."""
    bad = df[mask]
    if bad.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    return pd.DataFrame({"source": source, "row": bad["row"].to_numpy(), "case_no": bad["case_no"].to_numpy(),
                         "field": field, "value": _short(value(bad)), "warning": warning(bad) if callable(warning)
                         else warning, **where(bad, field)}, columns=WARNING_COLUMNS)


def _short(values, limit: int = 200) -> np.ndarray:
    """A reason quotes what the clerk typed: a pasted page would make
    rejected.csv unreadable (and too long for an Excel cell), and a control
    character (a NUL byte) would make it a file some readers refuse: it is
    shown as ``<U+0000>``, the rest as it came.

    >>> _short(["(2024)沪0113执\\x001号", "x" * 300])[0], len(_short(["x" * 300])[0])
    ('(2024)沪0113执<U+0000>1号', 200)
    """
    return np.array([_CONTROL.sub(lambda m: f"<U+{ord(m[0]):04X}>", v[: limit - 1] + "…" if len(v) > limit else v)
                     if isinstance(v, str) else v for v in np.asarray(values, dtype=object)], dtype=object)


# What no CSV cell should carry raw: C0 controls but tab and line breaks, DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _per_value(s: pd.Series, fn) -> pd.Series:
    """``fn`` of each cell of a column with few distinct values (roles,
    kinds), called once per value; a missing cell gives None."""
    codes, uniq = pd.factorize(s)  # Arrow's dictionary for a str column
    found = np.array([fn(u) for u in uniq.tolist()] + [None], dtype=object)
    return pd.Series(found[codes], index=s.index)  # code -1 (a missing cell) finds nothing


def _lookup(s: pd.Series, table: dict) -> pd.Series:
    """Canonical values of a column with few distinct values (roles, kinds)."""
    return _per_value(s, lambda u: _lookup_one(u, table))


def _lookup_one(u: str | None, table: dict) -> str | None:
    return None if u is None else table.get(u, table.get(u.casefold()))


def _text_one(u) -> str | None:
    """:func:`_text` of one cell (None for a cell that is not text).

    >>> _text_one("ＬＥＧＡＬ "), _text_one(3)
    ('LEGAL', None)
    """
    return " ".join(unicodedata.normalize("NFKC", u).split()) if isinstance(u, str) else None


def _per_unique(fn):
    """Run a column parser on the distinct values only (a million cases have a
    few thousand filing dates) and spread the answer back."""
    def parse(s: pd.Series) -> tuple[pd.Series, pd.Series]:
        codes, uniq = pd.factorize(s, use_na_sentinel=False)
        value, bad = fn(pd.Series(np.asarray(uniq, dtype=object), dtype=object))
        return (pd.Series(value.to_numpy()[codes], index=s.index),
                pd.Series(bad.to_numpy(bool)[codes], index=s.index))
    parse.__doc__ = fn.__doc__
    return parse


_UNIT = re.compile("^(.*?)(" + "|".join(sorted(map(re.escape, C.AMOUNT_UNITS), key=len, reverse=True)) + ")?$")


def parse_amount(s: pd.Series, unit: str = "") -> tuple[pd.Series, pd.Series]:
    """Yuan, exact to the cent (NaN when empty), and a mask of unusable cells.

    Cells may carry thousands separators, ¥ or 元, full-width digits, or a
    unit of their own (``1.2万``, ``3万元``); ``unit`` is the header's
    (``万元`` for ``执行标的（万元）``), for cells that name none. Each amount
    is rounded to a whole number of cents and kept as the float nearest to
    that many yuan, so that no output shows float noise (7059999.999999999).

    >>> v, bad = parse_amount(pd.Series(["1,234.50元", "176.2万元", "3万", "¥12", "", "lots", "-1"], dtype=object))
    >>> v.tolist()[:5], bad.tolist()
    ([1234.5, 1762000.0, 30000.0, 12.0, nan], [False, False, False, False, False, True, True])
    >>> parse_amount(pd.Series(["1.2", "5000元"], dtype=object), unit="万元")[0].tolist()
    [12000.0, 5000.0]
    """
    factor = float(C.AMOUNT_UNITS.get(unit, 1))
    num = pd.to_numeric(s, errors="coerce")  # most cells are plain numbers: parsed in C
    mult = pd.Series(factor, index=s.index)
    empty = s == ""
    typed = (num.isna() & ~empty).to_numpy(bool)
    if typed.any():  # "1,234.50元", "￥1 000", "1.2万", full-width digits
        cleaned = _text(s[typed]).str.replace(r"[,，￥¥\s]|RMB|CNY|人民币", "", regex=True)
        parts = cleaned.str.extract(_UNIT)
        num[typed] = pd.to_numeric(parts[0].replace("", np.nan), errors="coerce")
        mult[typed] = parts[1].map(C.AMOUNT_UNITS).fillna(factor).astype(float)
        empty = empty | (cleaned.reindex(s.index, fill_value="x") == "")
    bad = (num.isna() & ~empty) | (num < 0) | np.isinf(num.fillna(0))
    cents = np.round(num.where(~bad) * mult * 100)
    return cents / 100, bad


@_per_unique
def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO dates (YYYY-MM-DD, '' when empty) and a mask of impossible ones.

    Dates come as clerks type them (``2024年1月2日``, ``2024/1/2``,
    ``2024.1.2``, ``20240102``), as a workbook gives them (``2024-01-02
    00:00:00``) or as Excel's day numbers (``45293``, a date cell saved
    without its format).

    >>> parse_date(pd.Series(["2024年1月2日", "2024/1/2", "20240102", "45293", "2024-01-02 00:00:00", "2024-02-30"]))[0].tolist()
    ['2024-01-02', '2024-01-02', '2024-01-02', '2024-01-02', '2024-01-02', '']
    """
    t = _text(s).str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False)
    t = t.str.replace(r"\s.*$", "", regex=True)  # Excel's "2024-01-05 00:00:00"
    t = t.where(~t.str.fullmatch(r"\d{8}"), t.str.slice(0, 4) + "-" + t.str.slice(4, 6) + "-" + t.str.slice(6, 8))
    serial = t.str.fullmatch(r"[1-9]\d{4}(-0+)?")  # the "." of 45293.0 became "-" above
    if serial.any():
        days = pd.to_numeric(t[serial].str.replace(r"-0+$", "", regex=True))
        t = t.where(~serial, (pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).dt.strftime("%Y-%m-%d"))
    d = pd.to_datetime(t, format="%Y-%m-%d", errors="coerce")
    bad = d.isna() & (t != "") | (d.dt.year < 1949) | (d > pd.Timestamp.now() + pd.Timedelta(days=1))
    return d.dt.strftime("%Y-%m-%d").where(~bad & d.notna(), ""), bad


@dataclass
class _Part:
    table: pd.DataFrame
    rejected: pd.DataFrame
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WARNING_COLUMNS))


def _malformed(b: pd.DataFrame) -> np.ndarray:
    return ("malformed case number '" + b["case_no"] + "'").to_numpy()


def _units(df: pd.DataFrame, where: Where) -> pd.Series:
    """The unit of each row's amount header (its sheet's), '' when none."""
    units = {s: (lay.column("amount").unit if lay.column("amount") else "") for s, lay in where.layouts.items()}
    if "sheet" not in df or not any(units.values()):
        return pd.Series("", index=df.index, dtype=object)
    return df["sheet"].map(units).fillna("")


def normalise_cases(raw: pd.DataFrame, seen: dict | None = None, where: Where | None = None) -> _Part:
    where = where or Where()
    df = raw.copy(deep=False)  # copy-on-write: the raw table is never changed
    rejects = []
    original = df["case_no"]
    df["case_no"] = official_case_nos(df["case_no"], seen)
    bad = df["case_no"].isna()
    rejects.append(_reject(df.assign(case_no=original), bad, "cases", _malformed, where, "case_no"))
    df = df[~bad]
    # As the clerk wrote it (caseno.as_written), beside the official form that matches.
    df["case_no_typed"] = original[~bad].astype(str).str.strip()
    typed_date, typed_amount = df["filed_on"], df["amount"]
    df["filed_on"], bad_date = parse_date(df["filed_on"])
    units = _units(df, where)
    amount = pd.Series(np.nan, index=df.index)
    bad_amount = pd.Series(False, index=df.index)
    for unit in pd.unique(units):
        part = units == unit
        amount[part], bad_amount[part] = parse_amount(typed_amount[part], unit)
    df["amount"] = amount
    rejects.append(_reject(df, bad_date, "cases", lambda b: ("impossible filing date '" + typed_date[b.index] + "'")
                           .to_numpy(), where, "filed_on"))
    # An amount that cannot be read costs the case nothing but its amount.
    warnings = _warn(df, bad_amount & ~bad_date, "cases", "amount", lambda b: typed_amount[b.index],
                     "amount is not a non-negative number of yuan, left empty", where)
    df = df[~bad_date]
    for col in ("cause", "status", "judge"):
        df[col] = _text(df[col])
    df["court"] = case_court(df)
    # The same case twice: identical rows are one case (a ledger's parties
    # on rows of their own, the case's cells merged over them); differing
    # rows cannot both be right, so every copy is rejected for a clerk to settle.
    content = ["case_no", "filed_on", "cause", "amount", "status", "judge", "court"]
    dedup = df.drop_duplicates(subset=content)
    conflicting = dedup["case_no"].duplicated(keep=False)
    rejects.append(_reject(dedup, conflicting, "cases", "case number appears twice with different content", where))
    df = dedup[~conflicting]
    return _Part(df.reset_index(drop=True), pd.concat(rejects, ignore_index=True), warnings)


def case_court(cases: pd.DataFrame) -> pd.Series:
    """Each case's court: the 执行法院 column where one is typed, else the
    court code of its (official) case number (沪0113, 北法).

    A number of the pre-2016 form names its court by an abbreviation (宝,
    曲中法) that no rule turns into the court's code (宝 is 沪0113): in an
    input whose other cases all name one court (a court's own export), such
    a case is that court's; among several courts it keeps its abbreviation.

    >>> case_court(pd.DataFrame({"case_no": ["（2024）沪0113执1号", "（2018）黑0103执1352号"],
    ...                          "court": ["", "哈尔滨市南岗区人民法院"]})).tolist()
    ['沪0113', '哈尔滨市南岗区人民法院']
    >>> case_court(pd.DataFrame({"case_no": ["（2015）宝执字第1号", "（2024）沪0113执1号"], "court": ""})).tolist()
    ['沪0113', '沪0113']
    >>> case_court(pd.DataFrame({"case_no": ["（2016）粤0303执1号", "（2017）粤0303执2号", "（2017）粤0303执3号"],
    ...                          "court": ["罗湖区人民法院", "深圳市罗湖区人民法院", "深圳市罗湖区人民法院"]})).tolist()
    ['深圳市罗湖区人民法院', '深圳市罗湖区人民法院', '深圳市罗湖区人民法院']
    """
    typed = (normalise_name(cases["court"]) if "court" in cases else pd.Series("", index=cases.index)).to_numpy(dtype=object)
    code = court_code(cases["case_no"]).to_numpy(dtype=object)
    court = np.where(typed != "", typed, code).astype(object)
    numbered = _per_value(pd.Series(code, dtype=object), lambda c: _DIGIT.search(c) is not None).to_numpy(bool)
    # (a few thousand codes; 字第 looked for only in the numbers they may be abbreviations of)
    abbreviated = (typed == "") & ~numbered
    maybe = np.flatnonzero(abbreviated)
    abbreviated[maybe] = ["字第" in v for v in cases["case_no"].to_numpy(dtype=object)[maybe]]
    # One court typed two ways (深圳市罗湖区人民法院, 罗湖区人民法院) under one
    # 2016 court code (粤0303) is one court: the name its cases type most
    # (ties: the longest, then the first in order).
    coded = (typed != "") & numbered
    if coded.any():
        seen = pd.DataFrame({"code": code[coded], "name": typed[coded]})
        counts = seen.value_counts().rename("n").reset_index()
        counts = counts.assign(length=counts["name"].str.len())
        best = (counts.sort_values(["code", "n", "length", "name"], ascending=[True, False, False, True])
                .drop_duplicates("code").set_index("code")["name"])
        court[coded] = best.reindex(code[coded]).to_numpy(dtype=object)
    named = pd.unique(court[~abbreviated & (court != "")])
    if abbreviated.any() and len(named) == 1:
        court[abbreviated] = named[0]
    return pd.Series(court, index=cases.index, dtype=object)


_DIGIT = re.compile(r"\d")
_ORG_WORDS = r"公司|有限|集团|银行|厂|店|合作社|中心|事务所|医院|学校|协会|委员会|商行|经营部|工作室|支行|分行"
# A role typed with the trial's role after it: 申请执行人（原告）, 被执行人(原审被告).
_ROLE_NOTE = re.compile(r"\s*[(\[【〔].*?[)\]】〕]\s*")


def normalise_parties(raw: pd.DataFrame, known_cases, seen: dict | None = None,
                      where: Where | None = None) -> tuple[_Part, pd.DataFrame, pd.DataFrame]:
    """(the parties, their rejections; warnings; rows of other roles, set aside)."""
    where = where or Where()
    df = raw.copy(deep=False)  # copy-on-write: the raw table is never changed
    original = df["case_no"]
    df["case_no"] = official_case_nos(df["case_no"], seen)
    rejects = [_reject(df.assign(case_no=original), df["case_no"].isna(), "parties", _malformed, where, "case_no")]
    df = df[df["case_no"].notna()]
    unknown = ~is_in(df["case_no"], known_cases)
    rejects.append(_reject(df, unknown, "parties", lambda b: "case " + b["case_no"] + " is not in the cases table (or was rejected)",
                           where, "case_no"))
    df = df[~unknown]
    typed_role = _text(df["role"])
    base_role = _per_value(typed_role, lambda r: _ROLE_NOTE.sub("", r))  # a handful: no regex per row
    df["role"] = _lookup(base_role, C.ROLES)
    other = df["role"].isna() & _per_value(base_role, lambda r: r in C.OTHER_ROLES).astype(bool)
    set_aside = pd.DataFrame({"source": "parties", "row": df["row"][other].to_numpy(),
                              "case_no": df["case_no"][other].to_numpy(), "role": typed_role[other].to_numpy(),
                              "name": _text(df["name"][other]).to_numpy(), **where(df[other], "name")},
                             columns=SET_ASIDE_COLUMNS)
    df = df[~other]
    bad_role = df["role"].isna()
    rejects.append(_reject(df, bad_role, "parties",
                           lambda b: "unknown role '" + typed_role[b.index] + "' (expected 申请执行人 or 被执行人)",
                           where, "role"))
    df = df[~bad_role]
    df["name"], shown = _hidden_removed(df["name"])
    hidden = (shown != "").to_numpy()
    name_warnings = _warn(df, hidden, "parties", "name", lambda b: shown[b.index],
                          "invisible or direction-changing characters removed from the name", where)
    df["name"] = _text(df["name"])
    no_name = df["name"] == ""
    rejects.append(_reject(df, no_name, "parties", lambda b: np.where(
        shown[b.index] == "", "party has no name",
        "party has no name (only invisible characters: " + shown[b.index] + ")"), where, "name"))
    name_warnings = name_warnings[~np.isin(name_warnings["row"], df.loc[no_name, "row"])]  # rejected, not warned
    df = df[~no_name]

    df["kind"] = _per_value(df["kind"], lambda u: _lookup_one(_text_one(u), C.KINDS))  # a few kinds: each cleaned once
    ids = parse_ids(df["id_no"], df["kind"])
    # A missing kind is guessed: a credit code or an organisation's word in the name.
    unknown_kind = df["kind"].isna()
    if unknown_kind.any():
        looks_org = df.loc[unknown_kind, "name"].str.contains(_ORG_WORDS, regex=True)
        status, shown = ids.loc[unknown_kind, "status"], ids.loc[unknown_kind, "canonical"]
        # A credit or organisation code, or a mask showing a letter a resident ID never has.
        coded = status.isin([USCC, ORG]) | ((status == MASKED) & shown.str.slice(0, 17).str.contains("[A-Z]"))
        df.loc[unknown_kind, "kind"] = np.where(coded | looks_org, C.LEGAL, C.PERSON)
    df["name_norm"] = df["name"].str.replace(" ", "", regex=False)  # already NFKC
    df["representative"] = normalise_name(df["representative"]) if "representative" in df else ""
    df["id_status"] = ids["status"].to_numpy()
    df["id_canonical"] = ids["canonical"].to_numpy()
    bad_id = (ids["status"] == INVALID).to_numpy()
    problems = ids["problem"]
    warnings = _warn(df, bad_id, "parties", "id_no", lambda b: _masked_raw(b["id_no"]),
                     lambda b: ("invalid ID, not used for matching: " + problems[b.index]).to_numpy(), where)
    df = df.drop(columns=["id_no", "ledger_column"], errors="ignore")
    if len(name_warnings):
        warnings = pd.concat([name_warnings, warnings], ignore_index=True)
    return _Part(df.reset_index(drop=True), pd.concat(rejects, ignore_index=True)), warnings, set_aside


def _masked_raw(values: pd.Series) -> np.ndarray:
    """An invalid ID is still somebody's ID: report it masked."""
    v = values.astype(str).map(lambda s: "".join(s.split()))
    return np.asarray([s[:6] + "*" * max(len(s) - 10, 0) + s[-4:] if len(s) > 10 else "*" * len(s) for s in v], dtype=object)


def normalise_assets(raw: pd.DataFrame, known_cases, seen: dict | None = None, where: Where | None = None) -> _Part:
    where = where or Where()
    df = raw.copy(deep=False)  # copy-on-write: the raw table is never changed
    original = df["case_no"]
    df["case_no"] = official_case_nos(df["case_no"], seen)
    rejects = [_reject(df.assign(case_no=original), df["case_no"].isna(), "assets", _malformed, where, "case_no")]
    df = df[df["case_no"].notna()]
    unknown = ~is_in(df["case_no"], known_cases)
    rejects.append(_reject(df, unknown, "assets", lambda b: "case " + b["case_no"] + " is not in the cases table (or was rejected)",
                           where, "case_no"))
    df = df[~unknown]
    df["asset_id"] = normalise_name(df["asset_id"])
    empty = df["asset_id"] == ""
    rejects.append(_reject(df, empty, "assets", "asset has no identifier", where, "asset_id"))
    df = df[~empty]
    for col in ("asset_type", "action"):
        df[col] = _text(df[col])
    return _Part(df.drop_duplicates(subset=["case_no", "asset_id"]).reset_index(drop=True), pd.concat(rejects, ignore_index=True))


def normalise_judges(raw: pd.DataFrame, where: Where | None = None) -> _Part:
    where = where or Where()
    df = raw.copy(deep=False)  # copy-on-write: the raw table is never changed
    df["judge"] = _text(df["judge"])
    df["team"] = _text(df["team"])
    if "court" in df:  # as typed (matched as typed), Arrow text whether read from a file or typed in
        df["court"] = df["court"].astype("str")
    cap = _text(df["capacity"])
    num = pd.to_numeric(cap.replace("", np.nan), errors="coerce")
    nameless = df["judge"] == ""
    bad = (num.isna() & (cap != "")) | (num < 0) | (num.fillna(0) % 1 != 0)
    rejects = [_reject(df, nameless, "judges", "judge has no name", where, "judge"),
               _reject(df, bad & ~nameless, "judges", lambda b: "capacity is not a whole number: '" + cap[b.index] + "'",
                       where, "capacity")]
    bad = bad | nameless
    df = df[~bad].assign(capacity=num[~bad])
    dup = df["judge"].duplicated()
    rejects.append(_reject(df, dup, "judges", "judge listed twice", where, "judge"))
    df = df[~dup]
    return _Part(df.reset_index(drop=True), pd.concat(rejects, ignore_index=True))


def _unreadable(tables: dict[str, pd.DataFrame], where: Where) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Rows the reader could not use (``read_error``, see casegraph.read) are
    rejected before anything looks at them."""
    out, rejects = dict(tables), [pd.DataFrame(columns=REJECTED_COLUMNS)]
    for name, df in tables.items():
        if READ_ERROR in df:
            bad = df[READ_ERROR] != ""
            rejects.append(_reject(df, bad, name, lambda b: b[READ_ERROR], where))
            out[name] = df[~bad].drop(columns=[READ_ERROR])
    return out, pd.concat(rejects, ignore_index=True)


def _something_left(name: str, counts: dict, table: pd.DataFrame, rejected: list[pd.DataFrame]) -> None:
    """With no case (or no party) left there is nothing to analyse: say so,
    with the first row's reason (often every row's: a wrong column, say)."""
    if len(table):
        return
    if not counts[name]:
        raise InputError(f"nothing to analyse: the {name} table has no rows")
    r = pd.concat(rejected, ignore_index=True)
    r = r[r["source"] == name].sort_values("row")
    first = f" (row {r['row'].iloc[0]}: {' '.join(r['error'].iloc[0].split())})" if len(r) else ""  # one line
    raise InputError(f"nothing to analyse: none of the {counts[name]} rows of the {name} table could be used{first}")


def _of_rejected_rows(parties: pd.DataFrame, rejected: pd.DataFrame) -> pd.Index:
    """A ledger's party rows whose own row (its case) was rejected: the row
    is in rejected.csv once, as a case, not again for each name in it."""
    gone = rejected[rejected["source"] == "cases"]
    if gone.empty or parties.empty:
        return parties.index[:0]
    sheets = parties["sheet"] if "sheet" in parties else pd.Series("", index=parties.index)
    hit = np.zeros(len(parties), dtype=bool)
    for sheet, rows in gone.groupby("sheet")["row"]:
        hit |= ((sheets == sheet) & parties["row"].isin(rows.astype(int))).to_numpy()
    return parties.index[hit]


def normalise(tables: dict[str, pd.DataFrame]) -> Clean:
    """Clean every table of a :func:`casegraph.read.read_export` result
    (or of tables typed in, :func:`casegraph.graph.from_rows`)."""
    where = Where(getattr(tables, "layouts", None))
    ledger = getattr(tables, "form", "export") in ("ledger", "list")
    counts = {name: len(df) for name, df in tables.items()}
    read_warnings = getattr(tables, "warnings", None)
    tables, unreadable = _unreadable(tables, where)
    seen: dict = {}  # parties and assets repeat the cases' spellings: parse each once
    cases = normalise_cases(tables["cases"], seen, where)
    _something_left("cases", counts, cases.table, [unreadable, cases.rejected])
    known = cases.table["case_no"]
    raw_parties = tables["parties"]
    with_rejected_case = 0
    if ledger:
        gone = _of_rejected_rows(raw_parties, pd.concat([unreadable, cases.rejected], ignore_index=True))
        with_rejected_case = len(gone)
        raw_parties = raw_parties.drop(index=gone)
    parties, warnings, set_aside = normalise_parties(raw_parties, known, seen, where)
    _something_left("parties", counts, parties.table, [unreadable, parties.rejected])
    assets = normalise_assets(tables["assets"], known, seen, where)
    judges = normalise_judges(tables["judges"], where)
    rejected = pd.concat([unreadable] + [p.rejected for p in (cases, parties, assets, judges)], ignore_index=True)
    rejected = rejected.reindex(columns=REJECTED_COLUMNS)
    warnings = pd.concat([w for w in (read_warnings, cases.warnings, warnings) if w is not None and len(w)]
                         or [pd.DataFrame(columns=WARNING_COLUMNS)], ignore_index=True).reindex(columns=WARNING_COLUMNS)
    # Where a row came from is in the rejections and warnings; the clean
    # tables are the same whether read from files or typed in.
    plain = [p.table.drop(columns="sheet", errors="ignore") for p in (cases, parties, assets, judges)]
    return Clean(*plain, rejected, warnings, set_aside,
                 input_rows={**counts, "parties": counts["parties"] - with_rejected_case})
