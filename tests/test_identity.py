import os
import stat
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from stdnum.cn import ric, uscc

from casegraph.normalise.identity import (EMPTY, INVALID, MASKED, RIC, USCC, keyed_hash, mask, masked_agrees, parse_id,
                                parse_ids, secret_key)
from handmade import CO_A, ZHANG, rid


def test_noise_is_cleaned():
    assert parse_id(ZHANG.lower()).canonical == ZHANG
    full_width = ZHANG.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert parse_id(full_width).canonical == ZHANG
    assert parse_id(" ".join([ZHANG[:6], ZHANG[6:14], ZHANG[14:]])).canonical == ZHANG


def test_fifteen_digit_ids_are_upgraded():
    old = ZHANG[:6] + ZHANG[8:17]
    assert parse_id(old) == parse_id(ZHANG)


def test_region_code_is_not_checked_against_birth_date():
    # 110105 region, born 1900: stdnum's cn.ric.validate rejects such real IDs.
    real = rid("11010519000101001")
    assert parse_id(real).status == RIC


@pytest.mark.parametrize("bad,problem", [
    (ZHANG[:-1] + ("1" if ZHANG[-1] != "1" else "2"), "wrong check character"),
    ("110105" + "19491331" + "0021", "impossible birth date"),
    ("1101051949", "not 18"),
])
def test_invalid_ids_say_why(bad, problem):
    p = parse_id(bad, "自然人")
    assert p.status == INVALID and problem in p.problem


def test_credit_codes():
    assert parse_id(CO_A, "法人").status == USCC
    assert parse_id(CO_A[:-1] + ("0" if CO_A[-1] != "0" else "1"), "法人").status == INVALID


def test_masked_and_empty():
    assert parse_id("310113********123X").status == MASKED
    assert parse_id("").status == EMPTY
    assert parse_id(None).status == EMPTY
    assert parse_id("******************").status == INVALID


def test_mask_shows_first_six_and_last_four():
    assert mask(ZHANG) == ZHANG[:6] + "********" + ZHANG[-4:]
    assert masked_agrees(mask(ZHANG), ZHANG)
    assert not masked_agrees(mask(ZHANG)[:-1] + "9", ZHANG)


def test_keyed_hash_depends_on_the_secret():
    assert keyed_hash(ZHANG, b"a") != keyed_hash(ZHANG, b"b")
    assert ZHANG not in keyed_hash(ZHANG, b"a")


def test_key_file_is_created_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("CASEGRAPH_SECRET", raising=False)
    monkeypatch.setenv("CASEGRAPH_KEY_FILE", str(tmp_path / "k" / "secret.key"))
    key = secret_key()
    assert key == secret_key()
    mode = stat.S_IMODE(os.stat(tmp_path / "k" / "secret.key").st_mode)
    assert mode == 0o600


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(st.lists(st.one_of(
    digits17.map(lambda d: d + ric.calc_check_digit(d + "0")),   # valid-looking check char
    digits17.map(lambda d: d + "7"),
    st.text(max_size=20),
), max_size=30))
@settings(max_examples=200)
def test_vectorised_parse_agrees_with_scalar(values):
    s = pd.Series(values, dtype=object)
    kinds = pd.Series(["自然人"] * len(values), dtype=object)
    got = parse_ids(s, kinds)
    for v, (status, canonical) in zip(values, got[["status", "canonical"]].itertuples(index=False)):
        p = parse_id(v, "自然人")
        assert (status, canonical) == (p.status, p.canonical)


@given(st.text(max_size=30))
def test_parser_never_crashes_and_canonical_round_trips(text):
    p = parse_id(text)
    if p.status in (RIC, USCC):
        assert parse_id(p.canonical) == p or parse_id(p.canonical, "法人").canonical == p.canonical


from stdnum.cn import uscc  # noqa: E402

any_chars = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV", min_size=18, max_size=18)
coded = st.text(alphabet="0123456789", min_size=8, max_size=8).flatmap(
    lambda head: st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9).map(
        lambda body: head + body + uscc.calc_check_digit(head + body)))


@given(st.one_of(any_chars, coded))
def test_credit_code_check_agrees_with_stdnum(code):
    assert (parse_id(code, "法人").status == USCC) == uscc.is_valid(code)
    got = parse_ids(pd.Series([code]), pd.Series(["法人"]))
    assert (got["status"].iloc[0] == USCC) == uscc.is_valid(code)


# -- credit codes (GB 32100) under random input ---------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
credit_codes = st.tuples(st.text(alphabet="0123456789", min_size=8, max_size=8),
                         st.text(alphabet=USCC_CHARS, min_size=9, max_size=9)).map(
    lambda t: t[0] + t[1] + uscc.calc_check_digit(t[0] + t[1]))
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})


@given(credit_codes, st.sampled_from(["plain", "lower", "full-width", "spaced", "hyphens"]))
def test_every_credit_code_is_accepted_however_typed_and_round_trips(code, typing):
    typed = {"plain": code, "lower": code.lower(), "full-width": code.translate(FULL_WIDTH),
             "spaced": f" {code[:8]} {code[8:]} ", "hyphens": f"{code[:2]}-{code[2:8]}-{code[8:]}"}[typing]
    p = parse_id(typed, "法人")
    assert (p.status, p.canonical) == (USCC, code)
    assert parse_id(p.canonical, "法人") == p
    assert mask(p.canonical) == code[:6] + "********" + code[-4:]


@given(credit_codes, st.integers(0, 17), st.sampled_from(USCC_CHARS))
def test_no_one_character_typo_passes_for_a_credit_code(code, at, char):
    typo = code[:at] + char + code[at + 1:]
    if typo != code:  # the check character catches every single substitution (weights prime to 31)
        assert parse_id(typo, "法人").status != USCC


@given(st.lists(st.tuples(st.one_of(
    credit_codes,
    credit_codes.map(lambda c: c[:-1] + ("0" if c[-1] != "0" else "1")),
    digits17.map(lambda d: d + ric.calc_check_digit(d + "0")),
    st.text(alphabet=USCC_CHARS + "IOSVZ*x -", max_size=20),
    st.text(max_size=20),
), st.sampled_from(["法人", "非法人组织", "自然人", "", "公司"])), max_size=30))
@settings(max_examples=200)
def test_vectorised_parse_of_mixed_kinds_agrees_with_scalar(pairs):
    """The numpy fast path for credit codes (organisations only) says what parse_id says."""
    values = pd.Series([v for v, _ in pairs], dtype=object)
    kinds = pd.Series([k for _, k in pairs], dtype=object)
    got = parse_ids(values, kinds)
    for (v, k), (status, canonical) in zip(pairs, got[["status", "canonical"]].itertuples(index=False)):
        p = parse_id(v, k)
        assert (status, canonical) == (p.status, p.canonical)


def test_birth_dates_read_digit_by_digit_agree_with_the_calendar():
    """parse_ids checks the birth dates of a million IDs as digits; every
    month 0-13 and day 0-32 of years around the limits (1880, today, leap
    years) gets the answer a date library gives."""
    years = (1879, 1880, 1900, 1996, 2000, 2100, *range(date.today().year - 1, date.today().year + 2))
    bodies = [f"110105{y:04d}{m:02d}{d:02d}002" for y in years for m in range(14) for d in range(33)]
    ids = [b + ric.calc_check_digit(b + "0") for b in bodies]
    got = parse_ids(pd.Series(ids), pd.Series(["自然人"] * len(ids)))["status"].tolist()
    assert got == [parse_id(i, "自然人").status for i in ids]
    assert got.count(RIC) == sum(_valid_day(b[6:14]) for b in bodies) > 0


def _valid_day(yyyymmdd: str) -> bool:
    try:
        return date(1880, 1, 1) <= date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])) <= date.today()
    except ValueError:
        return False
