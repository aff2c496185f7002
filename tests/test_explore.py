"""casegraph explore: the engines' answers (search, details, expand, path,
bundle, subgraph) on a hand-drawn court and a generated sample, the same from
the embedded engine and a real Neo4j; the guard of the local server; the
command; and the page driven in Debian's headless Chromium.
"""
from __future__ import annotations

import http.server
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from browser import Browser
from casegraph import contract as C
from casegraph import decisions, pipeline
from casegraph.engines import answers as A
from casegraph.engines import open_engine
from casegraph.engines.neo4j import db as ne
from casegraph.errors import InputError, NotFound
from casegraph.explore import views
from casegraph.find.finish import bundles_from_links
from casegraph.explore.serve import running
from casegraph.pipeline import prepare
from casegraph.sample.generate import make_sample
from handmade import BANK, CO_A, LI, WANG, ZHANG, case, debt, party, rid, write_export

ZHAO = rid("31011519700303303")
QIAN = rid("31011519710404404")
SUN = rid("31011519720505505")
ZHOU = rid("31011519730606606")
WU = rid("31011519740707707")
OPTIONS = C.Options(hub_threshold=2)
NO = "（2024）沪0113执{}号".format


def court_rows():
    """王五 (WANG) owes in 执1–3 (执3 closed, 执2 closed for now), once more
    under a masked ID (执12); 张三 applies against him and against 李四 (执4);
    a car is attached in 执1 and 执2. 执5 and 执6 share nothing but a house.
    A bank (a mass applicant at hub threshold 2) applies in 执7–9; 执10 is its
    borrower 借款人1's other case. 张某 (anonymised, no ID) owes in 执11.
    欧阳振华 (no ID) owes in 执13 and 执14: a candidate for review."""
    rows = [
        debt(NO(1), ("张三", ZHANG), ("王五", WANG), amount="1000", judge="许法官", filed_on="2024-01-05"),
        debt(NO(2), ("上海甲公司", CO_A), ("王五", WANG), amount="2500.5", status="终结本次执行", filed_on="2023-03-01"),
        debt(NO(3), ("赵六", ZHAO), ("王五", WANG), amount="300", status="执行完毕", cause="买卖合同纠纷",
             filed_on="2021-06-01"),
        debt(NO(4), ("张三", ZHANG), ("李四", LI), amount="700", filed_on="2024-02-01"),
        debt(NO(5), ("钱七", QIAN), ("孙八", SUN), amount="50", filed_on="2022-05-05"),
        debt(NO(6), ("周九", ZHOU), ("吴十", WU), amount="80", filed_on="2022-07-07"),
        *[debt(NO(6 + i), ("某银行股份有限公司", BANK), (f"借款人{i}", rid(f"3101151980010{i}111")), amount=str(1000 * i),
               filed_on=f"2023-0{i}-01") for i in (1, 2, 3)],
        debt(NO(10), ("郑十一", rid("31011519750808808")), ("借款人1", rid("31011519800101111")), amount="90",
             filed_on="2024-03-03"),
        debt(NO(11), ("陈十二", rid("31011519760909909")), ("张某", ""), amount="60", filed_on="2024-04-04"),
        debt(NO(12), ("冯十三", rid("31011519771010101")), ("王五", WANG[:6] + "********" + WANG[-4:]), amount="40",
             filed_on="2020-01-01"),
        # 欧阳振华, without an ID, owes two companies: one person, perhaps (a candidate for review)
        debt(NO(13), ("上海乙有限公司", ""), ("欧阳振华", ""), amount="5000", filed_on="2024-05-05"),
        debt(NO(14), ("上海丙有限公司", ""), ("欧阳振华", ""), amount="6000", filed_on="2024-06-06"),
    ]
    cases = [c for cs, _ in rows for c in cs]
    parties = [p for _, ps in rows for p in ps]
    assets = [{"case_no": NO(1), "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"},
              {"case_no": NO(2), "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"},
              {"case_no": NO(5), "asset_id": "沪(2020)宝山区不动产权第0000001号", "asset_type": "不动产", "action": "查封"},
              {"case_no": NO(6), "asset_id": "沪(2020)宝山区不动产权第0000001号", "asset_type": "不动产", "action": "冻结"}]
    judges = [{"judge": "许法官", "team": "执行一组", "capacity": "30"}]
    return cases, parties, assets, judges


HOUSE = "asset:沪(2020)宝山区不动产权第0000001号"


@pytest.fixture(scope="module")
def court(tmp_path_factory):
    cases, parties, assets, judges = court_rows()
    return write_export(tmp_path_factory.mktemp("court") / "export", cases, parties, assets, judges)


@pytest.fixture(scope="module")
def court_engine(court):
    _, resolved, graph = prepare(court, options=OPTIONS)
    engine = open_engine("embedded", graph, records=resolved.records)
    engine.ready_to_explore()
    return engine


class Store:
    """The session's Neo4j, holding one export at a time for this module."""

    def __init__(self, uri: str):
        self.uri = uri
        self.loaded = None
        self.engines = {}

    def engine(self, name: str, export, options=OPTIONS):
        if self.loaded != name:
            with ne.connect(self.uri) as db:
                ne.clear(db)
                pipeline.load(db, export)
            self.loaded = name
        if name not in self.engines:
            self.engines[name] = open_engine("neo4j", options=options, uri=self.uri)
            assert self.engines[name].ready_to_explore() is None
        return self.engines[name]


@pytest.fixture(scope="module")
def store(neo4j_server):
    s = Store(neo4j_server.uri)
    yield s
    for e in s.engines.values():
        e.close()


@pytest.fixture(params=["embedded", "neo4j"])
def engine(request, court, court_engine):
    if request.param == "embedded":
        return court_engine
    return request.getfixturevalue("store").engine("court", court)


def pid(engine, name):
    hits = [r for r in engine.search(name) if r["kind"] == "party" and r["name"] == name and r["match"] == "exact"]
    assert len(hits) == 1, hits
    return hits[0]["id"]


def ids(nodes, kind=None):
    return sorted(n["id"] for n in nodes if kind is None or n["kind"] == kind)


# -- search ----------------------------------------------------------------------

def test_search_finds_a_case_however_its_number_is_typed(engine):
    for typed in (NO(1), "(2024)沪0113执1号", "〔2024〕沪0113执１号", " （2024）沪0113 执1号 "):
        first = engine.search(typed)[0]
        assert (first["id"], first["kind"], first["match"]) == ("case:" + NO(1), "case", "exact")
    # a part of a number finds every case holding it, in the order of the text (执10号 before 执1号)
    assert [r["id"] for r in engine.search("(2024)沪0113执1") if r["kind"] == "case"] == \
        ["case:" + NO(n) for n in (10, 11, 12, 13, 14, 1)]


def test_search_finds_a_party_by_name_ids_and_part_of_a_name(engine):
    wang = pid(engine, "王五")
    by_name = engine.search("王五")[0]
    assert by_name["id"] == wang and by_name["n_cases"] == 4 and by_name["n_debtor_cases"] == 4
    assert by_name["id_masked"] == WANG[:6] + "********" + WANG[-4:] and by_name["party_kind"] == C.PERSON
    # a full ID number finds its party through the keyed hash; it comes back nowhere
    found = engine.search(WANG)
    assert [r["id"] for r in found] == [wang] and WANG not in json.dumps(found, ensure_ascii=False)
    assert engine.search(WANG.lower())[0]["id"] == wang
    assert engine.search(WANG[:6] + "********" + WANG[-4:])[0]["id"] == wang
    assert engine.search(wang[6:])[0]["id"] == wang
    assert engine.search(rid("11010119900101123")) == []  # a valid ID nobody has
    # part of a name: the busiest first
    partial = [r for r in engine.search("借款人") if r["kind"] == "party"]
    assert [r["name"] for r in partial][0] == "借款人1" and {r["match"] for r in partial} == {"partial"}
    assert len(partial) == 3
    # one character is looked up whole only: 王 is nobody's name here
    assert engine.search("王") == []


def test_search_finds_an_asset_and_says_how_each_matched(engine):
    car = engine.search("沪A12345")
    assert car[0] == {**car[0], "id": "asset:沪A12345", "kind": "asset", "asset_type": "车辆", "n_cases": 2,
                      "match": "exact"}
    assert [r["id"] for r in engine.search("不动产权第0000001")] == [HOUSE]
    assert len(engine.search("执", limit=3)) == 0  # one character
    assert len(engine.search("沪0113执", limit=3)) == 3


# -- details ---------------------------------------------------------------------

def test_details_of_a_party_say_its_cases_by_role_and_why_it_is_one(engine):
    wang = pid(engine, "王五")
    d = engine.node(wang)
    assert [c["case_no"] for c in d["cases"]] == [NO(1), NO(2), NO(3), NO(12)]  # newest first
    assert {c["case_no"]: c["roles"] for c in d["cases"]}[NO(2)] == [C.DEBTOR]
    assert d["totals"][C.DEBTOR] == {"n_cases": 4, "amount": 3840.5, "n_open": 2}
    assert d["totals"][C.APPLICANT] == {"n_cases": 0, "amount": 0.0, "n_open": 0}
    rules = {r["rule"]: r for r in d["rules"]}
    assert set(rules) == {"same_resident_id", "masked_id_and_name"}
    assert rules["same_resident_id"]["n_records"] == 3 and rules["same_resident_id"]["names"] == ["王五"]
    assert WANG not in json.dumps(d, ensure_ascii=False)
    anonymous = engine.node(pid(engine, "张某"))
    assert [r["rule"] for r in anonymous["rules"]] == ["unidentified"] and anonymous["id_masked"] == ""


def test_details_of_a_case_and_an_asset(engine):
    d = engine.node("case:" + NO(1))
    assert (d["cause"], d["amount"], d["status"], d["judge"], d["team"], d["open"]) == \
        ("民间借贷纠纷", 1000.0, "执行中", "许法官", "执行一组", True)
    assert [(p["name"], p["roles"]) for p in d["parties"]] == [("张三", [C.APPLICANT]), ("王五", [C.DEBTOR])]
    assert [(a["asset_id"], a["actions"]) for a in d["assets"]] == [("沪A12345", ["查封"])]
    bundle = d["bundle"]
    assert bundle["n_cases"] == 5 and bundle["bundle_id"].startswith("B")  # 执1 2 3 4 12: 王五, 张三 and the car
    house = engine.node(HOUSE)
    assert [(c["case_no"], c["actions"]) for c in house["cases"]] == [(NO(6), ["冻结"]), (NO(5), ["查封"])]
    with pytest.raises(NotFound):
        engine.node("case:（2024）沪0113执99号")
    with pytest.raises(NotFound, match="not a node id"):
        engine.node("P123")


def test_bundle_is_the_findings_bundle(engine, court_engine):
    b = engine.bundle("case:" + NO(4))
    table = court_engine.findings()["bundles"]
    same = table[table["bundle_id"] == b["bundle_id"]]
    assert b["case_nos"] == sorted(same["case_no"]) == sorted(NO(n) for n in (1, 2, 3, 4, 12))
    assert set(b["links"]) == {pid(engine, "王五"), pid(engine, "张三"), "asset:沪A12345"}
    # the bank links nothing: its cases are no bundle
    assert engine.bundle("case:" + NO(8)) == {"bundle_id": None, "case_nos": [NO(8)], "links": []}


# -- expanding -------------------------------------------------------------------

def test_expand_a_debtor_shows_its_cases_newest_first(engine):
    wang = pid(engine, "王五")
    e = engine.expand(wang)
    assert ids(e["nodes"]) == sorted("case:" + NO(n) for n in (1, 2, 3, 12))
    assert [n["case_no"] for n in e["nodes"]] == [NO(1), NO(2), NO(3), NO(12)]
    assert (e["total"], e["more"], e["hidden"]) == (4, 0, 0)
    assert {(x["from"], x["to"], x["role"]) for x in e["edges"]} == {(wang, "case:" + NO(n), C.DEBTOR) for n in (1, 2, 3, 12)}


def test_expand_pages_and_summarises_the_rest(engine):
    wang = pid(engine, "王五")
    first = engine.expand(wang, limit=3)
    assert (len(first["nodes"]), first["more"]) == (3, 1)
    rest = engine.expand(wang, limit=3, offset=3)
    assert [n["case_no"] for n in rest["nodes"]] == [NO(12)] and rest["more"] == 0


def test_expand_with_filters(engine):
    wang = pid(engine, "王五")
    open_only = engine.expand(wang, A.Filters(open_only=True))
    assert [n["case_no"] for n in open_only["nodes"]] == [NO(1), NO(12)] and open_only["hidden"] == 2
    assert all(n["open"] for n in open_only["nodes"])
    assert [n["case_no"] for n in engine.expand(wang, A.Filters(cause="买卖"))["nodes"]] == [NO(3)]
    assert [n["case_no"] for n in engine.expand(wang, A.Filters(amount_min=500, amount_max=2000))["nodes"]] == [NO(1)]
    assert [n["case_no"] for n in engine.expand(wang, A.Filters(year_from=2021, year_to=2023))["nodes"]] == [NO(2), NO(3)]
    assert engine.expand(wang, A.Filters(role=C.APPLICANT))["nodes"] == []
    # from a case: its parties by role, applicants first, then its assets
    sides = engine.expand("case:" + NO(1))
    assert [n["label"] for n in sides["nodes"]] == ["张三", "王五", "沪A12345"]
    assert [n["label"] for n in engine.expand("case:" + NO(1), A.Filters(role=C.DEBTOR))["nodes"]] == ["王五", "沪A12345"]
    bank_case = engine.expand("case:" + NO(7), A.Filters(hide_mass=True))
    assert [n["label"] for n in bank_case["nodes"]] == ["借款人1"] and bank_case["hidden"] == 1
    with pytest.raises(InputError, match="year_from"):
        A.Filters.from_params({"year_from": "二〇二四"})


# -- paths -------------------------------------------------------------------------

def test_path_between_two_cases_that_share_an_asset_runs_through_it(engine):
    p = engine.path("case:" + NO(5), "case:" + NO(6))
    assert p["paths"] == [["case:" + NO(5), HOUSE, "case:" + NO(6)]] and p["hops"] == 2 and p["n_paths"] == 1
    assert {(e["from"], e["to"], e["role"]) for e in p["edges"]} == {(HOUSE, "case:" + NO(5), "查封"),
                                                                       (HOUSE, "case:" + NO(6), "冻结")}


def test_path_between_parties_lists_every_shortest_path(engine):
    wang, zhang = pid(engine, "王五"), pid(engine, "张三")
    p = engine.path(zhang, wang)
    assert p["paths"] == [[zhang, "case:" + NO(1), wang]]
    li = pid(engine, "李四")
    p = engine.path(li, "case:" + NO(2))
    # 李四 – 执4 – 张三 – 执1 – 王五/the car – 执2: two shortest paths of 5 steps
    assert p["hops"] == 5 and p["n_paths"] == 2
    assert [path[4] for path in p["paths"]] == sorted([wang, "asset:沪A12345"])
    assert engine.path(li, "case:" + NO(2), max_hops=4)["paths"] == []
    with pytest.raises(InputError, match="max_hops"):
        engine.path(li, wang, max_hops=40)


def test_path_is_not_made_through_a_mass_applicant(engine):
    bank = pid(engine, "某银行股份有限公司")
    assert engine.path("case:" + NO(7), "case:" + NO(8), max_hops=12)["paths"] == []
    # the bank itself is an end: its own cases reach it
    assert engine.path(bank, "case:" + NO(10))["paths"] == [[bank, "case:" + NO(7), pid(engine, "借款人1"),
                                                             "case:" + NO(10)]]
    assert engine.path(bank, bank)["paths"] == [[bank]]


def test_subgraph_with_sides(engine):
    sub = engine.subgraph(["case:" + NO(5), "party:Pnobody"], with_sides=True)
    # the unknown id is left out; the case comes with its two parties and its house
    assert sorted(n["label"] for n in sub["nodes"]) == sorted([NO(5), "沪(2020)宝山区不动产权第0000001号", "钱七", "孙八"])
    assert [n["id"] for n in sub["nodes"]] == sorted(n["id"] for n in sub["nodes"])
    assert sorted(e["role"] for e in sub["edges"]) == ["applicant", "debtor", "查封"]


# -- parity ------------------------------------------------------------------------

def questions(graph, rng: random.Random, n: int = 40):
    """Questions an analyst asks of a graph: searches, details, expansions
    with filters, paths and bundles, by name."""
    parties = sorted(graph.parties["party_id"])
    cases = sorted(graph.cases["case_no"])
    assets = sorted(graph.assets["asset_id"].unique())
    names = sorted(graph.parties["name"].unique())
    nodes = ([f"party:{p}" for p in rng.sample(parties, min(n, len(parties)))]
             + [f"case:{c}" for c in rng.sample(cases, min(n, len(cases)))]
             + [f"asset:{a}" for a in rng.sample(assets, min(n // 2, len(assets)))])
    texts = rng.sample(names, min(n, len(names))) + [x[:2] for x in rng.sample(names, 10)] + \
        [c.replace("（", "(").replace("）", ")") for c in rng.sample(cases, 5)] + \
        [c[6:12] for c in rng.sample(cases, 5)] + [a[2:8] for a in rng.sample(assets, min(5, len(assets)))] + \
        [m for m in graph.parties["id_masked"].head(5) if m]
    filters = [A.NO_FILTERS, A.Filters(open_only=True), A.Filters(role=C.DEBTOR, year_from=2021),
               A.Filters(amount_min=10_000, cause="纠纷"), A.Filters(role=C.APPLICANT, hide_mass=True)]
    asks = [(f"search {t}", lambda e, t=t: e.search(t)) for t in texts]
    asks += [(f"node {x}", lambda e, x=x: e.node(x)) for x in nodes]
    asks += [(f"expand {x} {f}", lambda e, x=x, f=f: e.expand(x, f, limit=4, offset=1)) for x in nodes for f in filters]
    asks += [(f"bundle {x}", lambda e, x=x: e.bundle(x)) for x in nodes if x.startswith("case:")]
    pairs = [tuple(rng.sample(nodes, 2)) for _ in range(n)]
    # and pairs that are connected: two cases of one bundle, a party and a case of that bundle
    bundles = bundles_from_links(graph.links()).groupby("bundle_id")["case_no"].apply(sorted).tolist()
    for members in rng.sample(bundles, min(n // 2, len(bundles))):
        a, b = rng.sample(members, 2)
        pairs.append((f"case:{a}", f"case:{b}"))
        roles = graph.roles[graph.roles["case_no"] == a]
        pairs.append((f"party:{roles['party_id'].iloc[0]}", f"case:{b}"))
    asks += [(f"path {a} {b}", lambda e, a=a, b=b: e.path(a, b, 8)) for a, b in pairs]
    asks.append(("subgraph", lambda e: e.subgraph(nodes, with_sides=True)))
    return asks


def assert_same_answers(one, other, asks):
    differ = []
    for what, ask in asks:
        a, b = ask(one), ask(other)
        if a != b:
            differ.append(f"{what}: {json.dumps(a, ensure_ascii=False)[:300]} != {json.dumps(b, ensure_ascii=False)[:300]}")
    assert differ == [], "\n".join(differ[:5])


def test_both_engines_answer_alike_on_the_court(court, court_engine, store):
    neo = store.engine("court", court)
    asks = questions(court_engine.graph, random.Random(3), n=15)
    assert_same_answers(court_engine, neo, asks)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample") / "export"
    make_sample(800, folder)
    _, resolved, graph = prepare(folder)
    return folder, open_engine("embedded", graph, records=resolved.records)


def test_both_engines_answer_alike_on_a_sample(sample, store):
    folder, embedded = sample
    neo = store.engine("sample", folder, options=C.Options())
    asks = questions(embedded.graph, random.Random(11), n=25)
    assert_same_answers(embedded, neo, asks)
    # the questions were worth asking: paths were found, expansions paged, searches matched
    found = [ask(embedded) for what, ask in asks if what.startswith("path")]
    assert sum(bool(p["paths"]) for p in found) >= 10 and max(p["hops"] or 0 for p in found) >= 3
    assert sum(bool(ask(embedded)) for what, ask in asks if what.startswith("search")) >= 30


# -- views -----------------------------------------------------------------------------

def test_views_of_a_bundle_a_debtor_and_an_offset(engine, court_engine):
    b = views.bundle_view(engine, "case:" + NO(4))
    # the bundle's cases and what ties them; the one-off applicants (赵六, 上海甲公司, …) are left out
    assert ids(b["nodes"], "case") == sorted("case:" + NO(n) for n in (1, 2, 3, 4, 12))
    assert sorted(n["label"] for n in b["nodes"] if n["kind"] != "case") == ["张三", "沪A12345", "王五"]
    assert b["title"].startswith("案件群 B") and b["more"] == 0
    d = views.debtor_view(engine, pid(engine, "王五"))
    assert len(ids(d["nodes"], "case")) == 4 and "上海甲公司" in {n["label"] for n in d["nodes"]}
    with pytest.raises(NotFound):
        views.debtor_view(engine, pid(engine, "张三"))
    findings = views.Findings(engine)
    summary = findings.summary()
    # 王五's five cases; 执5–6 (the house); 执7 and 执10 (借款人1, not the bank)
    assert summary["counts"]["bundles"] == 3 and [b["n_cases"] for b in summary["bundles"]] == [5, 2, 2]
    assert summary["bundles"][0]["id"] == "case:" + NO(12)  # its first case number
    assert summary["common_debtors"][0]["name"] == "王五"


# -- the server ---------------------------------------------------------------------------

def raw(url: str, headers: dict | None = None, method: str = "GET", data: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read() or b"{}") if "json" in r.headers.get("content-type", "") else {}
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_server_refuses_what_is_not_its_own_page(court_engine):
    with running(court_engine) as x:
        assert x.base.startswith("http://127.0.0.1:")
        q = "/api/search?q=%E7%8E%8B%E4%BA%94"
        assert x.get("/api/search", q="王五")["results"][0]["name"] == "王五"
        assert raw(f"{x.base}{q}&token={x.token}")[0] == 200
        assert raw(f"{x.base}{q}", {"Authorization": f"token {x.token}"})[0] == 200
        status, body = raw(f"{x.base}{q}")
        assert status == 403 and "token" in body["error"]
        assert raw(f"{x.base}{q}&token={x.token[:-1]}")[0] == 403
        status, body = raw(f"{x.base}{q}&token={x.token}", {"Origin": "http://evil.example"})
        assert status == 403 and "another origin" in body["error"]
        assert raw(f"{x.base}{q}&token={x.token}", {"Origin": "null"})[0] == 403
        assert raw(f"{x.base}{q}&token={x.token}", {"Host": "evil.example"})[0] == 403  # DNS rebinding
        assert raw(f"{x.base}{q}&token={x.token}", {"Sec-Fetch-Site": "cross-site"})[0] == 403
        assert raw(f"{x.base}/?token={x.token}", {"Origin": x.base})[0] == 200
        # a change must come as JSON from the page's own origin: no form can send one
        status, body = raw(f"{x.base}/api/search?token={x.token}", {"Content-Type": "application/x-www-form-urlencoded"},
                           "POST", b"q=1")
        assert status == 403 and "JSON" in body["error"]
        assert len(x.guard.refused) >= 7
        # the answers can be neither framed nor read by another origin
        with urllib.request.urlopen(x.url, timeout=60) as r:
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
            assert r.headers["Access-Control-Allow-Origin"] is None and r.headers["X-Frame-Options"] == "DENY"
        # bad questions are one line each
        assert x.get("/api/node", id="case:nope") == {"status": 404, "error": "case 'nope' is not in the export"}
        assert x.get("/api/expand", id="party:P1", year_from="x")["status"] == 400
        assert x.get("/api/path", **{"from": "case:" + NO(5)})["error"] == "give to="
        assert x.get("/api/view", kind="bundle", id="case:" + NO(5))["title"].startswith("案件群")


def test_review_records_a_decision_that_the_next_run_honours(engine, court, tmp_path):
    path = tmp_path / "decisions.csv"
    with running(engine, decisions=path) as x:
        found = x.get("/api/candidates")
        assert found["total"] == 1 and found["file"] == "decisions.csv"
        c = found["candidates"][0]
        assert (c["names"], c["n_cases"], c["case_nos"], c["decision"]) == ("欧阳振华", 2, [NO(13), NO(14)], None)
        view = x.get("/api/view", kind="candidate", id=c["candidate_id"])
        assert sorted(n["label"] for n in view["nodes"] if n["kind"] == "party") == \
            ["上海丙有限公司", "上海乙有限公司", "欧阳振华", "欧阳振华"]
        assert x.post("/api/decisions", {"candidate_id": c["candidate_id"], "decision": "maybe"})["status"] == 400
        assert x.post("/api/decisions", {"candidate_id": "C000", "decision": "same"})["status"] == 404
        assert not path.exists()
        # a change comes as JSON from the page's own origin, or not at all
        status, _ = raw(f"{x.base}/api/decisions", {"X-Casegraph-Token": x.token, "Content-Type": "application/json"},
                        "POST", json.dumps({"candidate_id": c["candidate_id"], "decision": "same"}).encode())
        assert status == 403 and not path.exists()
        done = x.post("/api/decisions", {"candidate_id": c["candidate_id"], "decision": "同一人", "by": "=书记员甲"})
        assert done == {"candidate_id": c["candidate_id"], "decision": "same", "file": "decisions.csv"}
        assert x.get("/api/candidates")["candidates"][0]["decision"] == "same"
    rows, problems = decisions.read(path)
    assert problems == [] and rows[["candidate_id", "decision", "by", "names"]].values.tolist() == \
        [[c["candidate_id"], "same", "'=书记员甲", "欧阳振华"]]
    # the next run takes them as one person
    _, resolved, graph = prepare(court, options=OPTIONS, decisions=path)
    again = open_engine("embedded", graph, records=resolved.records)
    one = again.search("欧阳振华")
    assert [(r["n_cases"], r["match"]) for r in one] == [(2, "exact")]
    assert "clerk_confirmed" in {r["rule"] for r in again.node(one[0]["id"])["rules"]}
    # without a decisions file the panel is read-only
    with running(engine) as x:
        assert x.get("/api/candidates")["file"] is None
        assert "--decisions" in x.post("/api/decisions", {"candidate_id": c["candidate_id"], "decision": "same"})["error"]


def test_explore_command_prints_its_address_first_and_logs_no_id(court, tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "casegraph.cli", "explore", str(court), "--no-browser",
                             "--hub-threshold", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        first = proc.stdout.readline().strip()
        m = re.fullmatch(r"(http://127\.0\.0\.1:\d+)/\?token=([\w-]{40,})", first)
        assert m, first
        base, token = m.groups()
        status, body = raw(f"{base}/api/search?q={WANG}&token={token}")
        assert status == 200 and body["results"][0]["name"] == "王五"
        assert raw(f"{base}/api/search?q={WANG}")[0] == 403
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert WANG not in out + err and token not in err
    assert "building the search indexes" in err and err.endswith("stopped\n") and proc.returncode == 0
    assert "Traceback" not in err
    bad = subprocess.run([sys.executable, "-m", "casegraph.cli", "explore"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "give SOURCE" in bad.stderr


# -- the page, in headless Chromium ------------------------------------------------------------

def until(page, js: str, timeout: float = 60):
    """Poll ``js`` until it is true. (Playwright's wait_for_function evaluates
    a string, which the page's Content-Security-Policy rightly forbids.)"""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = page.evaluate(js)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never true: {js}")


def shown(page, kind: str | None = None) -> list[dict]:
    """The nodes the page shows (after its filters)."""
    return page.evaluate("""kind => window.casegraph.nodes.get()
        .filter(n => n.data && (kind === null || n.data.kind === kind)).map(n => n.data)""", kind)


def double_click(page, node_id: str) -> None:
    """Double-click a node where the canvas draws it."""
    x, y = page.evaluate("""id => {
        const net = window.casegraph.network;
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.getElementById('network').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", node_id)
    page.mouse.dblclick(x, y)


def search_and_pick(page, text: str, node_id: str, label: str) -> None:
    """Search, pick ``node_id`` among the results, and wait for its details."""
    page.fill("#q", text)
    page.press("#q", "Enter")
    page.click(f"#results li[data-id='{node_id}']")
    until(page, f"window.casegraph.all.get({json.dumps(node_id)}) !== null")
    until(page, f"(document.querySelector('#details h3') || {{}}).textContent === {json.dumps(label)}")


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def test_page_search_expand_filter_path_export(engine, browser, tmp_path):
    with running(engine, where="court", decisions=tmp_path / "decisions.csv") as x:
        p = browser.new_page(allow=(x.base + "/",))
        page = p.page
        page.goto(x.url)
        until(page, "window.casegraph && window.casegraph.ready")
        wang = pid(engine, "王五")

        # search for a debtor, then expand it (a double-click): its cases appear
        search_and_pick(page, "王五", wang, "王五")
        assert WANG[:6] + "********" + WANG[-4:] in page.inner_text("#details")
        assert "同一有效居民身份证号" in page.inner_text("#details")
        until(page, "window.casegraph.network.getPositions().hasOwnProperty(" + json.dumps(wang) + ")")
        time.sleep(0.5)
        double_click(page, wang)
        until(page, "window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case').length === 4")
        assert sorted(n["case_no"] for n in shown(page, "case")) == sorted(NO(n) for n in (1, 2, 3, 12))
        assert "显示 4 / 4" in page.inner_text("#status")
        p.screenshot(f"explore-expanded-{engine.name}")

        # filter to open cases: the closed ones leave the picture
        page.check("#f-open")
        until(page, "window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case').length === 2")
        assert all(n["open"] for n in shown(page, "case"))
        assert "隐藏了图中 2 件案件" in page.inner_text("#filter-note")
        page.uncheck("#f-open")
        until(page, "window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case').length === 4")

        # how are two cases that share an asset connected? the asset is on the path
        search_and_pick(page, "(2024)沪0113执5号", "case:" + NO(5), NO(5))
        page.click("#act-from")
        search_and_pick(page, "(2024)沪0113执6号", "case:" + NO(6), NO(6))
        page.click("#act-to")
        page.click("#find-path")
        until(page, "document.querySelector('#path-result ol') !== null")
        assert "沪(2020)宝山区不动产权第0000001号" in [n["label"] for n in shown(page)]
        assert "最短 2 步，共 1 条" in page.inner_text("#path-result")
        assert "不动产" in page.inner_text("#path-result ol")

        # collapse, pin and remove
        page.evaluate(f"window.casegraph.collapse({json.dumps(wang)})")
        until(page, "window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case').length === 2")
        page.evaluate(f"window.casegraph.pin({json.dumps(wang)})")
        assert page.evaluate(f"window.casegraph.all.get({json.dumps(wang)}).fixed.x") is True
        page.evaluate(f"window.casegraph.remove({json.dumps(wang)})")
        assert page.evaluate(f"window.casegraph.all.get({json.dumps(wang)})") is None

        # export: a PNG of the canvas and a CSV of the cases in view
        with page.expect_download() as d:
            page.click("#export-png")
        png = tmp_path / "view.png"
        d.value.save_as(png)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
        with page.expect_download() as d:
            page.click("#export-csv")
        csv = tmp_path / "view.csv"
        d.value.save_as(csv)
        text = csv.read_text(encoding="utf-8-sig")
        assert text.splitlines()[0] == "案号,案由,申请执行标的金额,案件状态,承办法官,立案日期"
        assert {line.split(",")[0] for line in text.splitlines()[1:]} == {NO(5), NO(6)}

        # a view: the bundle of 执4, from the findings panel
        page.click("#show-findings")
        page.click("#panel-body button")
        until(page, "window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case').length === 5")
        assert page.inner_text("#status").startswith("案件群 B")
        p.screenshot(f"explore-bundle-{engine.name}")

        # confirm a candidate for review: the decision lands in the file
        page.click("#show-review")
        until(page, "document.querySelector('#panel-body table') !== null")
        assert "欧阳振华" in page.inner_text("#panel-body")
        page.fill("#review-by", "书记员甲")
        page.click("#panel-body button:text('同一人')")
        until(page, "document.querySelector('#panel-body .decision').textContent.startsWith('已记录')")
        rows, problems = decisions.read(tmp_path / "decisions.csv")
        assert rows[["names", "decision", "by"]].values.tolist() == [["欧阳振华", "same", "书记员甲"]] and not problems

        # no request left 127.0.0.1, nothing failed on the page
        assert p.problems == []


def test_page_without_token_and_foreign_pages_are_refused(court_engine, browser):
    with running(court_engine) as x:
        p = browser.new_page(allow=(x.base + "/", "http://127.0.0.1:"))
        response = p.page.goto(x.base + "/")
        assert response.status == 403 and "token" in p.page.inner_text("body")
        # another page in the same browser knows the address and even the token: it still reads nothing
        evil = (f"<html><body><script>fetch({json.dumps(x.base + '/api/search?q=' + '王五' + '&token=' + x.token)})"
                ".then(r => r.text()).then(t => { document.title = 'read ' + t; }, e => { document.title = 'blocked'; });"
                "</script></body></html>").encode()

        class Evil(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(evil)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            before = len(x.guard.refused)
            q = browser.new_page(allow=("http://127.0.0.1:",))
            q.page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            until(q.page, "document.title !== ''")
            assert q.page.title() == "blocked"
            assert any("another origin" in why for _, _, why in list(x.guard.refused)[before:])
        finally:
            server.shutdown()
