"""The command line as an operator and a script meet it: -h everywhere with
real examples and the environment, -q/-v/--json, the exit-code table, a
closed pipe, no carriage returns in a redirected log, `query` by name, file
and text, `sample` refusing a court's folder, readable `assign` output, one
permission for every output."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import socket
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from casegraph import errors
from casegraph.cli import main
from casegraph.cli.common import ENVIRONMENT, Command
from casegraph.engines.neo4j import db as ne
from casegraph.sample.generate import MIN_CASES, make_sample
from casegraph.sample.ledger import MIN_CASES as LEDGER_MIN_CASES
from casegraph.sample.split import split_newest

ROOT = Path(__file__).resolve().parent.parent


def commands(group: click.Group = main, path: tuple[str, ...] = ()):
    """Every command and group under ``group``, with the words that reach it."""
    for name, cmd in sorted(group.commands.items()):
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + (name,))


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    """``casegraph ARGS`` in its own process, as cron runs it (stderr not a terminal)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kw.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "casegraph.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600, **kw)


def one_error_line(res, code: int, *words: str) -> str:
    stderr = res.stderr
    assert (res.returncode if hasattr(res, "returncode") else res.exit_code) == code, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("casegraph: error: "), stderr
    assert "Traceback" not in stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "export"
    make_sample(MIN_CASES, folder, seed=5)
    return folder


# -- help, examples, environment -----------------------------------------------------

@pytest.mark.parametrize("path", [p for p, _ in commands()], ids=" ".join)
def test_h_works_everywhere_and_ends_with_examples(path):
    res = CliRunner().invoke(main, [*path, "-h"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"Usage: main {' '.join(path)}")
    examples = res.output.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(e.strip().startswith(f"casegraph {' '.join(path)}") for e in examples), res.output
    assert "Exit codes: 0 done" in res.output
    cmd = dict(commands())[path]
    if isinstance(cmd, Command):
        env = res.output.split("Environment:\n", 1)[1]
        assert "CASEGRAPH_DEBUG" in env
        for name in cmd.environment():
            assert name in env, name
        assert ("NEO4J_URI" in env) == any(p.name == "uri" for p in cmd.params)


def test_the_group_help_names_every_variable_and_the_shared_options():
    res = CliRunner().invoke(main, ["-h"])
    assert res.exit_code == 0
    bare = CliRunner().invoke(main, [])  # a bare `casegraph` shows the same help, not an error line
    assert bare.output.startswith("Usage: main [OPTIONS] COMMAND") and "casegraph: error" not in bare.output
    for name in ENVIRONMENT:
        assert name in res.output, name
    for cmd_path, cmd in commands():
        if isinstance(cmd, Command):
            names = {o for p in cmd.params for o in p.opts}
            assert {"-q", "--quiet", "-v", "--verbose", "--json"} <= names, cmd_path


def test_every_environment_variable_an_option_reads_is_explained():
    for cmd_path, cmd in commands():
        if isinstance(cmd, Command):
            assert set(cmd.environment()) <= set(ENVIRONMENT), cmd_path


def example_args(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    for stop in (">", "|", "<"):
        if stop in words:
            words = words[:words.index(stop)]
    return words[1:]


@pytest.mark.parametrize("path", [p for p, c in commands() if isinstance(c, Command)], ids=" ".join)
def test_every_example_is_a_valid_command_line(path):
    cmd = dict(commands())[path]
    assert cmd.examples
    for line in cmd.examples:
        args = example_args(line)
        assert args[:len(path)] == list(path), line
        with cmd.make_context(" ".join(path), args[len(path):]) as ctx:  # a usage error would raise
            assert ctx.params is not None


def test_option_ranges_agree_with_the_code(tmp_path):
    res = CliRunner().invoke(main, ["demo", "--cases", str(MIN_CASES - 1), "--out", str(tmp_path / "d")])
    assert res.exit_code == 2 and f"x>={MIN_CASES}" in res.stderr and not (tmp_path / "d").exists()
    res = CliRunner().invoke(main, ["sample", "--cases", str(MIN_CASES), "--out", str(tmp_path / "s"), "-q"])
    assert res.exit_code == 0 and (tmp_path / "s" / "cases.csv").is_file(), res.output
    # A ledger needs fewer cases than an export: each mode's own least, and nothing written below it.
    for args in (["--cases", str(MIN_CASES - 1)], ["--without-person-ids", "--cases", str(MIN_CASES - 1)],
                 ["--ledger", "--cases", str(LEDGER_MIN_CASES - 1)]):
        res = CliRunner().invoke(main, ["sample", *args, "--out", str(tmp_path / "no")])
        assert res.exit_code == 2 and "--cases" in res.stderr and not (tmp_path / "no").exists(), res.stderr
    res = CliRunner().invoke(main, ["sample", "--ledger", "--cases", str(LEDGER_MIN_CASES), "--out",
                                    str(tmp_path / "l"), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["cases"] == LEDGER_MIN_CASES, res.output


# -- quiet, verbose, json --------------------------------------------------------------

def test_quiet_prints_nothing_and_still_works(export, tmp_path):
    res = run("analyze", str(export), "--out", str(tmp_path / "r"), "-q")
    assert res.returncode == 0 and res.stdout == "" and res.stderr == "", res.stderr
    assert (tmp_path / "r" / "summary.json").is_file()
    res = run("analyze", str(export), "--out", str(tmp_path / "r"), "-q", "-v")
    one_error_line(res, 2, "--quiet or --verbose")


def test_no_workbook_leaves_the_workbook_out_and_an_older_one_goes(export, tmp_path):
    """A nightly job that reads the CSVs may skip 结果.xlsx; an older one, of
    another run, must not stay beside the new result."""
    out = tmp_path / "r"
    assert run("analyze", str(export), "--out", str(out), "-q").returncode == 0
    assert (out / "结果.xlsx").is_file()
    res = run("analyze", str(export), "--out", str(out), "-q", "--no-workbook")
    assert res.returncode == 0, res.stderr
    assert not (out / "结果.xlsx").exists() and (out / "common_debtors.csv").is_file() and (out / "summary.json").is_file()


def test_verbose_says_the_steps_with_the_time_on_stderr(export, tmp_path):
    res = run("analyze", str(export), "--out", str(tmp_path / "r"), "--verbose")
    assert res.returncode == 0
    assert "results in" in res.stdout and "started" not in res.stdout
    lines = res.stderr.splitlines()
    assert all(re.match(r"\d\d:\d\d:\d\d casegraph analyze: ", ln) for ln in lines), lines
    assert lines[0].endswith("started") and re.search(r"done in \d+\.\d s$", lines[-1])
    assert any("took read" in ln and "find" in ln for ln in lines)


def test_json_is_one_object_on_stdout(export, tmp_path):
    res = run("analyze", str(export), "--out", str(tmp_path / "r"), "--json")
    assert res.returncode == 0 and res.stderr == ""
    summary = json.loads(res.stdout)  # the whole of stdout is one object
    assert summary["accepted"]["cases"] == MIN_CASES and summary["out"] == str(tmp_path / "r")
    assert summary == {**json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8")),
                       "out": summary["out"], "report": summary["report"]}
    res = run("sample", "--cases", str(MIN_CASES), "--out", str(tmp_path / "s"), "--json")
    assert json.loads(res.stdout)["counts"]["cases"] == MIN_CASES


def test_json_failure_is_one_object_too(tmp_path):
    res = run("analyze", str(tmp_path / "missing"), "--out", str(tmp_path / "r"), "--json")
    assert res.returncode == 2
    assert json.loads(res.stdout) == {"error": res.stderr.strip().removeprefix("casegraph: error: "), "exit_code": 2}


# -- exit codes --------------------------------------------------------------------------

def readme_table(heading: str) -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").split(f"### {heading}\n", 1)[1]
    rows = [ln for ln in text.lstrip("\n").split("\n\n", 1)[0].splitlines() if ln.startswith("|")][2:]
    return [[c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows]


def test_the_readme_exit_code_table_is_the_code_table():
    assert {int(code): meaning for code, meaning, _ in readme_table("Exit codes")} == errors.EXIT_CODES
    assert (errors.InputError.exit_code, errors.DatabaseUnreachable.exit_code, errors.LockHeld.exit_code) == (2, 4, 5)
    assert errors.EXIT_TOO_MANY_REJECTED == 3 and errors.CasegraphError.exit_code == 1
    assert len(set(errors.EXIT_CODES)) == len(errors.EXIT_CODES)
    help_line = " ".join(CliRunner().invoke(main, ["-h"]).output.split("Exit codes: ", 1)[1].split())
    assert help_line.rstrip(".") == ", ".join(f"{c} {m}" for c, m in errors.EXIT_CODES.items())


def test_the_readme_environment_table_names_every_variable():
    named = {v.strip("` ") for row in readme_table("Environment") for v in row[0].split(",")}
    assert named == set(ENVIRONMENT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_exit_codes_of_the_cli(export, tmp_path):
    one_error_line(run("analyze", str(tmp_path / "missing"), "--out", str(tmp_path / "r")), 2, "missing")
    one_error_line(run("analyze", str(export)), 2, "--out", "casegraph analyze -h")  # usage: one line too
    one_error_line(run("query", "related_cases", "--param", "nonsense"), 2, "name=value")
    nobody = f"neo4j://127.0.0.1:{free_port()}"
    res = run("load", str(export), "--uri", nobody)
    assert res.returncode == errors.EXIT_UNREACHABLE
    one_error_line(res, 4, "cannot reach Neo4j", nobody)


def test_a_closed_pipe_ends_quietly():
    read, write = os.pipe()
    os.close(read)  # the reader is gone before casegraph writes: `casegraph query --list | head -0`
    try:
        res = subprocess.run([sys.executable, "-m", "casegraph.cli", "query", "--list"], stdout=write,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write)
    assert res.returncode == errors.EXIT_CLOSED_PIPE and res.stderr == ""


# -- sample never writes over a court's files ------------------------------------------------

def test_sample_refuses_a_courts_folder(tmp_path):
    court = tmp_path / "court"
    court.mkdir()
    (court / "cases.csv").write_text("案号,案由\n（2024）沪0113执1号,民间借贷纠纷\n", encoding="utf-8")
    (court / "notes.txt").write_text("keep me", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in court.iterdir()}
    res = run("sample", "--cases", str(MIN_CASES), "--out", str(court))
    one_error_line(res, 2, "cases.csv", "did not write", "--force")
    assert {p.name: p.read_bytes() for p in court.iterdir()} == before
    # its own earlier sample it writes over; with --force, anything
    own = tmp_path / "own"
    for _ in range(2):
        assert run("sample", "--cases", str(MIN_CASES), "--out", str(own), "-q").returncode == 0
    for mode in (["--ledger", "csv"], ["--without-person-ids"]):  # no mode writes over them either
        res = run("sample", *mode, "--cases", str(MIN_CASES), "--out", str(court))
        one_error_line(res, 2, "cases.csv", "did not write", "--force")
        assert {p.name: p.read_bytes() for p in court.iterdir()} == before
    res = run("sample", "--cases", str(MIN_CASES), "--out", str(court), "--force", "-q")
    assert res.returncode == 0 and (court / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (court / "cases.csv").read_bytes() != before["cases.csv"]
    # a ledger beside an earlier sample of its own: both noted, so a sample may follow
    assert run("sample", "--ledger", "--cases", "60", "--out", str(own), "-q").returncode == 0
    assert run("sample", "--cases", str(MIN_CASES), "--out", str(own), "-q").returncode == 0


# -- Neo4j: progress, query, scope, assign, permissions ------------------------------------------

@pytest.fixture
def db(neo4j_server):
    """The session server's database, emptied for this test."""
    with ne.connect(neo4j_server.uri) as database:
        ne.clear(database)
        yield database


@pytest.fixture(scope="module")
def split(export, tmp_path_factory) -> tuple[Path, Path]:
    return split_newest(export, tmp_path_factory.mktemp("split"), 60)


def test_a_redirected_log_holds_no_carriage_returns(db, split, tmp_path):
    existing, new = split
    uri = ["--uri", db.uri]
    for args in (["load", str(existing), "--progress"], ["assign", str(new), "--out", str(tmp_path / "r.csv")],
                 ["flag", "--out", str(tmp_path / "flags"), "--progress", "-v"]):
        res = run(*args, *uri)
        assert res.returncode == 0, res.stderr
        assert "\r" not in res.stderr and "\r" not in res.stdout, args
    assert "done in" in res.stderr  # -v still speaks, in plain lines


def test_on_a_terminal_the_bar_is_drawn(db, split):
    import fcntl
    import pty
    import struct
    import termios
    import threading

    leader, follower = pty.openpty()
    # a terminal 80 columns wide (a new one has none, and tqdm would draw nothing in it)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = bytearray()

    def read_all():  # while it runs: a terminal's buffer is small, and gone once the last writer closes
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=read_all)
    reader.start()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "casegraph.cli", "load", str(split[0]), "--uri", db.uri],
                                stdout=subprocess.DEVNULL, stderr=follower, env={**os.environ, "PYTHONPATH": str(ROOT)})
        os.close(follower)
        assert proc.wait(timeout=600) == 0
        reader.join(timeout=30)
    finally:
        os.close(leader)
    assert b"loading into Neo4j" in seen and b"\r" in seen


def test_query_by_name_with_any_brackets(db, export):
    assert run("load", str(export), "--uri", db.uri, "-q").returncode == 0
    truth = json.loads((export / "truth.json").read_text(encoding="utf-8"))
    case = truth["common_debtors"][0]["case_nos"][0]
    typed = case.replace("（", "(").replace("）", ")")
    official = run("query", "related_cases", "--param", f"case_no={case}", "--uri", db.uri, "--json")
    loose = run("query", "related_cases", "--param", f"case_no= {typed}", "--uri", db.uri, "--json")
    rows = json.loads(official.stdout)["rows"]
    assert rows and json.loads(loose.stdout)["rows"] == rows
    res = run("query", "related_cases", "--uri", db.uri)
    one_error_line(res, 2, "related_cases needs case_no", "hub_threshold=20")
    one_error_line(run("query", "related_cases", "--param", f"case_no={case}", "--param", "hops=2",
                       "--uri", db.uri), 2, "no parameter 'hops'", "it takes case_no")
    one_error_line(run("query", "related_cases", "--param", "case_no=2024执1", "--uri", db.uri), 2,
                   "not a case number")


def test_query_a_file_and_text_as_csv_and_json(db, export, tmp_path):
    assert run("load", str(export), "--uri", db.uri, "-q").returncode == 0
    mine = tmp_path / "debts.cypher"
    mine.write_text("// What a debtor owes: every money case, and the sum.\n"
                    "//\n// :param name => \"张三\"\n\n"
                    "MATCH (p:Party {name: $name})-[:DEBTOR_IN]->(c:Case) WHERE c.amount > 0\n"
                    "RETURN p.party_id AS party_id, count(c) AS n_cases, sum(c.amount) AS amount\n"
                    "ORDER BY party_id\n", encoding="utf-8")
    truth = json.loads((export / "truth.json").read_text(encoding="utf-8"))
    name = truth["common_debtors"][0]["name"]
    res = run("query", str(mine), "--param", f"name={name}", "--uri", db.uri, "--csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and all(re.fullmatch(r"\d+\.\d\d", r["amount"]) and r["n_cases"].isdigit() for r in rows), rows
    listed = run("query", str(mine), "--param", f"name={name}", "--uri", db.uri, "--json")
    assert [r["party_id"] for r in json.loads(listed.stdout)["rows"]] == [r["party_id"] for r in rows]
    one_error_line(run("query", str(mine), "--uri", db.uri), 2, "needs name", "e.g. --param name=张三")
    n = json.loads(run("query", "-e", "MATCH (c:Case) RETURN count(c) AS n", "--uri", db.uri, "--json").stdout)
    assert n["rows"] == [{"n": MIN_CASES}] and n["columns"] == ["n"]
    # an analyst's write runs only when asked for
    write = ["query", "-e", "CREATE (:Scratch) RETURN 1 AS one", "--uri", db.uri]
    one_error_line(run(*write), 1, "--write")
    assert db.read("MATCH (s:Scratch) RETURN count(s) AS n").iloc[0, 0] == 0
    assert run(*write, "--write", "-q").returncode == 0
    assert db.read("MATCH (s:Scratch) RETURN count(s) AS n").iloc[0, 0] == 1


def test_query_list_reads_the_headers():
    res = run("query", "--list")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    i = lines.index("related_cases(case_no, hub_threshold=20)")
    assert lines[i + 1].startswith("    Related cases of one case (关联案件检索)")
    listed = json.loads(run("query", "--list", "--json").stdout)["queries"]
    by_name = {q["name"]: q for q in listed}
    assert by_name["related_cases"]["parameters"] == [
        {"name": "case_no", "required": True, "value": "（2024）沪0113执1号"},
        {"name": "hub_threshold", "required": False, "value": 20}]
    assert set(by_name) == set(ne.cypher_names()) and all(q["purpose"] for q in listed)


def test_analyze_on_neo4j_says_the_findings_are_the_whole_databases(db, split, tmp_path):
    existing, new = split
    assert run("load", str(existing), "--uri", db.uri, "-q").returncode == 0
    res = run("analyze", str(new), "--out", str(tmp_path / "r"), "--backend", "neo4j", "--uri", db.uri)
    assert res.returncode == 0, res.stderr
    assert f"read 60 cases" in res.stdout
    assert (f"loaded them into {db.uri} (database neo4j), which holds {MIN_CASES} cases: the findings below are "
            "the whole database's, not only this export's") in res.stdout
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert summary["database"] == {"uri": db.uri, "database": "neo4j", "cases": MIN_CASES}


def test_assign_prints_by_judge_whole_cells_capped(db, split, tmp_path):
    existing, new = split
    assert run("load", str(existing), "--uri", db.uri, "-q").returncode == 0
    res = run("assign", str(new), "--uri", db.uri, "--limit", "10")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split()[:3] == ["case_no", "judge", "rule"]
    assert lines[11] == "... and 50 more; --out FILE.xlsx writes them all"
    assert "…" not in res.stdout
    routes = json.loads(run("query", "-e", "MATCH (c:Case) WHERE c.case_no IN $case_nos RETURN c.case_no AS "
                                           "case_no, c.judge AS judge", "--param",
                            f"case_nos={json.dumps([ln.split()[0] for ln in lines[1:11]], ensure_ascii=False)}",
                            "--uri", db.uri, "--json").stdout)["rows"]
    judges = dict((r["case_no"], r["judge"]) for r in routes)
    shown = [(judges[ln.split()[0]], ln.split()[0]) for ln in lines[1:11]]
    key = [(j == "", j, [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", c)]) for j, c in shown]
    assert key == sorted(key) and all(ln.split()[1] == j for ln, (j, _) in zip(lines[1:11], shown))


def test_every_output_is_owner_only(db, split, export, tmp_path):
    existing, new = split
    assert run("analyze", str(export), "--out", str(tmp_path / "results"), "-q").returncode == 0
    assert run("load", str(existing), "--uri", db.uri, "-q").returncode == 0
    assert run("assign", str(new), "--uri", db.uri, "--out", str(tmp_path / "routes.xlsx"), "-q").returncode == 0
    assert run("flag", "--uri", db.uri, "--out", str(tmp_path / "flags"), "-q").returncode == 0
    assert run("clearing", str(export), "--out", str(tmp_path / "clearing"), "-q").returncode == 0
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"routes.xlsx", "flags.xlsx", "summary.json", "common_debtors.csv",
                                       "index.html", "clearing_debts.csv"}
    modes = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
    assert set(modes.values()) == {"0o600"}, modes
    folders = [p for p in tmp_path.rglob("*") if p.is_dir() and "report" in p.parts]
    assert folders and all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders)
