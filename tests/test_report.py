"""The report site on a generated export: its tables, its links, no internet,
no full ID, and the pages in headless Chromium."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from browser import Browser
from casegraph import analyze
from casegraph import contract as C
from casegraph.cli import main
from casegraph.normalise.identity import clean as clean_id
from casegraph.write.report import bundle_table, write_report
from casegraph.sample.generate import make_sample
from casegraph.write.files import OutputError

TOP = 5


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A 1,000-case sample analysed by the CLI (which writes the report with
    the defaults), and the same result written again with ``top=5``."""
    root = tmp_path_factory.mktemp("report")
    truth = make_sample(1000, root / "export")
    res = CliRunner().invoke(main, ["analyze", str(root / "export"), "--out", str(root / "out")])
    assert res.exit_code == 0, res.output
    assert "report in" in res.output
    result = analyze(root / "export")
    small = write_report(result, root / "small" / "report", top=TOP, max_rows=8)
    return root, truth, result, small


def html_files(folder: Path):
    return sorted(folder.rglob("*.html"))


def test_cli_report_has_every_section_and_a_page_per_bundle(site):
    root, _, result, _ = site
    report = root / "out" / "report"
    index = (report / "index.html").read_text(encoding="utf-8")
    for sid in ("summary", "debtors", "applicants", "offsets", "bundles", "assets"):
        assert f'id="{sid}"' in index
    f = result.findings
    n_bundles = f["bundles"]["bundle_id"].nunique()
    pages = {p.name for p in (report / "networks").glob("*.html")}
    # the defaults (top 30) cover every bundle, debtor and offset of a 1,000-case sample
    assert n_bundles <= 30 and len(f["common_debtors"]) <= 30
    assert {f"bundle-{b}.html" for b in f["bundles"]["bundle_id"]} <= pages
    assert {f"debtor-{p}.html" for p in f["common_debtors"]["party_id"]} <= pages
    assert {f"offset-{o}.html" for o in f["offsets"]["offset_id"]} <= pages
    assert "Every bundle has a network page" in index
    # every link resolves to a file
    for href in re.findall(r'href="([^"#]+)"', index):
        assert (report / href).is_file(), href


def test_tables_hold_the_findings(site):
    root, _, result, _ = site
    index = (root / "out" / "report" / "index.html").read_text(encoding="utf-8")
    f = result.findings

    def rows(table_id):
        m = re.search(rf'<table class="sortable" id="{table_id}">.*?<tbody>(.*?)</tbody>', index, re.S)
        return m.group(1).count("<tr>")

    assert rows("debtors-table") == len(f["common_debtors"])
    assert rows("applicants-table") == len(f["repeat_applicants"])
    assert rows("offsets-table") == len(f["offsets"])
    assert rows("bundles-table") == f["bundles"]["bundle_id"].nunique()
    assert rows("assets-table") == len(f["shared_assets"])
    s = result.summary
    assert f"<th>Cases 案件</th><td>{s['accepted']['cases']:,}</td>" in index
    assert f"<th>Common debtors 共同被执行人</th><td>{s['common_debtors']:,}</td>" in index
    top = f["common_debtors"].iloc[0]
    assert f'networks/debtor-{top["party_id"]}.html">{top["name"]}</a>' in index


def test_bundle_table_sums_and_ties(site):
    _, _, result, _ = site
    b = bundle_table(result.graph, result.findings["bundles"])
    assert b["n_cases"].is_monotonic_decreasing
    assert b["n_cases"].sum() == len(result.findings["bundles"])
    largest = b.iloc[0]
    cases = result.findings["bundles"].query("bundle_id == @largest.bundle_id")["case_no"]
    amounts = result.graph.cases.set_index("case_no")["amount"].reindex(cases)
    assert largest["total_amount"] == pytest.approx(amounts.sum(), abs=0.01)
    assert largest["ties"]


def test_top_pages_only_and_the_page_says_how_many_are_left_out(site):
    _, _, result, small = site
    f = result.findings
    pages = list((small / "networks").glob("bundle-*.html"))
    n_bundles = f["bundles"]["bundle_id"].nunique()
    assert len(pages) == TOP < n_bundles
    index = (small / "index.html").read_text(encoding="utf-8")
    assert f"Network pages for the {TOP} largest; {n_bundles - TOP} more bundles have none" in index
    assert f"Network pages for the {TOP} largest; {len(f['common_debtors']) - TOP} more debtors have none" in index
    largest = bundle_table(result.graph, f["bundles"]).head(TOP)["bundle_id"]
    assert {p.name for p in pages} == {f"bundle-{b}.html" for b in largest}
    # long tables are cut and say where every row is
    assert f"Showing the first 8 of {n_bundles} rows; every row is in bundles.csv" in index


def test_no_page_loads_anything_from_the_internet(site):
    root, _, _, small = site
    files = html_files(root / "out" / "report") + html_files(small)
    assert len(files) > 10
    for page in files:
        assert "http" not in page.read_text(encoding="utf-8"), page
    assert (root / "out" / "report" / "lib" / "vis-network.min.js").is_file()


def test_no_full_id_number_in_any_page(site):
    """Every ID of the export and of truth.json, as typed and as canonical,
    is absent from every page; masked IDs are there."""
    root, truth, _, small = site
    parties = pd.read_csv(root / "export" / "parties.csv", dtype=str, keep_default_na=False)
    ids = {v for v in parties["id_no"] if len(clean_id(v)) >= 15 and "*" not in v}
    ids |= {clean_id(v) for v in ids}
    ids |= set(re.findall(r'"id_key": "([0-9A-Z]{18})"', json.dumps(truth, ensure_ascii=False)))
    assert len(ids) > 1000
    pages = html_files(root / "out") + html_files(small)
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    found = sorted(i for i in ids if i in text)
    assert found == []
    assert re.search(r"\d{6}\*{8}\w{4}", text)  # the masked form is what pages show


def test_a_failed_report_leaves_the_previous_one(site, tmp_path, monkeypatch):
    _, _, result, _ = site
    folder = write_report(result, tmp_path / "report", top=2)
    before = sorted(p.name for p in folder.rglob("*"))
    from casegraph.pictures import page

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(page, "render", broken)
    with pytest.raises(OutputError, match="writing the report failed"):
        write_report(result, tmp_path / "report", top=3)
    assert sorted(p.name for p in folder.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_demo_writes_the_report_too(tmp_path):
    res = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo"), "--cases", "600"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "demo" / "results" / "report" / "index.html").is_file()


# ----------------------------------------------------------------------------- in the browser

@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def test_index_in_chromium_sorts_and_a_bundle_link_opens_its_network(site, browser):
    root, _, result, _ = site
    page = browser.open(root / "out" / "report" / "index.html")
    p = page.page
    page.screenshot("report-index")

    def column(table, i):
        return p.eval_on_selector_all(f"#{table} tbody tr", f"rows => rows.map(r => r.cells[{i}].textContent)")

    # sort debtors by total amount (column 5): ascending, then descending
    header = p.locator("#debtors-table th").nth(5)
    header.click()
    asc = [float(x.replace(",", "")) for x in column("debtors-table", 5)]
    assert asc == sorted(asc)
    header.click()
    desc = [float(x.replace(",", "")) for x in column("debtors-table", 5)]
    assert desc == sorted(asc, reverse=True)
    p.locator("#debtors-table th").nth(0).click()  # text sorts too
    assert len(column("debtors-table", 0)) == len(result.findings["common_debtors"])

    # open the largest bundle from its link
    largest = bundle_table(result.graph, result.findings["bundles"]).iloc[0]
    link = p.locator(f'#bundles-table a[href="networks/bundle-{largest["bundle_id"]}.html"]')
    link.click()
    p.wait_for_url(re.compile(rf"bundle-{largest['bundle_id']}\.html$"))
    drawn = page.wait_for_network()
    assert drawn["nodes"] >= largest["n_cases"] + largest["n_parties"]
    assert drawn["positioned"] == drawn["nodes"] and drawn["ink"] > 500
    assert p.inner_text("h1").startswith(f"Bundle {largest['bundle_id']} ({largest['n_cases']} cases)")
    page.screenshot("report-bundle-largest")
    p.click("#back")
    p.wait_for_url(re.compile(r"index\.html$"))
    assert page.problems == []


def test_every_network_page_draws_in_chromium(site, browser):
    root, _, result, _ = site
    nets = sorted((root / "out" / "report" / "networks").glob("*.html"))
    shot = {"debtor": False, "offset": False}
    top_debtor = result.findings["common_debtors"].iloc[0]["party_id"]
    cycle = result.findings["offsets"].query("kind == 'multilateral'").iloc[0]["offset_id"]
    for path in nets:
        page = browser.open(path)
        drawn = page.wait_for_network()
        assert drawn["nodes"] > 2 and drawn["positioned"] == drawn["nodes"], path.name
        assert drawn["ink"] > 200, path.name
        if path.name == f"debtor-{top_debtor}.html":
            page.screenshot("report-debtor-top")
            shot["debtor"] = True
        if path.name == f"offset-{cycle}.html":
            page.screenshot("report-offset-cycle")
            shot["offset"] = True
        assert page.problems == [], path.name
        page.page.close()
    assert all(shot.values())
