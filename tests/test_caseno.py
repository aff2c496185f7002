import pandas as pd
import pytest
from hypothesis import given, strategies as st

from casegraph.normalise.caseno import official_case_nos, parse_case_no


@pytest.mark.parametrize("typed", [
    "（2024）沪0113执1234号", "(2024)沪0113执1234号", "〔2024〕沪0113执1234号",
    " ( 2024 ) 沪0113 执 1234 号 ", "（２０２４）沪０１１３执１２３４号",
])
def test_bracket_and_space_variants_are_one_number(typed):
    assert parse_case_no(typed).official == "（2024）沪0113执1234号"


@pytest.mark.parametrize("typed,type_code,court", [
    ("(2024)沪0113执恢12号", "执恢", "沪0113"), ("(2024)沪0113执保3号", "执保", "沪0113"),
    ("(2023)京01执异5号", "执异", "京01"), ("(2023)京01执复5号", "执复", "京01"),
    ("(2023)京01执监5号", "执监", "京01"), ("(2023)京01执协5号", "执协", "京01"),
    ("(2023)京01执他5号", "执他", "京01"),
])
def test_type_and_court_codes(typed, type_code, court):
    p = parse_case_no(typed)
    assert (p.type_code, p.court) == (type_code, court)


def test_pre_2016_form():
    p = parse_case_no("(2012)曲中法执字第66号")
    assert (p.year, p.court, p.type_code, p.seq, p.old_style) == (2012, "曲中法", "执", 66, True)
    assert p.official == "（2012）曲中法执字第66号"


@pytest.mark.parametrize("bad", ["", "2024执1234", "(2024)沪0113民初1号", "(24)沪0113执1号", "(2024)沪0113执号", None, float("nan")])
def test_malformed(bad):
    assert parse_case_no(bad) is None


def test_vectorised_matches_scalar():
    s = pd.Series(["(2024)沪0113执1号", "bad", "〔2024〕沪0113执1号"])
    got = official_case_nos(s)
    assert got.isna().tolist() == [False, True, False]
    assert got[0] == got[2] == "（2024）沪0113执1号"


@given(st.text(max_size=40))
def test_never_crashes_and_accepted_round_trips(text):
    p = parse_case_no(text)
    if p is not None:
        assert parse_case_no(p.official) == p


@given(st.integers(1950, 2099), st.sampled_from(["沪0113", "京01", "粤0305"]),
       st.sampled_from(["执", "执恢", "执保", "执异"]), st.integers(1, 9_999_999))
def test_every_official_number_parses(year, court, type_code, seq):
    official = f"（{year}）{court}{type_code}{seq}号"
    assert parse_case_no(official).official == official


@given(st.text(alphabet="（）()〔〕0123456789０１２执恢保字第号沪京曲中法 ", max_size=24))
def test_fast_path_agrees_with_the_parser(text):
    got = official_case_nos(pd.Series([text], dtype=object)).iloc[0]
    p = parse_case_no(text)
    assert (got if isinstance(got, str) else None) == (p.official if p else None)


@given(st.lists(st.one_of(
    st.text(max_size=30),
    st.builds(lambda y, s, b: f"{b[0]}{y}{b[1]}沪0113执{s}号", st.integers(1900, 2100), st.integers(0, 10**8),
              st.sampled_from(["()", "（）", "〔〕", "[]", "【】"])),
    st.integers(), st.floats(), st.none(),
), max_size=30))
def test_vectorised_case_numbers_agree_with_scalar(values):
    """Whatever a cell holds (text, a number Excel made of it, nothing), the
    column parser says what parse_case_no says, and does not crash."""
    got = official_case_nos(pd.Series(values, dtype=object))
    for v, g in zip(values, got):
        p = parse_case_no(v)
        assert (g if isinstance(g, str) else None) == (p.official if p else None)
