"""The synthetic export: files, noise, and every planted structure in truth.json.

The checks read the CSVs back with the csv module and resolve parties with a
deliberately simple resolver written here (canonical ID / credit code, and a
company name carried by exactly one code), so they do not depend on the
core's reader.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pytest
from stdnum.cn import ric, uscc

from casegraph.contract import ASSETS, CASES, JUDGES, PARTIES, Options, header_to_column
from casegraph.sample.generate import NOT_SAMPLED, sample_columns
from casegraph.sample import make_sample
from casegraph.sample.identities import name_one, names_from_ints, ric_from_ints, ric_one, uscc_from_ints, uscc_one
from casegraph.sample.vocabulary import NON_MONEY

N = 1000
HUB = Options().hub_threshold
PERSONAL = Options().personal_causes
OFFICIAL = re.compile(r"（(\d{4})）(?:[沪京粤苏]\d{2}(?:\d{2})?(?:执恢|执保|执)\d+号|[\u4e00-\u9fff]{1,3}执字第\d+号)")
TABLES = (CASES, PARTIES, ASSETS, JUDGES)
FILES = [t.filename for t in TABLES] + ["truth.json"]


# ------------------------------------------------------------------ helpers
def read(path, encoding="utf-8"):
    text = path.read_bytes().decode(encoding).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def norm_case(s):
    s = re.sub(r"\s", "", s)
    return s.replace("(", "（").replace(")", "）").replace("〔", "（").replace("〕", "）")


def canon_id(raw, kind):
    s = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()
    if kind == "自然人":
        if re.fullmatch(r"\d{15}", s):
            s = s[:6] + "19" + s[6:] + "0"
            s = s[:17] + ric.calc_check_digit(s)
        if re.fullmatch(r"\d{17}[\dX]", s) and ric.calc_check_digit(s) == s[-1]:
            return s
        return None
    return s if uscc.is_valid(s) else None


def norm_name(name):
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name))


class Export:
    """The files read back, parties resolved the simple way."""

    def __init__(self, d, encoding="utf-8"):
        self.cases = read(d / "cases.csv", encoding)
        self.parties = read(d / "parties.csv", encoding)
        self.assets = read(d / "assets.csv", encoding)
        self.judges = read(d / "judges.csv", encoding)
        self.truth = json.loads((d / "truth.json").read_text(encoding="utf-8"))
        self.case = {norm_case(c["case_no"]): c for c in self.cases}
        codes = defaultdict(set)
        for p in self.parties:
            p["cno"] = norm_case(p["case_no"])
            p["key"] = canon_id(p["id_no"], p["kind"])
            if p["kind"] != "自然人" and p["key"]:
                codes[norm_name(p["name"])].add(p["key"])
        for p in self.parties:
            if p["kind"] != "自然人" and not p["key"] and len(codes[norm_name(p["name"])]) == 1:
                p["key"] = next(iter(codes[norm_name(p["name"])]))
        self.apps, self.debs = defaultdict(set), defaultdict(set)  # case -> keys
        self.as_app, self.as_deb = defaultdict(set), defaultdict(set)  # key -> cases
        for p in self.parties:
            if p["key"]:
                app = p["role"] == "申请执行人"
                (self.apps if app else self.debs)[p["cno"]].add(p["key"])
                (self.as_app if app else self.as_deb)[p["key"]].add(p["cno"])

    def money_edges(self, personal_ok=False):
        """applicant -> debtor edges of money cases (of a non-personal nature unless personal_ok)."""
        g = nx.MultiDiGraph()
        for cno, c in self.case.items():
            if not c["amount"] or (not personal_ok and any(m in c["cause"] for m in PERSONAL)):
                continue
            for a in self.apps[cno]:
                for d in self.debs[cno]:
                    g.add_edge(a, d, case=cno)
        return g

    def record(self, rec):
        if not hasattr(self, "_records"):
            self._records = defaultdict(list)
            for p in self.parties:
                self._records[p["cno"], p["role"], p["name"], p["id_no"]].append(p)
        hits = self._records[rec["case_no"], rec["role"], rec["name"], rec["id_no"]]
        assert len(hits) == 1, rec
        return hits[0]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    make_sample(N, d, seed=7)
    return d


@pytest.fixture(scope="module")
def ex(out):
    return Export(out)


# -------------------------------------------------------------- the files
def test_deterministic_for_a_seed(tmp_path, out):
    make_sample(N, tmp_path / "again", seed=7)
    make_sample(N, tmp_path / "other", seed=8)
    for f in FILES:
        assert (tmp_path / "again" / f).read_bytes() == (out / f).read_bytes(), f
    assert (tmp_path / "other" / "parties.csv").read_bytes() != (out / "parties.csv").read_bytes()


def test_english_headers(out):
    for t in TABLES:
        header = (out / t.filename).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == sample_columns(t) and set(t.columns) - set(header) <= set(NOT_SAMPLED)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_chinese_headers_and_encodings(tmp_path, out, encoding):
    truth = make_sample(N, tmp_path, seed=7, chinese_headers=True, encoding=encoding)
    assert truth == json.loads((out / "truth.json").read_text(encoding="utf-8"))
    for t in TABLES:
        raw = (tmp_path / t.filename).read_bytes()
        if encoding == "gbk":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        else:
            assert raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode(encoding).lstrip("\ufeff")
        header, _, body = text.partition("\n")
        assert header.split(",") == [t.columns[c][0] for c in sample_columns(t)]
        assert [header_to_column(t, h) for h in header.split(",")] == sample_columns(t)
        assert body == (out / t.filename).read_text(encoding="utf-8").partition("\n")[2]


def test_values(ex):
    causes = Counter(c["cause"] for c in ex.cases)
    assert {c["status"] for c in ex.cases} == {"执行中", "终结本次执行", "执行完毕"}
    assert {"抚养费纠纷", "探望权纠纷", "金融借款合同纠纷", "民间借贷纠纷"} <= set(causes)
    for c in ex.cases:
        assert (c["amount"] == "") == (c["cause"] in NON_MONEY), c
        assert c["amount"] == "" or re.fullmatch(r"\d+\.\d{2}", c["amount"]), c
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", c["filed_on"])
        assert c["filed_on"][:4] == OFFICIAL.fullmatch(norm_case(c["case_no"])).group(1)
    assert {p["role"] for p in ex.parties} == {"申请执行人", "被执行人"}
    assert {p["kind"] for p in ex.parties} == {"自然人", "法人", "非法人组织"}
    assert {a["asset_type"] for a in ex.assets} == {"不动产", "车辆", "银行账户", "股权"}
    assert {a["action"] for a in ex.assets} == {"查封", "冻结", "扣押"}
    sides = defaultdict(set)  # every case has both sides
    for p in ex.parties:
        sides[p["cno"]].add(p["role"])
    assert set(sides) == set(ex.case) and all(len(s) == 2 for s in sides.values())
    assert {norm_case(a["case_no"]) for a in ex.assets} <= set(ex.case)


def test_case_numbers(ex):
    normed = [norm_case(c["case_no"]) for c in ex.cases]
    assert all(OFFICIAL.fullmatch(n) for n in normed)
    assert len(set(normed)) == len(normed)
    raw = [c["case_no"] for c in ex.cases] + [p["case_no"] for p in ex.parties]
    assert any("(" in s for s in raw) and any("〔" in s for s in raw) and any(re.search(r"\s", s) for s in raw)
    assert sum(s != norm_case(s) for s in raw) < 0.1 * len(raw)
    assert any("执字第" in n for n in normed)
    assert {"执恢", "执保"} <= {t for n in normed for t in re.findall(r"执恢|执保", n)}
    courts = Counter(re.match(r"（\d{4}）(\D\d+)", n).group(1) for n in normed if "执字" not in n)
    assert len(courts) >= 5 and courts.most_common(1)[0][0] == "沪0113"
    years = {int(n[1:5]) for n in normed if "执字" not in n}
    assert years == set(range(2019, 2026))


def test_ids_and_codes(ex):
    people = [p for p in ex.parties if p["kind"] == "自然人"]
    ids = [p["id_no"] for p in people]
    bad = 0
    for s in ids:
        t = re.sub(r"\s", "", unicodedata.normalize("NFKC", s)).upper()
        if re.fullmatch(r"\d{17}[\dX]", t):
            bad += ric.calc_check_digit(t) != t[-1]
    assert bad == ex.truth["counts"]["invalid_ids"] > 0
    assert any(re.fullmatch(r"\d{17}x", s) for s in ids)
    assert any(re.search("[０-９]", s) for s in ids)
    assert any(" " in s for s in ids)
    assert any(re.fullmatch(r"\d{15}", s) for s in ids)
    assert any(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", s) for s in ids)
    assert 0.01 < sum(s == "" for s in ids) / len(ids) < 0.1
    anon = [p for p in people if re.fullmatch(r".{1,2}某某?", p["name"])]
    assert len(anon) >= 2 and all(p["id_no"] == "" for p in anon)
    assert Counter(p["name"] for p in people)["王伟"] >= 2
    orgs = [p for p in ex.parties if p["kind"] != "自然人"]
    assert all(uscc.is_valid(p["id_no"]) for p in orgs if p["id_no"])
    assert 0 < sum(not p["id_no"] for p in orgs) < 0.1 * len(orgs)
    assert any("（" in p["name"] for p in orgs) and any("(" in p["name"] for p in orgs)


def test_vocabulary_encodes_in_gbk():
    from casegraph.sample import vocabulary as S
    from casegraph.sample.judges import cn_number

    words = [S.CAUSE_NAMES, S.COURTS, S.OLD_COURTS, S.SURNAMES, S.GIVEN, S.CITIES, S.TRADE_CHARS, S.ALL_INDUSTRIES,
             S.FORMS, S.BANKS, S.MASS_BANKS, S.DISTRICTS, S.ASSET_TYPES, S.STATUSES]
    text = "".join("".join(w) for w in words) + "（集团）〔〕()\u3000查封冻结扣押申请执行人被执行人自然人法人非法人组织涉未成年人"
    text += "0123456789Xx".translate(S.FULLWIDTH) + "".join(cn_number(k) for k in range(1, 1000))
    text.encode("gbk")
    for vocab in (S.CITIES, S.TRADE_CHARS, S.ALL_INDUSTRIES, S.FORMS, S.REGIONS, S.BANKS, S.DISTRICTS,
                  S.PLATE_LETTERS, S.PLATE_ALNUM, S.COURTS, S.OLD_COURTS):
        assert len(set(vocab)) == len(vocab), vocab  # drawn integers map 1:1 to names and numbers


def test_code_builders_agree():
    rng = np.random.default_rng(0)
    v = rng.integers(0, 18 * 18628 * 1000, 200)
    assert ric_from_ints(v) == [ric_one(int(x)) for x in v]
    assert all(ric.calc_check_digit(s) == s[-1] for s in ric_from_ints(v))
    c = rng.integers(0, 18 * 31 ** 8, 200)
    assert uscc_from_ints(c) == [uscc_one(int(x)) for x in c]
    assert all(uscc.is_valid(s) for s in uscc_from_ints(c))
    import random
    r = random.Random(0)
    names = names_from_ints(np.array([name_one(r) for _ in range(50)]))
    assert all(re.fullmatch(r"[\u4e00-\u9fff（）]+", n) for n in names)


# ------------------------------------------------------ planted structures
def all_case_nos(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "case_no":
                yield v
            elif k == "case_nos":
                yield from v
            else:
                yield from all_case_nos(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from all_case_nos(v)


def test_truth_refers_to_existing_cases(ex):
    nos = list(all_case_nos(ex.truth))
    assert len(nos) > 100
    for n in nos:
        assert n == norm_case(n) and OFFICIAL.fullmatch(n) and n in ex.case, n
    keys = [e["id_key"] for k in ("repeat_applicants", "common_debtors", "mass_applicants", "must_merge")
            for e in ex.truth[k]]
    keys += [k for e in ex.truth["bilateral_offsets"] + ex.truth["cycles"] for k in e["parties"]]
    for k in keys:
        assert canon_id(k, "自然人") == k or canon_id(k, "法人") == k, k
    c = ex.truth["counts"]
    assert (c["cases"], c["party_rows"], c["asset_rows"], c["judges"]) == (
        len(ex.cases), len(ex.parties), len(ex.assets), len(ex.judges))


def test_repeat_applicants(ex):
    rep = ex.truth["repeat_applicants"]
    for e in rep:
        assert ex.as_app[e["id_key"]] == set(e["case_nos"])
        assert 2 <= e["n_cases"] <= HUB
        assert e["n_debtors"] == len(set().union(*(ex.debs[c] for c in e["case_nos"])))
    causes = [{ex.case[c]["cause"] for c in e["case_nos"]} for e in rep]
    assert any("抚养费纠纷" in cs for cs in causes)
    assert any("探望权纠纷" in cs for cs in causes)
    assert any("执恢" in c for e in rep for c in e["case_nos"])
    assert any(e["n_debtors"] >= 3 for e in rep)
    assert any(e["repeat_pairs"] for e in rep)
    # complete: nobody else applies in two cases
    found = {k for k, cs in ex.as_app.items() if len(cs) >= 2}
    assert found == {e["id_key"] for e in rep + ex.truth["mass_applicants"]}


def test_common_debtors(ex):
    com = ex.truth["common_debtors"]
    for e in com:
        cases = ex.as_deb[e["id_key"]]
        assert cases == set(e["case_nos"])
        assert e["n_no_property"] == sum(ex.case[c]["status"] == "终结本次执行" for c in cases)
        assert e["n_applicants"] >= len(set().union(*(ex.apps[c] for c in cases))) >= 2
        assert e["total_amount"] == pytest.approx(sum(float(ex.case[c]["amount"] or 0) for c in cases))
    retiree = [e for e in com if e["n_cases"] == 26]
    assert retiree and retiree[0]["kind"] == "自然人" and retiree[0]["n_no_property"] >= 10
    assert retiree[0]["n_applicants"] == 27 and retiree[0]["total_amount"] == pytest.approx(7_060_000)
    assert int(retiree[0]["id_key"][6:10]) < 1960
    assert any(e["kind"] != "自然人" and e["n_cases"] >= 3 for e in com)
    assert sum(e["n_cases"] >= 3 for e in com) >= 4
    found = {k for k, cs in ex.as_deb.items() if len(cs) >= 2 and len(set().union(*(ex.apps[c] for c in cs))) >= 2}
    assert found == {e["id_key"] for e in com}


def test_mass_applicants(ex):
    mass = ex.truth["mass_applicants"]
    assert 1 <= len(mass) <= 2
    for e in mass:
        assert ex.as_app[e["id_key"]] == set(e["case_nos"]) and e["n_cases"] > HUB
        assert len(set().union(*(ex.debs[c] for c in e["case_nos"]))) > HUB
        assert {ex.case[c]["cause"] for c in e["case_nos"]} == {"金融借款合同纠纷"}


def test_offsets_and_cycles(ex):
    g = ex.money_edges()
    pairs = {frozenset((a, b)) for a, b in g.edges() if g.has_edge(b, a)}
    bil = ex.truth["bilateral_offsets"]
    assert pairs == {frozenset(e["parties"]) for e in bil}
    kinds = set()
    for e in bil:
        (a, b), (c1, c2) = e["parties"], e["case_nos"]
        assert a in ex.apps[c1] and b in ex.debs[c1] and b in ex.apps[c2] and a in ex.debs[c2]
        assert e["amounts"] == [float(ex.case[c]["amount"]) for c in (c1, c2)]
        kinds.add(a[:2] == "91")
    assert kinds == {True, False}  # a company pair and a pair of people
    cycles = ex.truth["cycles"]
    found = {frozenset(c) for c in nx.simple_cycles(nx.DiGraph(g), length_bound=Options().max_cycle_length)
             if len(c) >= 3}
    assert found == {frozenset(e["parties"]) for e in cycles}
    assert {len(e["parties"]) for e in cycles} == {3, 4}
    for e in cycles:
        ps = e["parties"]
        for i, c in enumerate(e["case_nos"]):
            assert ps[i] in ex.apps[c] and ps[(i + 1) % len(ps)] in ex.debs[c]


def test_not_offsets(ex):
    every = nx.DiGraph()
    for cno in ex.case:
        for a in ex.apps[cno]:
            for d in ex.debs[cno]:
                every.add_edge(a, d)
    mutual = {frozenset((a, b)) for a, b in every.edges() if every.has_edge(b, a)}
    bil = {frozenset(e["parties"]) for e in ex.truth["bilateral_offsets"]}
    nots = ex.truth["not_offsets"]
    assert mutual - bil == {frozenset(e["parties"]) for e in nots}
    for e in nots:
        a, b = e["parties"]
        assert e["causes"] == [ex.case[c]["cause"] for c in e["case_nos"]]
        assert any(a in ex.apps[c] for c in e["case_nos"]) and any(b in ex.apps[c] for c in e["case_nos"])
        assert any(any(m in c for m in PERSONAL) for c in e["causes"])
    assert any("抚养费纠纷" in e["causes"] and "民间借贷纠纷" in e["causes"] for e in nots)
    assert any(set(e["causes"]) <= set(NON_MONEY) for e in nots)


def test_shared_assets(ex):
    cases_of = defaultdict(set)
    for a in ex.assets:
        cases_of[a["asset_id"]].add(norm_case(a["case_no"]))
    shared = ex.truth["shared_assets"]
    assert {k for k, cs in cases_of.items() if len(cs) >= 2} == {e["asset_id"] for e in shared}
    many_debtors = 0
    for e in shared:
        assert cases_of[e["asset_id"]] == set(e["case_nos"])
        many_debtors += len(set().union(*(ex.debs[c] for c in e["case_nos"]))) >= 2
    assert many_debtors >= 3
    ids = [e["asset_id"] for e in shared]
    assert any(re.fullmatch(r"沪\(\d{4}\)\w+区不动产权第\d{7}号", i) for i in ids)
    assert any(re.fullmatch(r"沪[A-Z][0-9A-Z]\d{4}", i) for i in ids)


def test_must_merge(ex):
    groups = ex.truth["must_merge"]
    why = set()
    for g in groups:
        recs = [ex.record(r) for r in g["records"]]
        assert {p["key"] for p in recs} == {g["id_key"]}
        assert len({(p["name"], p["id_no"]) for p in recs}) >= 2
        why |= set(g["why"])
    assert {"id15", "lower_x", "fullwidth", "spaces", "no_code", "halfwidth_brackets"} <= why


def test_must_not_merge(ex):
    pairs = ex.truth["must_not_merge"]
    for e in pairs:
        a, b = (ex.record(r) for r in e["records"])
        assert norm_name(a["name"]) == norm_name(b["name"])
        assert a["key"] is None or b["key"] is None or a["key"] != b["key"]
    why = " ".join(e["why"] for e in pairs)
    for word in ("valid IDs", "anonymised", "masked", "credit codes"):
        assert word in why
    wangs = [e for e in pairs if "valid IDs" in e["why"]][0]["records"]
    assert {r["name"] for r in wangs} == {"王伟"} and all(canon_id(r["id_no"], "自然人") for r in wangs)


@pytest.mark.parametrize("n", [N, 20_000])
def test_no_giant_component(tmp_path, ex, n):
    e = ex if n == N else (make_sample(n, tmp_path, seed=3), Export(tmp_path))[1]
    g = nx.Graph()
    g.add_nodes_from(e.case)
    for key, cases in list(e.as_app.items()) + list(e.as_deb.items()):
        cases = sorted(cases)
        g.add_edges_from(zip(cases, cases[1:]))
    sizes = sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    biggest_planted = max(x["n_cases"] for k in ("mass_applicants", "common_debtors") for x in e.truth[k])
    assert sizes[0] <= biggest_planted + 5
    assert sum(s == 1 for s in sizes) > 0.7 * n


def test_judges(ex, tmp_path):
    js = ex.judges
    assert len(js) == max(4, round(N / 150)) and len({j["judge"] for j in js}) == len(js)
    teams = Counter(j["team"] for j in js)
    assert teams["涉未成年人"] >= 2 and all(re.fullmatch(r"执行[一二三四五六七八九十百千零]+组|涉未成年人", t) for t in teams)
    cap = sum(int(j["capacity"]) for j in js)
    assert 1.25 * N <= cap <= 1.4 * N
    minors = sum(any(m in c["cause"] for m in Options().minors_causes) for c in ex.cases)
    assert sum(int(j["capacity"]) for j in js if j["team"] == "涉未成年人") >= minors
    assigned = [c["judge"] for c in ex.cases if c["judge"]]
    assert 0.2 * N < len(assigned) < 0.4 * N and set(assigned) <= {j["judge"] for j in js}
    load = Counter(assigned)
    assert all(load[j["judge"]] <= int(j["capacity"]) for j in js)
    make_sample(N, tmp_path, judges=12)
    assert len(read(tmp_path / "judges.csv")) == 12


def test_too_small_is_refused(tmp_path):
    with pytest.raises(ValueError):
        make_sample(100, tmp_path)
