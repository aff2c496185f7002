"""casegraph show: neighbourhood selection on hand-drawn exports, the page it
writes, and the page in headless Chromium."""
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from browser import Browser
from casegraph import contract as C
from casegraph import pipeline
from casegraph.pipeline import prepare
from casegraph import pictures as S
from casegraph.cli import main
from casegraph.engines import open_engine
from casegraph.errors import NotFound
from handmade import BANK, CO_A, LI, WANG, ZHANG, case, combine, debt, graph_of, party, rid, write_export

ZHAO = rid("31011519700303303")
QIAN = rid("31011519710404404")
SUN = rid("31011519720505505")


def wang_web():
    """王某某 (WANG) owes in three cases; ZHANG, who applies against him, also
    applies against LI; a car is attached in two of WANG's cases; a fourth,
    unrelated case stands alone."""
    cases, parties = combine(
        debt("（2024）沪0113执1号", ("张三", ZHANG), ("王五", WANG), amount="1000", judge="许法官"),
        debt("（2024）沪0113执2号", ("上海甲公司", CO_A), ("王五", WANG), amount="2500.5", status="终结本次执行"),
        debt("（2024）沪0113执3号", ("赵六", ZHAO), ("王五", WANG), amount="300"),
        debt("（2024）沪0113执4号", ("张三", ZHANG), ("李四", LI), amount="700"),
        debt("（2024）沪0113执5号", ("钱七", QIAN), ("孙八", SUN), amount="50"),
    )
    assets = [{"case_no": "（2024）沪0113执1号", "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"},
              {"case_no": "（2024）沪0113执2号", "asset_id": "沪A12345", "asset_type": "车辆", "action": "查封"}]
    return cases, parties, assets


@pytest.fixture
def web(tmp_path):
    cases, parties, assets = wang_web()
    clean, resolved, graph = graph_of(tmp_path, cases, parties, assets)
    return resolved, graph


def pid_of(graph, name):
    return graph.parties.loc[graph.parties["name"] == name, "party_id"].item()


def kinds(g):
    return {n: d["kind"] for n, d in g.nodes(data=True)}


def test_case_one_hop_is_its_parties_assets_and_judge(web):
    _, graph = web
    g = S.neighbourhood(graph, case="（2024）沪0113执1号", hops=1)
    names = {d.get("name") for _, d in g.nodes(data=True) if d["kind"] in ("person", "organisation")}
    assert names == {"张三", "王五"}
    assert "asset:沪A12345" in g and "judge:许法官" in g
    assert [n for n, k in kinds(g).items() if k == "case"] == ["case:（2024）沪0113执1号"]
    assert g.nodes["case:（2024）沪0113执1号"]["start"] is True
    assert not g.graph["cut"]


def test_case_two_hops_reach_the_related_cases(web):
    _, graph = web
    g = S.neighbourhood(graph, case="（2024）沪0113执1号", hops=2)
    cases = {n for n, k in kinds(g).items() if k == "case"}
    # through 王五 (执2, 执3), the car (执2) and 张三 (执4); never the unrelated 执5
    assert cases == {f"case:（2024）沪0113执{i}号" for i in (1, 2, 3, 4)}
    # fringe cases come without their other parties: 李四 is 3 hops away
    assert "李四" not in {d.get("name") for _, d in g.nodes(data=True)}
    assert "李四" in {d.get("name") for _, d in S.neighbourhood(graph, case="（2024）沪0113执1号", hops=3).nodes(data=True)}


def test_party_neighbourhood_and_edges_carry_role_and_amount(web):
    _, graph = web
    wang = pid_of(graph, "王五")
    g = S.neighbourhood(graph, party=wang, hops=1)
    assert {n for n, k in kinds(g).items() if k == "case"} == {f"case:（2024）沪0113执{i}号" for i in (1, 2, 3)}
    e = g.edges[f"party:{wang}", "case:（2024）沪0113执2号"]
    assert e["role"] == C.DEBTOR and e["amount"] == pytest.approx(2500.5)
    assert g.nodes[f"party:{wang}"]["n_debtor_cases"] == 3


def test_mass_applicant_is_drawn_but_not_passed_through(tmp_path):
    # a bank applying in 3 cases with hub_threshold 2: its other borrowers stay out
    cases, parties = combine(*[debt(f"（2024）沪0113执{i}号", ("某银行股份有限公司", BANK), (f"借款人{i}", rid(f"3101151980010{i}111")))
                               for i in range(1, 4)])
    _, _, graph = graph_of(tmp_path, cases, parties, options=C.Options(hub_threshold=2))
    g = S.neighbourhood(graph, case="（2024）沪0113执1号", hops=4)
    assert {n for n, k in kinds(g).items() if k == "case"} == {"case:（2024）沪0113执1号"}
    bank = f"party:{pid_of(graph, '某银行股份有限公司')}"
    assert g.nodes[bank]["mass_applicant"] is True
    assert "mass applicant" in S.node_view(bank, g.nodes[bank])["title"]
    # asked about directly, the bank shows all its cases
    g = S.neighbourhood(graph, party=bank[6:], hops=1)
    assert sum(k == "case" for k in kinds(g).values()) == 3


def star_export(tmp_path, n=40):
    """One debtor in ``n`` cases, each with its own applicant and a second debtor."""
    debtor = ("王五", WANG)
    parts = [debt(f"（2024）沪0113执{i}号", (f"申请人{i}", rid(f"310115198001{i:02d}111")), debtor, amount=str(100 * i))
             for i in range(1, n + 1)]
    cases, parties = combine(*parts)
    parties += [party(f"（2024）沪0113执{i}号", "被执行人", f"担保人{i}", rid(f"320506198001{i:02d}222")) for i in range(1, n + 1)]
    return cases, parties


def test_too_large_is_cut_to_the_most_connected_part(tmp_path):
    cases, parties = star_export(tmp_path)
    _, _, graph = graph_of(tmp_path, cases, parties)
    start = "（2024）沪0113执7号"
    g = S.neighbourhood(graph, case=start, hops=2, max_nodes=25)
    # the start, its 3 parties, and 王五's 39 other cases
    assert g.graph["cut"] and g.graph["total_nodes"] == 1 + 3 + 39
    shown = g.subgraph(n for n, d in g.nodes(data=True) if d["kind"] != "judge")
    assert shown.number_of_nodes() == 25 == g.graph["shown_nodes"]
    assert nx.is_connected(shown) and f"case:{start}" in shown
    # the common debtor, the most connected node, is kept
    assert f"party:{pid_of(graph, '王五')}" in shown


def test_cut_total_counts_the_whole_neighbourhood(tmp_path):
    cases, parties = star_export(tmp_path)
    _, _, graph = graph_of(tmp_path, cases, parties)
    full = S.neighbourhood(graph, case="（2024）沪0113执7号", hops=2, max_nodes=10_000)
    cut = S.neighbourhood(graph, case="（2024）沪0113执7号", hops=2, max_nodes=25)
    assert not full.graph["cut"] and cut.graph["total_nodes"] == full.graph["shown_nodes"]


def test_find_party_by_id_masked_id_name_and_ambiguity(web, tmp_path):
    resolved, graph = web
    wang = pid_of(graph, "王五")
    source = S.GraphSource(graph, resolved.records)
    assert S.find_party(source, wang) == wang
    assert S.find_party(source, WANG) == wang
    assert S.find_party(source, WANG.lower()[:-1] + WANG[-1].lower()) == wang
    assert S.find_party(source, WANG[:6] + "*" * 8 + WANG[-4:]) == wang
    assert S.find_party(source, "王五") == wang
    with pytest.raises(NotFound, match="no party named '周九' in the export"):
        S.find_party(source, "周九")
    with pytest.raises(NotFound, match="no party has that ID"):
        S.find_party(source, rid("11010119900101123"))
    # without the records a full ID number finds nobody, and the message does not repeat it
    with pytest.raises(NotFound, match="no party has that ID") as e:
        S.find_party(S.GraphSource(graph), WANG)
    assert WANG not in str(e.value)
    # two different people named 王伟: refused, both listed
    cases, parties = combine(debt("（2024）沪0113执1号", ("张三", ZHANG), ("王伟", WANG)),
                             debt("（2024）沪0113执2号", ("张三", ZHANG), ("王伟", LI)))
    _, _, g2 = graph_of(tmp_path / "two", cases, parties)
    with pytest.raises(NotFound, match=r"2 parties match '王伟'.*\*{8}") as e:
        S.find_party(S.GraphSource(g2), "王伟")
    assert WANG not in str(e.value) and LI not in str(e.value)
    # the engine asks the same rules
    engine = open_engine("embedded", graph, records=resolved.records)
    assert engine.find_party(WANG) == wang and engine.find_case("(2024)沪0113执2号") == "（2024）沪0113执2号"


def test_find_case_accepts_what_clerks_type(web):
    _, graph = web
    assert S.find_case(S.GraphSource(graph), "〔2024〕沪0113 执 1号") == "（2024）沪0113执1号"
    with pytest.raises(NotFound, match="is not in the export"):
        S.find_case(S.GraphSource(graph), "（2024）沪0113执99号")


def test_looks_sizes_and_hover_text(web):
    _, graph = web
    wang = pid_of(graph, "王五")
    g = S.neighbourhood(graph, party=wang, hops=2)
    views = {n: S.node_view(n, d) for n, d in g.nodes(data=True)}
    shapes = {S.LOOKS[k].shape for k in ("case", "person", "organisation", "asset", "judge")}
    assert len(shapes) == 5 and len({l.color for l in S.LOOKS.values()}) == len(S.LOOKS)
    assert {v["shape"] for v in views.values()} == shapes
    zhang = f"party:{pid_of(graph, '张三')}"
    assert views[f"party:{wang}"]["size"] > views[zhang]["size"]  # 3 cases as debtor vs none
    assert "(3 cases)" in views[f"party:{wang}"]["label"]
    hover = views[f"party:{wang}"]["title"]
    assert WANG[:6] + "********" + WANG[-4:] in hover and WANG not in hover
    case_hover = views["case:（2024）沪0113执2号"]["title"]
    for want in ("（2024）沪0113执2号", "民间借贷纠纷", "¥2,500.50", "终结本次执行"):
        assert want in case_hover
    e = S.edge_view(f"party:{wang}", "case:（2024）沪0113执2号", g.edges[f"party:{wang}", "case:（2024）沪0113执2号"])
    assert e["label"] == "debtor ¥2,500.50" and (e["from"], e["to"]) == (f"party:{wang}", "case:（2024）沪0113执2号")
    e = S.edge_view("case:（2024）沪0113执2号", f"party:{pid_of(graph, '上海甲公司')}",
                    g.edges["case:（2024）沪0113执2号", f"party:{pid_of(graph, '上海甲公司')}"])
    assert e["label"].startswith("applicant") and e["from"] == "case:（2024）沪0113执2号"


def test_page_loads_nothing_from_the_internet(web, tmp_path):
    _, graph = web
    g = S.neighbourhood(graph, case="（2024）沪0113执1号", hops=2)
    page = S.render(g, tmp_path / "pages" / "a.html")
    text = page.read_text(encoding="utf-8")
    assert "http" not in text
    assert (tmp_path / "pages" / "lib" / "vis-network.min.js").stat().st_size > 100_000
    assert 'src="lib/vis-network.min.js"' in text and "Legend" in text
    # inline: one file; vis-network's own text names URLs (licence, SVG namespace) but nothing is fetched
    inline = S.render(g, tmp_path / "one" / "a.html", inline=True).read_text(encoding="utf-8")
    assert not (tmp_path / "one" / "lib").exists()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import""", inline)


def test_names_cannot_break_out_of_the_page(tmp_path):
    cases, parties = combine(debt("（2024）沪0113执1号", ("</script><script>alert(1)</script>", ZHANG), ("王五", WANG)))
    _, _, graph = graph_of(tmp_path, cases, parties)
    text = S.render(S.neighbourhood(graph, case="（2024）沪0113执1号"), tmp_path / "x.html").read_text(encoding="utf-8")
    assert "</script><script>alert" not in text


def test_cli_show_from_an_export(tmp_path):
    cases, parties, assets = wang_web()
    export = write_export(tmp_path / "export", cases, parties, assets)
    runner = CliRunner()
    res = runner.invoke(main, ["show", str(export), "--party", "王五", "--hops", "1", "--out", str(tmp_path / "w.html")])
    assert res.exit_code == 0, res.output
    assert "Party 王五: 3 cases" in res.output and (tmp_path / "w.html").exists()
    # a full ID number finds the party through the export's records, and is never echoed
    res = runner.invoke(main, ["show", str(export), "--party", WANG, "--hops", "1", "--out", str(tmp_path / "i.html")])
    assert res.exit_code == 0 and "Party 王五: 3 cases" in res.output and WANG not in res.output, res.output
    res = runner.invoke(main, ["show", str(export), "--case", "(2024)沪0113执4号", "--out", str(tmp_path / "c.html"),
                               "--inline"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["show", str(export), "--out", str(tmp_path / "n.html")])
    assert res.exit_code == 2 and "one of --case or --party" in res.output
    res = runner.invoke(main, ["show", str(export), "--party", "周九", "--out", str(tmp_path / "n.html")])
    assert res.exit_code != 0 and "no party named '周九'" in res.output and "Traceback" not in res.output
    # Without EXPORT show asks Neo4j, found as every command finds it: here no local server runs.
    res = runner.invoke(main, ["show", "--case", "x", "--out", str(tmp_path / "n.html")],
                        env={"NEO4J_URI": "", "CASEGRAPH_NEO4J_DATA": str(tmp_path / "no-server")})
    assert res.exit_code != 0 and "no local Neo4j runs on" in res.output and "NEO4J_URI" in res.output


# ----------------------------------------------------------------------------- in the browser

@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def test_page_in_chromium_draws_every_node_and_shows_hover(browser, web, tmp_path):
    _, graph = web
    wang = pid_of(graph, "王五")
    g = S.neighbourhood(graph, party=wang, hops=2)
    page = browser.open(S.render(g, tmp_path / "wang.html"))
    drawn = page.wait_for_network()
    assert drawn["nodes"] == g.number_of_nodes() == drawn["positioned"]
    assert drawn["edges"] == g.number_of_edges()
    assert drawn["ink"] > 500, "the canvas is blank"
    # hover the debtor: the tooltip shows the masked ID
    p = page.page
    xy = p.evaluate(f"() => {{ const n = window.casegraph.network; return n.canvasToDOM(n.getPositions(['party:{wang}'])['party:{wang}']); }}")
    box = p.locator("#network").bounding_box()
    p.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
    p.wait_for_selector(".vis-tooltip", state="visible", timeout=5000)
    tip = p.inner_text(".vis-tooltip")
    assert "王五" in tip and WANG[:6] + "********" in tip
    p.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
    assert "被执行人 in 3 cases" in p.inner_text("#details")
    page.screenshot("show-party-wang")
    assert page.problems == []


def test_cut_page_says_so_in_chromium(browser, tmp_path):
    cases, parties = star_export(tmp_path)
    _, _, graph = graph_of(tmp_path, cases, parties)
    g = S.neighbourhood(graph, case="（2024）沪0113执7号", hops=2, max_nodes=25)
    page = browser.open(S.render(g, tmp_path / "cut.html", inline=True))
    drawn = page.wait_for_network()
    assert drawn["nodes"] == g.number_of_nodes()
    note = page.page.inner_text("#cut-note")
    assert "43 nodes" in note and "showing the 25 most connected" in note and "18 left out" in note
    page.screenshot("show-cut")
    assert page.problems == []


# ----------------------------------------------------------------------------- Neo4j

def test_neo4j_draws_the_same_neighbourhood_and_show_without_export(neo4j_server, browser, tmp_path):
    from casegraph.engines.neo4j import db as ne
    from casegraph.engines.neo4j.engine import Neo4jEngine

    cases, parties, assets = wang_web()
    bank = [debt(f"（2023）沪0113执{i}号", ("某银行股份有限公司", BANK), (f"借款人{i}", rid(f"3101151980010{i}111")),
                 judge="许法官") for i in range(1, 4)]
    more_cases, more_parties = combine(*bank)
    judges = [{"judge": "许法官", "team": "执行一组", "capacity": "100"}]
    export = write_export(tmp_path / "export", cases + more_cases, parties + more_parties
                          + [party("（2024）沪0113执1号", "申请执行人", "某银行股份有限公司", BANK)], assets, judges)
    options = C.Options(hub_threshold=2)
    _, resolved, graph = prepare(export, options=options)
    wang = pid_of(graph, "王五")
    embedded = open_engine("embedded", graph, records=resolved.records)
    with ne.connect(neo4j_server.uri) as db:
        ne.clear(db)
        try:
            pipeline.load(db, export, options=options)
            neo = Neo4jEngine(db, options)
            for kw in (dict(party=wang, hops=1), dict(party=wang, hops=3), dict(case="（2024）沪0113执1号", hops=2),
                       dict(case="（2023）沪0113执2号", hops=4), dict(case="（2024）沪0113执1号", hops=3, max_nodes=6),
                       dict(case="(2024)沪0113执1号", hops=2), dict(party="王五", hops=2)):
                a = embedded.neighbourhood(**kw)
                b = neo.neighbourhood(**kw)
                assert set(a.nodes) == set(b.nodes), kw
                assert {frozenset(e) for e in a.edges} == {frozenset(e) for e in b.edges}, kw
                assert a.graph == b.graph, kw
                for n in a.nodes:
                    va, vb = S.node_view(n, a.nodes[n]), S.node_view(n, b.nodes[n])
                    assert va == vb, n
            # a team comes from the database's judges, as from the export's
            assert b.nodes["judge:许法官"]["team"] == "执行一组"
            # the bank (3 applicant cases > 2) is drawn but not walked through, as in the embedded engine
            g = neo.neighbourhood(case="（2024）沪0113执1号", hops=2)
            assert not any(n.startswith("case:（2023）") for n in g)
            assert g.nodes[f"party:{pid_of(graph, '某银行股份有限公司')}"]["mass_applicant"] is True
            # a party by full ID (through its keyed hash), by masked ID and by name, in both engines
            for text in (WANG, WANG[:6] + "*" * 8 + WANG[-4:], "王五"):
                assert neo.find_party(text) == embedded.find_party(text) == wang
                assert neo.neighbourhood(party=text, hops=1).graph["start"] == f"party:{wang}"
            with pytest.raises(NotFound, match="no party named '周九' in the database"):
                neo.neighbourhood(party="周九")
            with pytest.raises(NotFound, match="no party has that ID number in the database"):
                neo.find_party(rid("11010119900101123"))
            with pytest.raises(NotFound, match="is not in the database"):
                neo.neighbourhood(case="（2024）沪0113执99号")
            with pytest.raises(ValueError, match="one of case or party"):
                neo.neighbourhood()
            res = CliRunner().invoke(main, ["show", "--party", "王五", "--hops", "2", "--out", str(tmp_path / "n.html"),
                                            "--uri", neo4j_server.uri])
            assert res.exit_code == 0, res.output
            text = (tmp_path / "n.html").read_text(encoding="utf-8")
            assert "http" not in text and WANG not in text and WANG[:6] + "********" in text
        finally:
            ne.clear(db)
    page = browser.open(tmp_path / "n.html")
    assert page.wait_for_network()["nodes"] == S.neighbourhood(graph, party=wang, hops=2).number_of_nodes()
    page.screenshot("show-from-neo4j")
    assert page.problems == []


def test_picture_queries_are_commented_parameterised_files():
    from casegraph.engines.neo4j import db as ne

    names = [n for n in ne.cypher_names() if n.startswith(("picture_", "lookup_"))]
    assert {"lookup_case", "lookup_party", "picture_sides", "picture_reached", "picture_mass_applicants",
            "picture_cases", "picture_parties", "picture_roles", "picture_assets", "picture_teams"} <= set(names)
    for name in names:
        assert ne.cypher(name).lstrip().startswith("//"), name
        used = set(re.findall(r"\$(\w+)", "\n".join(ne.statements(name))))
        assert used <= set(ne.defaults(name)), (name, used - set(ne.defaults(name)))
    # the mass-applicant rule takes the run's threshold, whose default it shows
    assert ne.defaults("picture_mass_applicants")["hub_threshold"] == C.Options().hub_threshold


def test_templates_ship_in_the_wheel():
    """Every template is matched by the package data pyproject.toml declares."""
    import tomllib
    from pathlib import Path

    import casegraph

    root = Path(casegraph.__file__).parent
    patterns = tomllib.loads((root.parent / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["casegraph"]
    shipped = {p for pattern in patterns for p in root.glob(pattern)}
    templates = set(root.glob("*/templates/*"))
    assert {"network.html", "index.html"} <= {p.name for p in templates}
    assert templates <= shipped
