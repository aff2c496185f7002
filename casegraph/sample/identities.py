"""Identifying values, drawn as integers and written as text: resident IDs,
unified social credit codes, person and company names, and the numbers of
bank accounts, real-estate certificates and number plates.

Each kind comes three ways: ``sample_*(rng, k)`` draws k integers with numpy
for the bulk; ``*_one(r)`` draws one with Python's random for the planted
part; ``*_from_ints`` / ``ric_one`` / ``uscc_one`` / ``accounts`` … turn
integers into text. Drawing integers keeps uniqueness an integer set
operation (:class:`Fresh`).

>>> ric_one(1), uscc_one(12345)[:8], names_from_ints(np.array([0]))
('31011319500101001X', '91310113', ['上海鑫鑫贸易有限公司'])
"""
from __future__ import annotations

import datetime as _dt
import random
from collections import defaultdict

import numpy as np

from casegraph.contract import LEGAL
from casegraph.sample.vocabulary import (ALL_INDUSTRIES, BANK_BIN, BANKS, CITIES, CITY_P, DISTRICTS, FORMS, GIVEN,
                                         GIVEN_P, INDUSTRIES, LEGAL_FORM_P, LEGAL_FORMS, PLATE_ALNUM, PLATE_LETTERS,
                                         REGION_P, REGIONS, SURNAME_P, SURNAMES, TRADE_CHARS, UNINC_FORMS)

_REGION_DIGITS = np.array([[int(ch) for ch in r] for r in REGIONS], np.int64)
_NAME_RADIX = (len(CITIES), len(TRADE_CHARS), len(TRADE_CHARS), len(ALL_INDUSTRIES), len(FORMS), 2)
# Resident IDs are drawn as integers (region, birth day, sequence) so that
# uniqueness is an integer set operation; they become strings in bulk.
_BIRTH0 = np.datetime64("1950-01-01")
_BIRTH_DAYS = int((np.datetime64("2000-12-31") - _BIRTH0).astype(int)) + 1
_RIC_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], np.int64)
_RIC_CHECK = np.frombuffer(b"10X98765432", np.uint8)
_USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_BYTES = np.frombuffer(_USCC_ALPHA.encode(), np.uint8)
_USCC_W = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], np.int64)
_ORG_W = np.array([3, 7, 9, 10, 5, 8, 4, 2], np.int64)
_ORG_VAL = np.array([int(ch, 36) for ch in _USCC_ALPHA], np.int64)  # GB 11714 value: A=10 …
_B31 = 31 ** 8


def _rows_to_str(codes: np.ndarray) -> list[str]:
    """(n, w) array of ASCII bytes -> list of n strings."""
    w = codes.shape[1]
    return np.ascontiguousarray(codes, np.uint8).view(f"S{w}").ravel().astype(f"U{w}").tolist()


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return values[:, None] // 10 ** np.arange(width - 1, -1, -1, dtype=np.int64) % 10


def ric_from_ints(ints: np.ndarray) -> list[str]:
    """Resident IDs (GB 11643, with check character) for integer draws.

    >>> ric_from_ints(np.array([0 * _BIRTH_DAYS * 1000 + 1]))
    ['31011319500101001X']
    """
    ints = np.asarray(ints, np.int64)
    region, day, seq = ints // (_BIRTH_DAYS * 1000), ints // 1000 % _BIRTH_DAYS, ints % 1000
    born = _BIRTH0 + day.astype("timedelta64[D]")
    y = born.astype("datetime64[Y]").astype(np.int64) + 1970
    m = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    dig = np.concatenate([_REGION_DIGITS[region], _digits(y * 10000 + m * 100 + d, 8), _digits(seq, 3)], axis=1)
    out = np.empty((len(ints), 18), np.uint8)
    out[:, :17] = dig + 48
    out[:, 17] = _RIC_CHECK[(dig * _RIC_W).sum(axis=1) % 11]
    return _rows_to_str(out)


def uscc_from_ints(ints: np.ndarray) -> list[str]:
    """Unified social credit codes (GB 32100) for integer draws.

    Characters 9-17 form a valid organisation code (GB 11714) as on real codes.

    >>> from stdnum.cn import uscc
    >>> code = uscc_from_ints(np.array([12345]))[0]
    >>> code[:8], uscc.calc_check_digit(code) == code[-1]
    ('91310113', True)
    """
    ints = np.asarray(ints, np.int64)
    region, body = ints // _B31, ints % _B31
    idx = np.empty((len(ints), 17), np.int64)
    idx[:, 0], idx[:, 1] = 9, 1
    idx[:, 2:8] = _REGION_DIGITS[region]
    for i in range(8):
        idx[:, 8 + i] = body // 31 ** (7 - i) % 31
    oc = 11 - (_ORG_VAL[idx[:, 8:16]] * _ORG_W).sum(axis=1) % 11
    idx[:, 16] = np.where(oc == 11, 0, np.where(oc == 10, _USCC_ALPHA.index("X"), oc))
    out = np.empty((len(ints), 18), np.uint8)
    out[:, :17] = _USCC_BYTES[idx]
    out[:, 17] = _USCC_BYTES[(31 - (idx * _USCC_W).sum(axis=1) % 31) % 31]
    return _rows_to_str(out)


def sample_people(rng, k, born=(1950, 2000), gender=None, region=None):
    lo = int((np.datetime64(f"{born[0]}-01-01") - _BIRTH0).astype(int))
    hi = int((np.datetime64(f"{born[1]}-12-31") - _BIRTH0).astype(int)) + 1
    reg = rng.choice(len(REGIONS), k, p=REGION_P) if region is None else np.full(k, region)
    seq = rng.integers(0, 1000, k)
    if gender is not None:  # the sequence's parity is the sex: odd men, even women
        seq = seq - seq % 2 + (1 if gender == "m" else 0)
    return (reg * _BIRTH_DAYS + rng.integers(lo, hi, k)) * 1000 + seq


def sample_codes(rng, k):
    reg = rng.choice(len(REGIONS), k, p=REGION_P)
    d = rng.integers(0, 31, (k, 8))
    digits_only = rng.random(k) < 0.6  # old organisation codes; newer ones start MA
    d[digits_only] %= 10
    d[~digits_only, 0], d[~digits_only, 1] = _USCC_ALPHA.index("M"), _USCC_ALPHA.index("A")
    return reg * _B31 + (d * 31 ** np.arange(7, -1, -1, dtype=np.int64)).sum(axis=1)


def sample_names(rng, k, kind=LEGAL, lender=False, group_share=0.015):
    """Company-name draws: city, two-character trade name, industry, form, (集团) flag."""
    city = rng.choice(len(CITIES), k, p=CITY_P)
    c1, c2 = rng.integers(0, len(TRADE_CHARS), k), rng.integers(0, len(TRADE_CHARS), k)
    if lender:
        ind = rng.integers(len(INDUSTRIES), len(ALL_INDUSTRIES), k)
    else:
        ind = rng.integers(0, len(INDUSTRIES), k)
    if kind == LEGAL:
        form = rng.choice(LEGAL_FORMS, k, p=LEGAL_FORM_P)
        group = (rng.random(k) < group_share) & (not lender)
        ind = np.where(group, 0, ind)  # a group name carries no industry, so fix it to keep draws 1:1
    else:
        form, group = rng.choice(UNINC_FORMS, k), np.zeros(k, bool)
    v = np.zeros(k, np.int64)
    for part, radix in zip((city, c1, c2, ind, form, group), _NAME_RADIX):
        v = v * radix + part
    return v


def names_from_ints(ints: np.ndarray) -> list[str]:
    """Company names for draws of ``sample_names``.

    >>> names_from_ints(np.array([0, 1]))
    ['上海鑫鑫贸易有限公司', '上海鑫鑫（集团）有限公司']
    """
    ints = np.asarray(ints, np.int64)
    parts = []
    for radix in reversed(_NAME_RADIX):
        parts.append(ints % radix)
        ints = ints // radix
    group, form, ind, c2, c1, city = (p.tolist() for p in parts)
    return [CITIES[a] + TRADE_CHARS[b] + TRADE_CHARS[c] + ("（集团）" if g else ALL_INDUSTRIES[i]) + FORMS[f]
            for a, b, c, i, f, g in zip(city, c1, c2, ind, form, group)]


def person_names(rng, k) -> np.ndarray:
    sur = np.array(SURNAMES, object)[rng.choice(len(SURNAMES), k, p=SURNAME_P)]
    return sur + np.array(GIVEN, object)[rng.choice(len(GIVEN), k, p=GIVEN_P)]


# The planted part draws single values with Python's random (numpy's
# per-call overhead would dominate); these mirror the vectorised samplers.
_BIRTH0_DATE = _dt.date(1950, 1, 1)
_REGION_W = REGION_P.tolist()
_CITY_W = CITY_P.tolist()


def person_one(r: random.Random, born=(1950, 2000), gender=None, region=None) -> int:
    lo = (_dt.date(born[0], 1, 1) - _BIRTH0_DATE).days
    hi = (_dt.date(born[1], 12, 31) - _BIRTH0_DATE).days + 1
    reg = r.choices(range(len(REGIONS)), _REGION_W)[0] if region is None else region
    seq = r.randrange(1000)
    if gender is not None:
        seq = seq - seq % 2 + (1 if gender == "m" else 0)
    return (reg * _BIRTH_DAYS + r.randrange(lo, hi)) * 1000 + seq


def ric_one(v: int) -> str:
    """``ric_from_ints`` for one value.

    >>> ric_one(1) == ric_from_ints(np.array([1]))[0]
    True
    """
    reg, day, seq = v // (_BIRTH_DAYS * 1000), v // 1000 % _BIRTH_DAYS, v % 1000
    body = f"{REGIONS[reg]}{_BIRTH0_DATE + _dt.timedelta(days=day):%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _RIC_W.tolist())) % 11]


def code_one(r: random.Random) -> int:
    reg = r.choices(range(len(REGIONS)), _REGION_W)[0]
    if r.random() < 0.6:
        d = [r.randrange(10) for _ in range(8)]
    else:
        d = [_USCC_ALPHA.index("M"), _USCC_ALPHA.index("A")] + [r.randrange(31) for _ in range(6)]
    return reg * _B31 + sum(x * 31 ** (7 - i) for i, x in enumerate(d))


def uscc_one(v: int) -> str:
    """``uscc_from_ints`` for one value.

    >>> uscc_one(12345) == uscc_from_ints(np.array([12345]))[0]
    True
    """
    reg, body = divmod(v, _B31)
    idx = [9, 1] + [int(c) for c in REGIONS[reg]] + [body // 31 ** (7 - i) % 31 for i in range(8)]
    oc = 11 - sum(int(_ORG_VAL[c]) * w for c, w in zip(idx[8:16], _ORG_W.tolist())) % 11
    idx.append(0 if oc == 11 else _USCC_ALPHA.index("X") if oc == 10 else oc)
    idx.append((31 - sum(c * w for c, w in zip(idx, _USCC_W.tolist())) % 31) % 31)
    return "".join(_USCC_ALPHA[c] for c in idx)


def name_one(r: random.Random, kind=LEGAL, lender=False, group=False) -> int:
    lo, hi = (len(INDUSTRIES), len(ALL_INDUSTRIES)) if lender else (0, len(INDUSTRIES))
    form = r.choices(LEGAL_FORMS, LEGAL_FORM_P)[0] if kind == LEGAL else r.choice(UNINC_FORMS)
    parts = (r.choices(range(len(CITIES)), _CITY_W)[0], r.randrange(len(TRADE_CHARS)), r.randrange(len(TRADE_CHARS)),
             0 if group else r.randrange(lo, hi), form, int(group))
    v = 0
    for part, radix in zip(parts, _NAME_RADIX):
        v = v * radix + part
    return v


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _member(sorted_pool: np.ndarray, values: np.ndarray) -> np.ndarray:
    if not len(sorted_pool):
        return np.zeros(len(values), bool)
    i = np.minimum(np.searchsorted(sorted_pool, values), len(sorted_pool) - 1)
    return sorted_pool[i] == values


class Fresh:
    """Values never drawn before, per namespace (IDs, codes, names, asset numbers).

    The planted part draws one at a time into Python sets; the bulk draws
    millions at once and excludes everything drawn so far.
    """

    def __init__(self, rng):
        self.rng = rng
        self.taken: dict[str, set] = defaultdict(set)
        self.bulk: dict[str, list] = defaultdict(list)

    def one(self, ns, draw, accept=None) -> int:
        taken = self.taken[ns]
        while True:
            v = draw()
            if v not in taken and (accept is None or accept(v)):
                taken.add(v)
                return v

    def many(self, ns, sample, n) -> np.ndarray:
        pool = _sorted_unique(np.concatenate([np.fromiter(self.taken[ns], np.int64, len(self.taken[ns]))]
                                             + self.bulk[ns]))
        out, got = [], 0
        while got < n:
            cand = _sorted_unique(sample(self.rng, int((n - got) * 1.03) + 64))
            cand = self.rng.permutation(cand[~_member(pool, cand)])[: n - got]
            out.append(cand)
            got += len(cand)
            if got < n:
                pool = np.sort(np.concatenate([pool, cand]))
        res = np.concatenate(out) if out else np.zeros(0, np.int64)
        self.bulk[ns].append(res)
        return res


# ----------------------------------------------------------- asset numbers
def sample_accounts(rng, k):
    return rng.integers(0, len(BANKS), k) * 10 ** 13 + rng.integers(0, 10 ** 13, k)


def accounts(ints):
    return [f"{BANKS[v // 10 ** 13]}{BANK_BIN[v // 10 ** 13]}{v % 10 ** 13:013d}" for v in ints]


def sample_certs(rng, k):
    return (rng.integers(0, len(DISTRICTS), k) * 10 + rng.integers(0, 10, k)) * 10 ** 7 + rng.integers(1, 10 ** 7, k)


def certs(ints):
    return [f"沪({2016 + v // 10 ** 7 % 10}){DISTRICTS[v // 10 ** 8]}不动产权第{v % 10 ** 7:07d}号" for v in ints]


def sample_plates(rng, k):
    head = rng.integers(0, len(PLATE_LETTERS), k) * len(PLATE_ALNUM) + rng.integers(0, len(PLATE_ALNUM), k)
    return head * 10 ** 4 + rng.integers(0, 10 ** 4, k)


def plates(ints):
    n = len(PLATE_ALNUM)
    return [f"沪{PLATE_LETTERS[v // 10 ** 4 // n]}{PLATE_ALNUM[v // 10 ** 4 % n]}{v % 10 ** 4:04d}" for v in ints]


