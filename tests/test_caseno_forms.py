"""Case numbers in every form real records carry (issue 22, "every real case number is read").

The 2016 form （2024）沪0113执1234号 and the forms before it and during the change
(（2012）曲中法执字第66号, （2007）鲁0705执字第1122号, （2012）湖浔执民字第562号), as
clerks and publishers type them: any bracket, spaces, full-width digits, leading
zeros, 第 left out. Each typed number is checked against its official form, its
court and its type; the unreadable ones must stay unread.
"""
import random
import re

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from casegraph.contract import CASE_TYPES
from casegraph.normalise import caseno
from casegraph.normalise.caseno import as_written, case_type, court_code, official_case_nos, parse_case_no

# Real court codes of the 2016 rules: basic courts (沪0113 Baoshan, 京0108 Haidian, 黑0103 Harbin
# Nangang, 豫1624, 鲁0705, 浙0503 Nanxun, 粤0305 Nanshan, 兵0101), intermediate ones (京01, 黑01,
# 粤03, 兵01), special courts (京71 railway, 京7101, 沪72 maritime, 沪74 finance, 京73 IP), high
# courts (京, 沪, 黑, 内, 兵, 军) and the Supreme People's Court.
COURT_CODES = ("沪0113", "沪0112", "京0105", "京0108", "黑0103", "黑0102", "豫1624", "鲁0705", "浙0503",
               "粤0305", "苏0508", "川0104", "内0102", "兵0101", "京01", "黑01", "粤03", "兵01", "京71",
               "京7101", "沪72", "沪74", "京73", "京", "沪", "黑", "内", "兵", "军", "最高法")
# Courts' short names before 2016 (曲中法 Qujing Intermediate, 湖浔 Huzhou Nanxun, 北法, 禹法
# Yucheng, 泸合 Hejiang, 并 Taiyuan, 鱼 Yutai, 穗中法 Guangzhou Intermediate, 甬鄞 Ningbo Yinzhou).
OLD_COURTS = ("曲中法", "湖浔", "北法", "禹法", "泸合", "并", "鱼", "宝", "闵", "沪一中", "穗中法", "甬鄞", "潭", "眉")
MODERN_TYPES = ("执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他", "执请", "执督")
OLD_TYPES = ("执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他", "执民", "执行", "执审", "执督")
BRACKETS = ("()", "（）", "〔〕", "[]", "【】", "［］", "(）", "（)")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _typed(r: random.Random, year: int, court: str, body: str) -> str:
    """The number as someone may type it: a bracket of any kind, spaces anywhere, full-width digits."""
    b = r.choice(BRACKETS)
    s = f"{b[0]}{year}{b[1]}{court}{body}"
    for _ in range(r.choice((0, 0, 1, 2))):
        i = r.randrange(len(s) + 1)
        s = s[:i] + r.choice((" ", "\u3000")) + s[i:]
    return s.translate(FULL_WIDTH) if r.random() < 0.15 else s


def _seq(r: random.Random, seq: int) -> str:
    """A sequence as typed: plain, or padded with zeros as many courts print it (00045)."""
    return r.choice((str(seq), f"{seq:05d}", f"{seq:03d}"))


def _forms() -> list[tuple[str, str, str, str]]:
    """(typed, official, court, type) for generated numbers of every form."""
    r = random.Random(22)
    out = []
    for court in COURT_CODES:  # the 2016 form, 第 sometimes typed before the sequence
        for type_code in r.sample(MODERN_TYPES, 4):
            year, seq = r.randint(2016, 2026), r.choice((1, r.randint(2, 99), r.randint(100, 99999)))
            body = f"{type_code}{'第' if r.random() < 0.15 else ''}{_seq(r, seq)}号"
            out.append((_typed(r, year, court, body), f"（{year}）{court}{type_code}{seq}号", court, type_code))
    for court in OLD_COURTS + COURT_CODES[:14]:  # 字第 with an old short name, or with a new court code
        for type_code in r.sample(OLD_TYPES, 3):
            year, seq = r.randint(2000, 2016), r.choice((1, r.randint(2, 999), r.randint(1000, 99999)))
            body = f"{type_code}字{r.choice(('第', '第', ''))}{_seq(r, seq)}号"
            out.append((_typed(r, year, court, body), f"（{year}）{court}{type_code}字第{seq}号", court, type_code))
    return out


# As published (中国执行信息公开网 lists, issue 22): typed, official, court, type.
REAL = [
    ("(2007)鲁0705执字第01122号", "（2007）鲁0705执字第1122号", "鲁0705", "执"),
    ("(2016)豫1624执字第00045号", "（2016）豫1624执字第45号", "豫1624", "执"),
    ("(2012)湖浔执民字第00562号", "（2012）湖浔执民字第562号", "湖浔", "执民"),
    ("(2015)北法执字第00880号", "（2015）北法执字第880号", "北法", "执"),
    ("(2011)禹法执字第00243号", "（2011）禹法执字第243号", "禹法", "执"),
    ("(2015)禹法执恢字第00008号", "（2015）禹法执恢字第8号", "禹法", "执恢"),
    ("(2008)泸合执字第00495号", "（2008）泸合执字第495号", "泸合", "执"),
    ("(2014)并执字第00085号", "（2014）并执字第85号", "并", "执"),
    ("（2018）黑0103执1352号", "（2018）黑0103执1352号", "黑0103", "执"),
    ("（2017）黑01执750号", "（2017）黑01执750号", "黑01", "执"),
    ("（2017）黑0103执恢502号", "（2017）黑0103执恢502号", "黑0103", "执恢"),
    ("(2016)黑0103执03095号", "（2016）黑0103执3095号", "黑0103", "执"),
    ("(2015)鱼执字第00888号", "（2015）鱼执字第888号", "鱼", "执"),
    ("(2015)鱼执字00888号", "（2015）鱼执字第888号", "鱼", "执"),
    ("（2016）京执1号", "（2016）京执1号", "京", "执"),
    ("（2012）曲中法执字第66号", "（2012）曲中法执字第66号", "曲中法", "执"),
    ("(2014)潭执审字第30号", "（2014）潭执审字第30号", "潭", "执审"),
    ("（2010）眉执督字第4号", "（2010）眉执督字第4号", "眉", "执督"),
]
FORMS = _forms() + REAL


def test_the_forms_are_many_and_spread():
    assert len(FORMS) >= 200
    officials = [o for _, o, _, _ in FORMS]
    assert len(set(officials)) >= 200  # (鱼执字第00888号 and 鱼执字00888号 are one case)
    assert sum("字第" in o for o in officials) >= 80 and sum("字第" not in o for o in officials) >= 80
    assert {t for *_, t in FORMS} >= set(MODERN_TYPES) | set(OLD_TYPES)


@pytest.mark.parametrize("typed,official,court,type_code", FORMS)
def test_every_form_reads(typed, official, court, type_code):
    p = parse_case_no(typed)
    assert p is not None, typed
    assert (p.official, p.court, p.type_code, p.old_style) == (official, court, type_code, "字第" in official)
    assert parse_case_no(official) == p  # the official form reads back to the same case


def test_the_column_functions_agree():
    """official_case_nos on what was typed, and case_type / court_code on the result."""
    typed = pd.Series([t for t, *_ in FORMS], dtype=object)
    official = official_case_nos(typed)
    assert official.tolist() == [o for _, o, _, _ in FORMS]
    assert court_code(official).tolist() == [c for *_, c, _ in FORMS]
    assert case_type(official).tolist() == [t for *_, t in FORMS]
    # the official forms are recognised at once, with no parse
    assert all(caseno._AS_WRITTEN.match(o) for o in official)


def test_the_courts_and_types_named_in_the_issue():
    got = court_code(pd.Series(["（2007）鲁0705执字第1122号", "（2012）湖浔执民字第562号", "（2015）北法执字第880号",
                                "（2016）京执1号", "（2016）最高法执恢3号", "（2015）禹法执恢字第8号"]))
    assert got.tolist() == ["鲁0705", "湖浔", "北法", "京", "最高法", "禹法"]
    assert case_type(pd.Series(["（2012）湖浔执民字第562号", "（2015）禹法执恢字第8号", "（2016）京执1号"])).tolist() == [
        "执民", "执恢", "执"]


@pytest.mark.parametrize("a,b", [
    ("(2015)鱼执字第00888号", "（2015）鱼执字第888号"),
    ("(2015)鱼执字00888号", "（2015）鱼执字第888号"),
    ("【2012】湖浔 执民字第 00562 号", "（2012）湖浔执民字第562号"),
    ("(2016)黑0103执03095号", "〔2016〕黑0103执3095号"),
    ("（２０１７）黑０１执７５０号", "(2017)黑01执750号"),
    ("(2018)黑0103执第1352号", "（2018）黑0103执1352号"),
])
def test_spellings_of_one_case_are_one(a, b):
    assert parse_case_no(a) == parse_case_no(b) is not None
    assert official_case_nos(pd.Series([a])).iloc[0] == official_case_nos(pd.Series([b])).iloc[0]


def test_old_and_new_shapes_stay_apart():
    """字第 with a new court code is its own shape: not silently the same case as the 2016 form."""
    assert parse_case_no("(2007)鲁0705执字第1122号").official != parse_case_no("(2007)鲁0705执1122号").official


@pytest.mark.parametrize("bad", [
    "", "   ", "号", "执", "garbage", "鱼执字第00888号",          # no year
    "2015鱼执字第888号", "(2015)鱼执字第00888",                  # year not in brackets, no 号
    "（2017）黑0103民初6222号", "（2017）黑01民终12号", "(2014)潭民字第30号",  # not enforcement: a 执行依据
    "(2015)ABC执字第1号", "(2024)沪0113执A1号", "(2024)SH0113执1号",  # letters
    "(201)沪0113执1号", "(20155)沪0113执1号", "(0201)沪0113执1号",    # a year of 3, 5 digits, a leading 0
    "(2024)沪011执1号", "(2024)沪01131执1号", "(2024)沪0执1号",       # a court code of 1, 3 or 5 digits
    "(2024)鱼执1号", "(2024)北法执1号",                              # a short name without 字: no court code
    "(2024)沪0113执号", "(2024)沪0113执字第号", "(2024)沪0113执12345678号",  # no sequence, 8 digits
    "(2024)沪0113执1号(2024)沪0113执2号", "（2024）沪0113执1号之一x",  # two numbers, trailing garbage
    "(2024)执1号", "(2012)执字第1号",                               # no court
    None, float("nan"), 20241234,
])
def test_unreadable_numbers_stay_unread(bad):
    assert parse_case_no(bad) is None
    got = official_case_nos(pd.Series([bad], dtype=object)).iloc[0]
    assert not isinstance(got, str)


def test_as_written_keeps_what_was_typed():
    assert as_written("  (2015)鱼执字第00888号 ") == "(2015)鱼执字第00888号"
    assert as_written("（2015） 鱼执字第888号") == "（2015） 鱼执字第888号"  # only the ends are trimmed
    assert as_written(None) == "" and as_written("") == ""


_court = st.one_of(st.sampled_from(COURT_CODES), st.builds(
    lambda c, d: c + d, st.sampled_from(caseno.HIGH_COURTS), st.from_regex(r"\A[0-9]{2}([0-9]{2})?\Z")))
_old_court = st.one_of(_court, st.sampled_from(OLD_COURTS),
                       st.text(alphabet="湖浔北禹泸合并鱼曲中法宝闵浦穗甬鄞", min_size=1, max_size=8))


@given(st.integers(1000, 2099), st.booleans(), _court, _old_court, st.sampled_from(sorted(CASE_TYPES)),
       st.integers(1, 9_999_999))
def test_every_official_form_reads_to_itself(year, old, court, old_court, type_code, seq):
    """Idempotent: an official form is parsed to itself, and the fast path knows it at once."""
    official = f"（{year}）{old_court}{type_code}字第{seq}号" if old else f"（{year}）{court}{type_code}{seq}号"
    p = parse_case_no(official)
    assert p is not None and p.official == official and parse_case_no(p.official) == p
    assert caseno._AS_WRITTEN.match(official)
    assert official_case_nos(pd.Series([official])).iloc[0] == official


# The grammar as it was before issue 22: whatever it read must read the same (regression outputs
# compare bytes). Only a year written with a leading zero (0201), which never read back, is now refused.
_BEFORE_TYPES = "执恢|执保|执异|执复|执监|执协|执他|执"
_BEFORE = (re.compile(rf"^\((\d{{4}})\)([\u4e00-\u9fff]\d{{2}}(?:\d{{2}})?)({_BEFORE_TYPES})(\d{{1,7}})号$"),
           re.compile(rf"^\((\d{{4}})\)([\u4e00-\u9fff]{{1,8}}?)({_BEFORE_TYPES})字第(\d{{1,7}})号$"))


@given(st.one_of(
    st.text(alphabet="（）()〔〕[]0123456789０１２ 执恢保异他字第号民沪京鲁曲中法湖浔", max_size=24),
    st.builds(lambda b, y, c, t, z, s: f"{b[0]}{y}{b[1]}{c}{t}{z}{s}号", st.sampled_from(BRACKETS),
              st.integers(1000, 2099), _old_court, st.sampled_from(_BEFORE_TYPES.split("|")),
              st.sampled_from(["", "字第"]), st.integers(0, 9_999_999))))
def test_what_read_before_reads_the_same(text):
    s = caseno._clean(text)
    m = _BEFORE[0].match(s) or _BEFORE[1].match(s)
    if m and int(m[1]) >= 1000:
        p = parse_case_no(text)
        assert p is not None
        assert (p.year, p.court, p.type_code, p.seq, p.old_style) == (
            int(m[1]), m[2], m[3], int(m[4]), m.re is _BEFORE[1])
