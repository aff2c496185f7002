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

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.normalise.caseno import official_case_nos
from casegraph.normalise.identity import INVALID, parse_ids
from casegraph.read import READ_ERROR, InputError

REJECTED_COLUMNS = list(C.OUTPUTS["rejected"].columns)
WARNING_COLUMNS = list(C.OUTPUTS["warnings"].columns)


@dataclass
class Clean:
    """Clean tables plus what was rejected and warned about."""

    cases: pd.DataFrame
    parties: pd.DataFrame
    assets: pd.DataFrame
    judges: pd.DataFrame
    rejected: pd.DataFrame
    warnings: pd.DataFrame


def _text(s: pd.Series) -> pd.Series:
    """NFKC (full-width letters, digits and brackets to half-width) and trim."""
    uniq = pd.unique(s.to_numpy(dtype=object))
    table = {u: " ".join(unicodedata.normalize("NFKC", u).split()) for u in uniq}
    return s.map(table) if len(s) else s.astype(object)  # an empty map is float: no .str for the next step


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
    uniq = pd.unique(s.to_numpy(dtype=object))
    clean, shown = {}, {}
    for u in uniq:
        if not isinstance(u, str) or u.isprintable():  # the common case, checked in C
            clean[u], shown[u] = u, ""
            continue
        hidden = [c for c in u if unicodedata.category(c) in ("Cf", "Cc") and not c.isspace()]
        clean[u] = "".join(c for c in u if c not in hidden) if hidden else u
        shown[u] = "".join(f"<U+{ord(c):04X}>" if c in hidden else c for c in u) if hidden else ""
    if not len(s):
        return s.astype(object), s.astype(object)
    return s.map(clean), s.map(shown)


def normalise_name(s: pd.Series) -> pd.Series:
    """Names compare without spaces and with half-width brackets."""
    return _text(s).str.replace(" ", "", regex=False)


def _reject(df: pd.DataFrame, mask, source: str, error) -> pd.DataFrame:
    """The rows under ``mask`` as rejections; ``error`` is a text or a
    function of the rejected rows (so that messages are only built for them)."""
    bad = df[mask]
    if bad.empty:  # an empty column may not even be text: build no messages
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    err = error if isinstance(error, str) else _short(error(bad))
    return pd.DataFrame({"source": source, "row": bad["row"].to_numpy(), "case_no": _short(bad["case_no"])
                         if "case_no" in bad else "", "error": err}, columns=REJECTED_COLUMNS)


def _short(values, limit: int = 200) -> np.ndarray:
    """A reason quotes what the clerk typed: a pasted page would make
    rejected.csv unreadable (and too long for an Excel cell)."""
    return np.array([v[: limit - 1] + "…" if isinstance(v, str) and len(v) > limit else v
                     for v in np.asarray(values, dtype=object)], dtype=object)


def _lookup(s: pd.Series, table: dict) -> pd.Series:
    """Canonical values of a column with few distinct values (roles, kinds)."""
    uniq = pd.unique(s.to_numpy(dtype=object))
    return s.map({u: table.get(u, table.get(u.casefold())) for u in uniq})


def _per_unique(fn):
    """Run a column parser on the distinct values only (a million cases have a
    few thousand filing dates) and spread the answer back."""
    def parse(s: pd.Series) -> tuple[pd.Series, pd.Series]:
        uniq = pd.Series(pd.unique(s.to_numpy(dtype=object)), dtype=object)
        value, bad = fn(uniq)
        pos = pd.Index(uniq).get_indexer(s.to_numpy(dtype=object))
        return (pd.Series(value.to_numpy()[pos], index=s.index),
                pd.Series(bad.to_numpy(bool)[pos], index=s.index))
    parse.__doc__ = fn.__doc__
    return parse


def parse_amount(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yuan as float (NaN when empty) and a mask of unusable cells."""
    num = pd.to_numeric(s, errors="coerce")  # most cells are plain numbers: parsed in C
    empty = s == ""
    typed = num.isna() & ~empty
    if typed.any():  # "1,234.50元", "￥1 000", full-width digits
        cleaned = _text(s[typed]).str.replace(r"[,，￥¥元\s]", "", regex=True).str.replace("RMB", "", regex=False)
        num[typed] = pd.to_numeric(cleaned.replace("", np.nan), errors="coerce")
        empty = empty | (cleaned.reindex(s.index, fill_value="x") == "")
    bad = (num.isna() & ~empty) | (num < 0) | np.isinf(num.fillna(0))
    return num.where(~bad), bad


@_per_unique
def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO dates (YYYY-MM-DD, '' when empty) and a mask of impossible ones."""
    t = _text(s).str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False)
    t = t.str.replace(r"\s.*$", "", regex=True)  # Excel's "2024-01-05 00:00:00"
    t = t.where(~t.str.fullmatch(r"\d{8}"), t.str.slice(0, 4) + "-" + t.str.slice(4, 6) + "-" + t.str.slice(6, 8))
    d = pd.to_datetime(t, format="%Y-%m-%d", errors="coerce")
    bad = d.isna() & (t != "") | (d.dt.year < 1949) | (d > pd.Timestamp.now() + pd.Timedelta(days=1))
    return d.dt.strftime("%Y-%m-%d").where(~bad & d.notna(), ""), bad


@dataclass
class _Part:
    table: pd.DataFrame
    rejected: pd.DataFrame


def normalise_cases(raw: pd.DataFrame, seen: dict | None = None) -> _Part:
    df = raw.copy()
    rejects = []
    original = df["case_no"]
    df["case_no"] = official_case_nos(df["case_no"], seen)
    bad = df["case_no"].isna()
    rejects.append(_reject(df.assign(case_no=original), bad, "cases", lambda b: "malformed case number '" + b["case_no"] + "'"))
    df = df[~bad]
    df["filed_on"], bad_date = parse_date(df["filed_on"])
    df["amount"], bad_amount = parse_amount(df["amount"])
    raw_rows = raw.set_index("row")
    rejects.append(_reject(df, bad_date, "cases",
                           lambda b: "impossible filing date '" + raw_rows.loc[b["row"], "filed_on"].to_numpy() + "'"))
    rejects.append(_reject(df, bad_amount & ~bad_date, "cases", lambda b: "amount is not a non-negative number of yuan: '"
                           + raw_rows.loc[b["row"], "amount"].to_numpy() + "'"))
    df = df[~bad_date & ~bad_amount]
    for col in ("cause", "status", "judge"):
        df[col] = _text(df[col])
    # The same case twice: identical rows are one case; differing rows cannot
    # both be right, so every copy is rejected for a clerk to settle.
    content = ["case_no", "filed_on", "cause", "amount", "status", "judge"]
    dedup = df.drop_duplicates(subset=content)
    conflicting = dedup["case_no"].duplicated(keep=False)
    rejects.append(_reject(dedup, conflicting, "cases", "case number appears twice with different content"))
    df = dedup[~conflicting]
    return _Part(df.reset_index(drop=True), pd.concat(rejects, ignore_index=True))


_ORG_WORDS = r"公司|有限|集团|银行|厂|店|合作社|中心|事务所|医院|学校|协会|委员会|商行|经营部|工作室|支行|分行"


def normalise_parties(raw: pd.DataFrame, known_cases: set, seen: dict | None = None) -> tuple[_Part, pd.DataFrame]:
    df = raw.copy()
    original = df["case_no"]
    df["case_no"] = official_case_nos(df["case_no"], seen)
    rejects = [_reject(df.assign(case_no=original), df["case_no"].isna(), "parties",
                       lambda b: "malformed case number '" + b["case_no"] + "'")]
    df = df[df["case_no"].notna()]
    unknown = ~df["case_no"].isin(known_cases)
    rejects.append(_reject(df, unknown, "parties", lambda b: "case " + b["case_no"] + " is not in the cases table (or was rejected)"))
    df = df[~unknown]
    typed_role = _text(df["role"])
    df["role"] = _lookup(typed_role, C.ROLES)
    bad_role = df["role"].isna()
    rejects.append(_reject(df, bad_role, "parties",
                           lambda b: "unknown role '" + typed_role[b.index] + "' (expected 申请执行人 or 被执行人)"))
    df = df[~bad_role]
    df["name"], shown = _hidden_removed(df["name"])
    hidden = (shown != "").to_numpy()
    name_warnings = pd.DataFrame({
        "source": "parties", "row": df["row"][hidden].to_numpy(), "case_no": df["case_no"][hidden].to_numpy(),
        "field": "name", "value": _short(shown[hidden]),
        "warning": "invisible or direction-changing characters removed from the name",
    }, columns=WARNING_COLUMNS)
    df["name"] = _text(df["name"])
    no_name = df["name"] == ""
    rejects.append(_reject(df, no_name, "parties", lambda b: np.where(
        shown[b.index] == "", "party has no name", "party has no name (only invisible characters: " + shown[b.index] + ")")))
    name_warnings = name_warnings[~np.isin(name_warnings["row"], df.loc[no_name, "row"])]  # rejected, not warned
    df = df[~no_name]

    df["kind"] = _lookup(_text(df["kind"]), C.KINDS)
    ids = parse_ids(df["id_no"], df["kind"])
    # A missing kind is guessed: a credit code or an organisation's word in the name.
    unknown_kind = df["kind"].isna()
    if unknown_kind.any():
        looks_org = df.loc[unknown_kind, "name"].str.contains(_ORG_WORDS, regex=True)
        coded = ids.loc[unknown_kind, "status"] == "credit_code"
        df.loc[unknown_kind, "kind"] = np.where(coded | looks_org, C.LEGAL, C.PERSON)
    df["name_norm"] = df["name"].str.replace(" ", "", regex=False)  # already NFKC
    df["id_status"] = ids["status"].to_numpy()
    df["id_canonical"] = ids["canonical"].to_numpy()
    bad_id = (ids["status"] == INVALID).to_numpy()
    warnings = pd.DataFrame({
        "source": "parties", "row": df["row"][bad_id].to_numpy(), "case_no": df["case_no"][bad_id].to_numpy(),
        "field": "id_no", "value": _masked_raw(df["id_no"][bad_id]),
        "warning": ("invalid ID, not used for matching: " + ids["problem"][bad_id]).to_numpy(),
    }, columns=WARNING_COLUMNS)
    df = df.drop(columns=["id_no"])
    if len(name_warnings):
        warnings = pd.concat([name_warnings, warnings], ignore_index=True)
    return _Part(df.reset_index(drop=True), pd.concat(rejects, ignore_index=True)), warnings


def _masked_raw(values: pd.Series) -> np.ndarray:
    """An invalid ID is still somebody's ID: report it masked."""
    v = values.astype(str).map(lambda s: "".join(s.split()))
    return np.asarray([s[:6] + "*" * max(len(s) - 10, 0) + s[-4:] if len(s) > 10 else "*" * len(s) for s in v], dtype=object)


def normalise_assets(raw: pd.DataFrame, known_cases: set, seen: dict | None = None) -> _Part:
    df = raw.copy()
    original = df["case_no"]
    df["case_no"] = official_case_nos(df["case_no"], seen)
    rejects = [_reject(df.assign(case_no=original), df["case_no"].isna(), "assets",
                       lambda b: "malformed case number '" + b["case_no"] + "'")]
    df = df[df["case_no"].notna()]
    unknown = ~df["case_no"].isin(known_cases)
    rejects.append(_reject(df, unknown, "assets", lambda b: "case " + b["case_no"] + " is not in the cases table (or was rejected)"))
    df = df[~unknown]
    df["asset_id"] = normalise_name(df["asset_id"])
    empty = df["asset_id"] == ""
    rejects.append(_reject(df, empty, "assets", "asset has no identifier"))
    df = df[~empty]
    for col in ("asset_type", "action"):
        df[col] = _text(df[col])
    return _Part(df.drop_duplicates(subset=["case_no", "asset_id"]).reset_index(drop=True), pd.concat(rejects, ignore_index=True))


def normalise_judges(raw: pd.DataFrame) -> _Part:
    df = raw.copy()
    df["judge"] = _text(df["judge"])
    df["team"] = _text(df["team"])
    cap = _text(df["capacity"])
    num = pd.to_numeric(cap.replace("", np.nan), errors="coerce")
    bad = (num.isna() & (cap != "")) | (num < 0) | (num.fillna(0) % 1 != 0) | (df["judge"] == "")
    err = np.where(df["judge"] == "", "judge has no name", "capacity is not a whole number: '" + cap + "'")
    rejects = [pd.DataFrame({"source": "judges", "row": df["row"][bad].to_numpy(), "case_no": "",
                             "error": err[bad.to_numpy()]}, columns=REJECTED_COLUMNS)]
    df = df[~bad].assign(capacity=num[~bad])
    dup = df["judge"].duplicated()
    rejects.append(pd.DataFrame({"source": "judges", "row": df["row"][dup].to_numpy(), "case_no": "",
                                 "error": "judge listed twice"}, columns=REJECTED_COLUMNS))
    df = df[~dup]
    return _Part(df.reset_index(drop=True), pd.concat(rejects, ignore_index=True))


def _unreadable(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Rows the reader could not use (``read_error``, see casegraph.read) are
    rejected before anything looks at them."""
    out, rejects = dict(tables), [pd.DataFrame(columns=REJECTED_COLUMNS)]
    for name, df in tables.items():
        if READ_ERROR in df:
            bad = df[READ_ERROR] != ""
            rejects.append(_reject(df, bad, name, lambda b: b[READ_ERROR]))
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


def normalise(tables: dict[str, pd.DataFrame]) -> Clean:
    """Clean every table of a :func:`casegraph.read.read_export` result."""
    counts = {name: len(df) for name, df in tables.items()}
    tables, unreadable = _unreadable(tables)
    seen: dict = {}  # parties and assets repeat the cases' spellings: parse each once
    cases = normalise_cases(tables["cases"], seen)
    _something_left("cases", counts, cases.table, [unreadable, cases.rejected])
    known = set(cases.table["case_no"])
    parties, warnings = normalise_parties(tables["parties"], known, seen)
    _something_left("parties", counts, parties.table, [unreadable, parties.rejected])
    assets = normalise_assets(tables["assets"], known, seen)
    judges = normalise_judges(tables["judges"])
    rejected = pd.concat([unreadable] + [p.rejected for p in (cases, parties, assets, judges)], ignore_index=True)
    rejected = rejected.reindex(columns=REJECTED_COLUMNS)
    return Clean(cases.table, parties.table, assets.table, judges.table, rejected, warnings)
