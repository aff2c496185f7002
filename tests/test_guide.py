"""docs/使用说明.md, the guide in Chinese: its pictures are taken here, in
Debian's headless Chromium, from a clerk's ledger analysed as the guide
says, and written into docs/ (so they show what casegraph shows today);
and the guide is held to what casegraph has: every result file, every
sheet of 结果.xlsx, every exit code, every command it names.
"""
from __future__ import annotations

import json
import re
import struct
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import Browser
from casegraph import contract as C
from casegraph.cli import main
from casegraph.engines import open_engine
from casegraph.errors import EXIT_CODES
from casegraph.explore.serve import running
from casegraph.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDE = DOCS / "使用说明.md"
PICTURES = ("guide-report.png", "guide-explore.png", "guide-review.png")


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def court(tmp_path_factory):
    """A ledger as a clerk hands it over, checked and analysed as the guide's first steps say."""
    d = tmp_path_factory.mktemp("guide")
    runner = CliRunner()
    for args in (["sample", "--ledger", "--cases", "300", "--out", str(d / "台账")],
                 ["check", str(d / "台账" / "ledger.xlsx")],
                 ["analyze", str(d / "台账" / "ledger.xlsx"), "--judges", str(d / "台账" / "judges.csv"),
                  "--out", str(d / "结果")]):
        r = runner.invoke(main, args)
        assert r.exit_code == 0, (args, r.output)
    return d


@pytest.fixture(scope="module")
def browser():
    with Browser(width=1400, height=860) as b:
        yield b


def until(page, js: str, timeout: float = 60):
    """Poll ``js`` until it is true (the explorer's CSP forbids wait_for_function's eval)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = page.evaluate(js)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never true: {js}")


def picture(page, name: str) -> Path:
    """The page as it stands, into docs/ (the guide shows it)."""
    path = DOCS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def top_debtor(court) -> tuple[str, str]:
    first = (court / "结果" / "common_debtors.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")
    return first[0], first[1]


def test_picture_of_the_report(court, browser):
    page = browser.open(court / "结果" / "report" / "index.html")
    p = page.page
    _, name = top_debtor(court)
    assert "关联案件分析报告" in p.title() and name in p.inner_text("#debtors-table")
    path = picture(p, "guide-report.png")
    assert png_size(path) == (1400, 860) and path.stat().st_size > 30_000
    assert page.problems == []


def test_pictures_of_the_explorer_a_debtor_and_the_review(court, browser):
    _, resolved, graph = prepare(court / "台账" / "ledger.xlsx", court / "台账" / "judges.csv")
    engine = open_engine("embedded", graph, records=resolved.records)
    engine.ready_to_explore()
    party_id, name = top_debtor(court)
    with running(engine, where="台账 ledger.xlsx", decisions=court / "decisions.csv") as x:
        page = browser.new_page(allow=(x.base + "/",))
        p = page.page
        p.goto(x.url)
        until(p, "window.casegraph && window.casegraph.ready")
        # the top debtor's whole web, as the 发现 panel opens it
        p.fill("#q", name)
        p.press("#q", "Enter")
        p.click(f"#results li[data-id='party:{party_id}']")
        until(p, f"(document.querySelector('#details h3') || {{}}).textContent === {json.dumps(name)}")
        p.evaluate(f"window.casegraph.openView('debtor', {json.dumps('party:' + party_id)})")
        until(p, "window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case').length >= 5")
        time.sleep(2)  # the layout settles
        p.evaluate(f"window.casegraph.select({json.dumps('party:' + party_id)})")  # and its details beside
        until(p, f"(document.querySelector('#details h3') || {{}}).textContent === {json.dumps(name)}")
        n_cases = int((court / "结果" / "common_debtors.csv").read_text(encoding="utf-8-sig").splitlines()[1]
                      .split(",")[3])
        assert len(p.evaluate("window.casegraph.nodes.get().filter(n => n.data && n.data.kind === 'case')")) \
            == n_cases
        assert png_size(picture(p, "guide-explore.png")) == (1400, 860)
        # the review of candidates: who may be one person, with the evidence and the two buttons
        p.click("#show-review")
        until(p, "document.querySelector('#panel-body table') !== null")
        body = p.inner_text("#panel-body")
        assert "同一人" in body and "不是" in body
        assert png_size(picture(p, "guide-review.png")) == (1400, 860)
        assert page.problems == []


# ------------------------------------------------------------------ the text, held to casegraph


def test_guide_shows_its_pictures_and_the_readme_links_it():
    text = guide()
    linked = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert sorted(linked) == sorted(PICTURES)
    for name in PICTURES:
        assert (DOCS / name).is_file() and png_size(DOCS / name)[0] > 0
    assert "(docs/使用说明.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_guide_names_every_result_file_and_sheet():
    text = guide()
    missing = [o.filename for o in C.OUTPUTS.values() if f"`{o.filename}`" not in text]
    missing += [s for s in C.WORKBOOK_SHEETS.values() if s not in text]
    missing += [f for f in (C.WORKBOOK_FILE, C.SUMMARY_FILE, C.ROUTES.filename, "report/index.html",
                            "flags.xlsx") if f not in text]
    assert missing == []


def test_guide_says_what_to_do_for_every_exit_code():
    rows = {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| *(\d+) *\|(.+)\|$", guide(), re.M)}
    assert set(EXIT_CODES) <= set(rows), set(EXIT_CODES) - set(rows)
    assert all(len(rows[code].split("|")) >= 2 and rows[code].split("|")[-1].strip() for code in EXIT_CODES)


def test_every_command_in_the_guide_exists():
    named = set(re.findall(r"casegraph ([a-z][a-z0-9]+)", guide()))
    assert {"check", "analyze", "explore", "flag", "load", "neo4j", "kit", "demo"} <= named
    assert named - set(main.commands) - {"report"} == set()
