"""Identity numbers: resident IDs (GB 11643) and unified social credit codes (GB 32100).

An identity number is used to match parties and then only leaves casegraph as
a masked form and a keyed hash, never in full (unless the user asks).

>>> parse_id("11010519491231002x").canonical
'11010519491231002X'
>>> parse_id("110105491231002").canonical      # old 15-digit form, upgraded
'11010519491231002X'
>>> parse_id("110105********002X").status
'masked'
>>> mask("11010519491231002X")
'110105********002X'
>>> parse_id("74419092-7").status              # an organisation code (GB 11714)
'org_code'
>>> parse_id("63282219750****1812").canonical  # a publisher's 19-character mask, as 18
'63282219750***1812'
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.cn import ric as _ric
from stdnum.cn import uscc as _uscc

from casegraph.columns import arrow_text, text_series
from casegraph.errors import InputError

RIC, USCC, MASKED, INVALID, EMPTY = "resident_id", "credit_code", "masked", "invalid", "empty"
ORG = "org_code"  # the 9-character 组织机构代码 (GB 11714), positions 9-17 of a credit code
IDENTIFIED = (RIC, USCC, ORG)  # statuses whose number is known in full (kept only as a keyed hash)


@dataclass(frozen=True)
class ParsedId:
    """What an ID cell holds: ``status`` is one of resident_id, credit_code,
    masked, invalid, empty; ``canonical`` is the 18-character form (or the
    cleaned masked pattern); ``problem`` says why an ID is invalid."""

    status: str
    canonical: str
    problem: str = ""


_ORG9 = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_check(body: str) -> str:
    """The check character of an organisation code's first eight (GB 11714):
    weights 3 7 9 10 5 8 4 2, digits as themselves and letters A=10 … Z=35,
    ``11 - sum mod 11``, 10 written X and 11 written 0.

    >>> org_check("74419092")
    '7'
    """
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def org_of(credit_code: str) -> str:
    """The organisation code inside a credit code: its positions 9-17.

    >>> org_of("91230199744190927K")
    '744190927'
    """
    return credit_code[8:17]


def _parse_org(s: str) -> ParsedId:
    if not _ORG9.match(s):
        return ParsedId(INVALID, s, "not an organisation code (8 digits or capital letters and a check character)")
    if org_check(s[:8]) != s[8]:
        return ParsedId(INVALID, s, "wrong organisation-code check character")
    return ParsedId(ORG, s)


def normalise_mask(s: str) -> str | None:
    """A masked number as 18 characters, what is shown where it belongs.

    Publishers print masks of 15, 17, 18 or 19 characters: 15 and 18 are
    positional; one run of stars in a 17- or 19-character mask stands for the
    characters between the shown head and the shown tail of an 18-character
    number (``63282219750****1812``: 11 shown, 4 stars for 3 hidden, 4
    shown). Anything else cannot be placed: None.

    >>> normalise_mask("4107261978****1211"), normalise_mask("4107261978***1211")
    ('4107261978****1211', '4107261978****1211')
    >>> normalise_mask("41**261978031**1211") is None, normalise_mask("41072619780312****")
    (True, '41072619780312****')
    """
    if len(s) in (15, 18):
        return s
    if len(s) not in (17, 19):
        return None
    runs = re.findall(r"\*+", s)
    if len(runs) != 1:
        return None
    head, tail = s.split(runs[0])
    hidden = 18 - len(head) - len(tail)
    return head + "*" * hidden + tail if hidden >= 1 else None


def clean(value: object) -> str:
    """Full-width digits, spaces and a lower-case x are typing noise."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    s = "".join(s.split()).replace("-", "").upper()
    return s


def _birth_ok(yyyymmdd: str) -> bool:
    try:
        born = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _dt.date(1880, 1, 1) <= born <= _dt.date.today()


def _parse_ric(s: str) -> ParsedId:
    if len(s) == 15 and s.isdigit():
        # Old IDs have no check character: the century is implied (19xx).
        s = s[:6] + "19" + s[6:] + "0"
        s = s[:-1] + _ric.calc_check_digit(s)
    if not (len(s) == 18 and s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")):
        return ParsedId(INVALID, s, "not 18 characters of digits (and X)")
    if not _birth_ok(s[6:14]):
        return ParsedId(INVALID, s, "impossible birth date")
    # stdnum's calc_check_digit is right; its validate() is not (it rejects
    # region codes that did not exist on the birth date, i.e. real IDs).
    if _ric.calc_check_digit(s) != s[17]:
        return ParsedId(INVALID, s, "wrong check character")
    return ParsedId(RIC, s)


@lru_cache(maxsize=200_000)
def parse_id(value: object, kind_hint: str = "") -> ParsedId:
    """Classify and canonicalise one ID cell.

    ``kind_hint`` ("自然人" or an organisation kind) decides which kind of
    number is tried first when an 18-digit string could be either.
    """
    s = clean(value)
    if not s:
        return ParsedId(EMPTY, "")
    if "*" in s:  # clean() made full-width stars half-width
        placed = normalise_mask(s)
        if placed is None:
            return ParsedId(INVALID, s, "masked number of the wrong length")
        if not placed.strip("*"):
            return ParsedId(INVALID, s, "fully masked")
        return ParsedId(MASKED, placed)
    if len(s) == 9:
        return _parse_org(s)
    def as_org() -> ParsedId:
        return ParsedId(USCC, s) if _uscc_valid(s) else ParsedId(INVALID, s, "wrong credit-code check character")

    person_first = kind_hint in ("", "自然人")
    # the kind hinted at first; the other only when the first does not hold
    first = _parse_ric(s) if person_first else as_org()
    if first.status != INVALID:
        return first
    second = as_org() if person_first else _parse_ric(s)
    if second.status != INVALID:
        return second
    as_person, org = (first, second) if person_first else (second, first)
    if len(s) == 18 and not s[:17].isdigit():
        return org  # letters: it was meant as a credit code
    return as_person if person_first else org


def mask(canonical: str) -> str:
    """First 6 and last 4 characters; what may leave casegraph. An
    organisation code shows its first and last three.

    >>> mask("744190927")
    '744***927'
    """
    if not canonical:
        return ""
    if len(canonical) == 9:
        return canonical[:3] + "***" + canonical[-3:]
    if len(canonical) <= 10:
        return "*" * len(canonical)
    return canonical[:6] + "*" * (len(canonical) - 10) + canonical[-4:]


def masked_agrees(masked: str, full: str) -> bool:
    """Whether a masked ID's visible characters agree with a full one.

    >>> masked_agrees("110105********002X", "11010519491231002X")
    True
    >>> masked_agrees("110105********003X", "11010519491231002X")
    False
    """
    if len(masked) == 15 and len(full) == 18:
        # An old 15-digit number masked: compare region code and sequence only.
        return masked[:6] in (full[:6], "******") and all(
            m == "*" or m == f for m, f in zip(masked[12:], full[14:17])
        )
    return len(masked) == len(full) and all(m == "*" or m == f for m, f in zip(masked, full))


def masks_agree(a: str, b: str) -> bool:
    """Whether two masked forms can be the same number: equal length and
    equal wherever both show a character.

    >>> masks_agree("110105********002X", "110105********002X")
    True
    >>> masks_agree("110105**********2X", "110105********003X")
    False
    """
    return len(a) == len(b) and all(x == y or x == "*" or y == "*" for x, y in zip(a, b))


_RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)


_USCC18 = re.compile(r"^\d{8}[0-9A-HJ-NP-RTUW-Y]{10}$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_USCC_VALUE = np.full(128, -1, dtype=np.int64)
_USCC_VALUE[[ord(c) for c in _USCC_ALPHABET]] = np.arange(len(_USCC_ALPHABET))


def _ric_ok(cand: np.ndarray) -> np.ndarray:
    """GB 11643 check characters and birth dates of clean 18-character IDs
    (rows of ASCII bytes)."""
    codes = cand.astype(np.int32) - ord("0")
    expected = _RIC_CHECK[(codes[:, :17] @ _RIC_WEIGHTS.astype(np.int32)) % 11]
    # The birth date, digit by digit: a real day from 1880-01-01 to today.
    year = codes[:, 6:10] @ np.array([1000, 100, 10, 1])
    month, day = codes[:, 10:12] @ np.array([10, 1]), codes[:, 12:14] @ np.array([10, 1])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.where((month >= 1) & (month <= 12), _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap), 0)
    today = _dt.date.today()
    ymd = year * 10000 + month * 100 + day
    born = (day >= 1) & (day <= days) & (ymd >= 18800101) & (ymd <= today.year * 10000 + today.month * 100 + today.day)
    return (expected == cand[:, 17]) & born


_RIC_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # month 0: no such month


def _uscc_ok(cand: np.ndarray) -> np.ndarray:
    """GB 32100 check characters of clean 18-character codes (rows of ASCII bytes)."""
    values = _USCC_VALUE[np.minimum(cand, 127)]
    check = (31 - (values[:, :17] * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    return check == values[:, 17]


def _uscc_valid(s: str) -> bool:
    """One credit code: shape and GB 32100 check character. Agrees with
    stdnum's ``cn.uscc.is_valid`` (tests/test_identity.py), whose per-call
    clean-up is too slow for a million rows."""
    if not _USCC18.match(s):
        return False
    total = sum(_USCC_INDEX[c] * w for c, w in zip(s, _USCC_WEIGHTS_LIST))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == s[17]


_USCC_INDEX = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS_LIST = _USCC_WEIGHTS.tolist()


def parse_ids(values: pd.Series, kinds: pd.Series | None = None) -> pd.DataFrame:
    """Vectorised :func:`parse_id` over a column: columns ``status``,
    ``canonical``, ``problem``, aligned with ``values``.

    The common case (an already clean 18-digit resident ID or credit code)
    is checked with numpy on the cells' bytes; everything else goes through
    :func:`parse_id`. Both give the same answers (tests/test_identity.py
    proves it on random input).
    """
    values = values.fillna("")
    s = values.to_numpy(dtype=object)
    kinds = kinds.fillna("").to_numpy(dtype=object) if kinds is not None else np.full(len(s), "", dtype=object)
    status = np.full(len(s), EMPTY, dtype=object)
    canonical = np.full(len(s), "", dtype=object)
    problem = np.full(len(s), "", dtype=object)

    person = (kinds == "自然人") | (kinds == "")  # as parse_id's hint: a person's number is tried first
    text = arrow_text(values)  # a number in a cell: null, parsed the slow way, which says what it is
    eighteen, rows = _eighteen_bytes(text)
    fast = eighteen[_clean_ids(rows, person[eighteen], status, eighteen)]
    canonical[fast] = s[fast]
    todo = pc.fill_null(pc.binary_length(text), -1).to_numpy(zero_copy_only=False) != 0
    todo[fast] = False
    rest = np.flatnonzero(todo)
    if len(rest):
        # Typing noise (full-width digits, spaces) cleaned away, most of the
        # rest are clean numbers too: parse_id cleans first, so they agree.
        cleaned = np.array([clean(v) for v in s[rest].tolist()], dtype=object)
        long, rows = _eighteen_bytes(pa.array(cleaned, type=pa.string()))
        done = long[_clean_ids(rows, person[rest[long]], status, rest[long])]
        canonical[rest[done]] = cleaned[done]
        rest = np.delete(rest, done)
        parsed = [parse_id(v, k) for v, k in zip(s[rest].tolist(), kinds[rest].tolist())]
        status[rest] = [p.status for p in parsed]
        canonical[rest] = [p.canonical for p in parsed]
        problem[rest] = [p.problem for p in parsed]
    return pd.DataFrame({"status": status, "canonical": canonical, "problem": problem}, index=values.index)


def _eighteen_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The cells of 18 bytes (an ID's length in ASCII), and their bytes as an n × 18 matrix."""
    at = np.flatnonzero(pc.fill_null(pc.binary_length(text), -1).to_numpy(zero_copy_only=False) == 18)
    fixed = text.take(at).cast(pa.binary()).cast(pa.binary(18))
    return at, np.frombuffer(fixed.buffers()[1], dtype=np.uint8, count=18 * len(at)).reshape(-1, 18)


def _clean_ids(codes: np.ndarray, person: np.ndarray, status: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Clean 18-character numbers (rows of bytes) checked as a matrix, no
    Python per row: the shape first, then the check character. Writes the
    valid ones' status at ``at`` and says which they were; the others go
    the slow way, which says what is wrong."""
    ok_any = np.zeros(len(codes), dtype=bool)
    if not len(codes):
        return ok_any
    digits = (codes >= 48) & (codes <= 57)
    ric_shape = digits[:, :17].all(axis=1) & (digits[:, 17] | (codes[:, 17] == ord("X"))) & person
    uscc_shape = digits[:, :8].all(axis=1) & ~person
    uscc_shape[uscc_shape] = (_USCC_VALUE[np.minimum(codes[uscc_shape, 8:], 127)] >= 0).all(axis=1)
    for shape, ok_fn, label in ((ric_shape, _ric_ok, RIC), (uscc_shape, _uscc_ok, USCC)):
        if shape.any():
            ok = np.zeros(len(codes), dtype=bool)
            ok[shape] = ok_fn(codes[shape])
            status[at[ok]] = label
            ok_any |= ok
    return ok_any


def mask_series(canonical: pd.Series) -> pd.Series:
    """Vectorised :func:`mask` for 15/18-character numbers."""
    c = canonical.fillna("").astype(str)
    n = c.str.len()
    out = c.str.slice(0, 6) + n.sub(10).clip(lower=0).map(lambda k: "*" * k) + c.str.slice(-4)
    return out.where(n > 10, "")


# -- keyed hashes ------------------------------------------------------------
#
# The key is as sensitive as the ID numbers themselves: a masked ID shows 10 of
# 18 characters and hides a birth date, so with the key every ID behind a
# keyed hash can be searched out in minutes. It is kept owner-only, never
# printed, and a human passphrase is stretched so that it cannot be guessed
# from a hash.

KEY_FILE_MIN = 32         # characters of a key file (casegraph writes 64 hex, 256 bits)
PASSPHRASE_MIN = 16       # characters of CASEGRAPH_SECRET
# scrypt at one of OWASP's recommended settings (N=2^15, r=8, p=3: 32 MiB, a
# fraction of a second once per run). The salt is fixed: the same passphrase
# must give the same key on every machine of the court, or party ids and the
# database would not match; the passphrase is what is secret.
_SCRYPT = {"n": 1 << 15, "r": 8, "p": 3, "maxmem": 64 << 20, "dklen": 32}


def key_file() -> Path:
    """``CASEGRAPH_KEY_FILE``, else ``~/.config/casegraph/secret.key``."""
    return Path(os.environ.get("CASEGRAPH_KEY_FILE") or Path.home() / ".config" / "casegraph" / "secret.key")


def secret_key() -> bytes:
    """The key for identity hashes: ``CASEGRAPH_SECRET`` stretched with
    scrypt (:func:`passphrase_key`), else the key file, created on first use
    (owner-only, complete or absent, one key however many runs start at
    once). An empty or short key is refused with one :class:`InputError`
    line rather than used: an empty key hides nothing."""
    env = os.environ.get("CASEGRAPH_SECRET")
    if env is not None:
        return passphrase_key(env)
    return _key_from_file(key_file())


def passphrase_key(passphrase: str) -> bytes:
    """The key a passphrase gives: scrypt, slow on purpose, so that a keyed
    hash cannot be used to try guesses of the passphrase quickly.

    >>> passphrase_key("court of Baoshan, enforcement 2024") == passphrase_key(" court of Baoshan, enforcement 2024 ")
    True
    >>> passphrase_key("too short")
    Traceback (most recent call last):
    casegraph.errors.InputError: CASEGRAPH_SECRET is 9 characters long: a passphrase needs at least 16 (it protects the ID numbers)
    """
    text = passphrase.strip()
    if len(text) < PASSPHRASE_MIN:
        what = "set but empty" if not text else f"{len(text)} characters long"
        raise InputError(f"CASEGRAPH_SECRET is {what}: a passphrase needs at least {PASSPHRASE_MIN} "
                         "(it protects the ID numbers)")
    return _stretched(text)


@lru_cache(maxsize=4)
def _stretched(passphrase: str) -> bytes:
    # Hex, as a key file holds it: the HMAC key is text bytes either way.
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=b"casegraph identity key", **_SCRYPT).hex().encode()


@lru_cache(maxsize=4)
def key_check(key: bytes) -> str:
    """What a database stores to tell the key it was loaded with: scrypt of
    the key, slow like the passphrase stretching, so that reading it (over
    Bolt, say) does not let anyone test guesses of a passphrase quickly."""
    return hashlib.scrypt(key, salt=b"casegraph key check", **_SCRYPT).hex()[:32]


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        _create_key_file(path)
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the key file ({getattr(e, 'strerror', None) or e})") from None
    if len(key) < KEY_FILE_MIN:
        what = "is empty" if not key else f"holds only {len(key)} characters"
        raise InputError(f"{path}: the key file {what} (a key needs at least {KEY_FILE_MIN}); put the court's key "
                         "back, or delete the file to have a new one made (party ids will change)")
    return key.encode("utf-8")


def _create_key_file(path: Path) -> None:
    """Write a new random key: in a file beside it, flushed to disk, then
    linked into place (which fails if another run got there first), under a
    lock so that parallel first runs share one key. A full disk leaves no
    file at all, never an empty key."""
    from filelock import FileLock

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with FileLock(path.with_name(path.name + ".lock"), mode=0o600):
            if path.exists():
                return
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(os.urandom(32).hex() + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    pass  # made by a run that did not take the lock (an older casegraph): keep that one
            finally:
                tmp.unlink(missing_ok=True)
    except OSError as e:
        raise InputError(f"{e.filename or path}: cannot create the key file ({e.strerror or e})") from None


def keyed_hash_column(values: pd.Series, key: bytes | None = None, prefix: str = "", chars: int = 16,
                      where: pd.Series | None = None) -> pd.Series:
    """:func:`keyed_hash` of every value of a column, ``prefix`` + its first
    ``chars`` hex characters, aligned with ``values``; ``""`` where
    ``where`` (a mask aligned with ``values``) is False.

    HMAC-SHA256 (RFC 2104) is what ids depend on, so it stays; it is
    computed as its definition spells it, SHA-256 of the outer key block and
    SHA-256 of the inner key block and the value, by DuckDB over the whole
    column on every core: a million values with no Python call per value.
    (Finding the distinct values first costs more than it saves: nearly
    every identity number is in one record.)

    >>> ids = pd.Series(["11010519491231002X", "", "11010519491231002X"])
    >>> keyed_hash_column(ids, b"k").tolist() == [keyed_hash(v, b"k") for v in ids]
    True
    >>> keyed_hash_column(ids, b"k", prefix="P", chars=12)[0] == "P" + keyed_hash(ids[0], b"k")[:12]
    True
    >>> keyed_hash_column(ids, b"k", where=pd.Series([False, True, True]))[0]
    ''
    """
    inner, outer = _hmac_blocks(key or secret_key())
    flag = pa.array(np.ones(len(values), bool) if where is None else where.to_numpy(bool))
    column = pa.table({"v": pc.fill_null(arrow_text(values), ""), "f": flag})
    with duckdb.connect() as con:
        con.register("column_values", column)
        hashed = con.sql(
            "SELECT CASE WHEN f THEN $prefix || left(sha256($outer || unhex(sha256($inner || encode(v)))), $chars)"
            " ELSE '' END AS h FROM column_values",  # in the table's order (DuckDB keeps insertion order)
            params={"prefix": prefix, "chars": chars, "inner": inner, "outer": outer},
        ).to_arrow_table().column("h")
    return text_series(hashed.combine_chunks().cast(pa.large_string()), values.index)


def _hmac_blocks(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer key blocks (RFC 2104)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return key.translate(_IPAD), key.translate(_OPAD)


_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_column(raw: np.ndarray, prefix: str = "", chars: int | None = None) -> pd.Series:
    """Rows of bytes (an n × k uint8 array) as text: ``prefix`` and the
    first ``chars`` (default all 2k) lower-case hex digits, built as one
    Arrow buffer rather than a string per row.

    >>> hex_column(np.array([[0, 255], [18, 52]], dtype=np.uint8), "R").tolist()
    ['R00ff', 'R1234']
    """
    n, k = raw.shape
    chars = 2 * k if chars is None else chars
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    digits = np.empty((n, 2 * k), dtype=np.uint8)
    digits[:, 0::2] = _HEX[raw >> 4]
    digits[:, 1::2] = _HEX[raw & 15]
    width = len(head) + chars
    buf = np.empty((n, width), dtype=np.uint8)
    buf[:, : len(head)] = head
    buf[:, len(head):] = digits[:, :chars]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    text = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf))
    return pd.Series(pd.array(text, dtype="str"))


def keyed_hash(canonical: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of an identity number, 16 hex characters: lets two runs
    (and the database) match the same number without storing it."""
    return hmac.digest(key or secret_key(), canonical.encode("utf-8"), "sha256").hex()[:16]
