"""The local Neo4j server: start, status, reuse, loopback only, a login, crash recovery, stop.

Every test talks to a real Neo4j 5.26 JVM; nothing is mocked.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path

import psutil
import pytest
from neo4j import GraphDatabase

from casegraph.engines.neo4j import server

# Servers started by a test itself (the session server comes from conftest.py).
SMALL = {"heap": "512m", "pagecache": "128m"}


def _query(info: server.ServerInfo, cypher: str, **params):
    with GraphDatabase.driver(info.uri, auth=info.auth) as driver:
        records, _, _ = driver.execute_query(cypher, params, database_="neo4j")
    return records


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _refuses(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


@pytest.fixture
def private_dir(tmp_path: Path):
    """A data directory for a test's own server, stopped whatever the test does."""
    yield tmp_path
    server.stop(tmp_path)


def test_build_gives_a_classpath_with_neo4j_and_the_main_class():
    lib = server.build()
    names = {p.name for p in lib.glob("*.jar")}
    assert "casegraph-neo4j.jar" in names
    assert any(n.startswith("neo4j-kernel-5.26.") for n in names)
    assert any(n.startswith("neo4j-bolt-5.26.") for n in names)


def test_cypher_runs_through_the_routing_driver(neo4j_server):
    assert neo4j_server.uri == f"neo4j://127.0.0.1:{neo4j_server.port}"
    records = _query(neo4j_server, "RETURN 1 AS one")
    assert [r["one"] for r in records] == [1]


def test_server_is_community_5_26(neo4j_server):
    records = _query(neo4j_server, "CALL dbms.components() YIELD versions, edition RETURN versions, edition")
    assert records[0]["edition"] == "community"
    assert records[0]["versions"][0].startswith("5.26.")


def test_status_reports_the_running_server(neo4j_server):
    assert server.status(neo4j_server.data_dir) == neo4j_server
    state = json.loads((neo4j_server.data_dir / server.STATE_FILE).read_text())
    assert state["pid"] == neo4j_server.pid
    assert state["port"] == neo4j_server.port
    assert state["uri"] == neo4j_server.uri


def test_starting_again_returns_the_same_server(neo4j_server):
    again = server.start(neo4j_server.data_dir)
    assert again.pid == neo4j_server.pid
    assert again == neo4j_server


def test_listens_on_loopback_only(neo4j_server):
    listening = [
        c.laddr
        for c in psutil.Process(neo4j_server.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "the server listens on nothing"
    # Java reports an IPv4 bind on its dual-stack socket as ::ffff:127.0.0.1.
    assert {addr.ip for addr in listening} <= {"127.0.0.1", "::ffff:127.0.0.1"}
    assert {addr.port for addr in listening} == {neo4j_server.port}
    # A wildcard bind would also accept connections on other loopback
    # addresses; only 127.0.0.1 itself may answer.
    assert _refuses("127.0.0.2", neo4j_server.port)


def test_kill_then_start_recovers_committed_data(private_dir: Path):
    first = server.start(private_dir, **SMALL)
    token = uuid.uuid4().hex
    _query(first, "CREATE (:Probe {token: $token})", token=token)  # auto-commit

    assert server.kill(private_dir)
    assert _gone(first.pid)
    assert server.status(private_dir) is None
    # Left behind as by a real crash; start() must see through it.
    assert (private_dir / server.STATE_FILE).exists()

    debug_log = private_dir / "logs" / "debug.log"
    before = debug_log.stat().st_size
    second = server.start(private_dir, **SMALL)
    assert second.pid != first.pid
    with debug_log.open(encoding="utf-8", errors="replace") as f:
        f.seek(before)
        assert "Recovery required" in f.read(), "the restart did not replay the transaction log"

    records = _query(second, "MATCH (p:Probe {token: $token}) RETURN count(p) AS n", token=token)
    assert records[0]["n"] == 1


def test_stop_stops_the_server(private_dir: Path):
    info = server.start(private_dir, **SMALL)
    debug_log = private_dir / "logs" / "debug.log"
    before = debug_log.stat().st_size
    assert server.stop(private_dir) is True
    with debug_log.open(encoding="utf-8", errors="replace") as f:
        f.seek(before)
        assert 'Checkpoint triggered by "Database shutdown"' in f.read(), "SIGTERM did not shut Neo4j down cleanly"
    assert _gone(info.pid)
    assert server.status(private_dir) is None
    assert not (private_dir / server.STATE_FILE).exists()
    assert _refuses("127.0.0.1", info.port)
    # Nothing left to stop.
    assert server.stop(private_dir) is False


def test_a_taken_port_fails_with_a_clear_error(private_dir: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(server.ServerError, match="failed to start") as caught:
            server.start(private_dir, port=port, **SMALL)
    assert "Address already in use" in str(caught.value)
    assert server.status(private_dir) is None
    assert not (private_dir / server.STATE_FILE).exists()


def test_default_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEGRAPH_NEO4J_DATA", str(tmp_path / "x"))
    assert server.default_data_dir() == tmp_path / "x"
    monkeypatch.delenv("CASEGRAPH_NEO4J_DATA")
    assert server.default_data_dir() == Path(os.path.expanduser("~/.local/share/casegraph/neo4j"))


def test_status_finds_a_server_whose_state_file_is_gone(neo4j_server):
    """Deleted by hand, or never written by a start() that was killed: the
    server is recognised by its command line."""
    state = neo4j_server.data_dir / server.STATE_FILE
    saved = state.read_bytes()
    state.unlink()
    try:
        assert server.status(neo4j_server.data_dir) == neo4j_server
        assert server.status(neo4j_server.data_dir.parent) is None  # another folder has no server
    finally:
        state.write_bytes(saved)
        state.chmod(0o600)  # as the server wrote it: the store is its owner's only


# -- one way to find the server ---------------------------------------------------------

def test_every_neo4j_command_finds_a_local_server_by_its_folder(neo4j_server, tmp_path):
    """Started with --data-dir D, the server is found by every command given
    --data-dir D (or CASEGRAPH_NEO4J_DATA=D), and by --uri to its port, with
    its password found in D: nobody types it."""
    from click.testing import CliRunner

    from casegraph.cli import main
    from casegraph.engines.neo4j import db as ne
    from casegraph.sample.generate import make_sample
    from casegraph.sample.split import split_newest

    export = tmp_path / "export"
    make_sample(300, export)
    existing, new = split_newest(export, tmp_path / "split", 20)
    d = str(neo4j_server.data_dir)
    nowhere = {"NEO4J_URI": None, "NEO4J_PASSWORD": None, "CASEGRAPH_NEO4J_DATA": str(tmp_path / "no-server")}
    case_no = (existing / "cases.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
    commands = [
        ["load", str(existing), "--no-progress", "--data-dir", d],
        ["query", "common_debtors", "--data-dir", d],
        ["query", "related_cases", "--param", f"case_no={case_no}", "--uri", neo4j_server.uri],
        ["analyze", str(existing), "--backend", "neo4j", "--out", str(tmp_path / "a"), "--data-dir", d],
        ["clearing", "--backend", "neo4j", "--out", str(tmp_path / "c"), "--data-dir", d],
        ["show", "--case", case_no, "--out", str(tmp_path / "s.html"), "--data-dir", d],
        ["assign", str(new), "--no-progress", "--data-dir", d],
        ["flag", "--out", str(tmp_path / "f"), "--no-progress", "--data-dir", d],
    ]
    runner = CliRunner()
    try:
        with ne.connect(neo4j_server.uri) as db:
            ne.clear(db)
        for args in commands:
            res = runner.invoke(main, args, env=nowhere)
            assert res.exit_code == 0, (args[0], res.output)
        # The same through the environment; and without either, the one line that says what to do.
        res = runner.invoke(main, ["query", "common_debtors"], env={**nowhere, "CASEGRAPH_NEO4J_DATA": d})
        assert res.exit_code == 0, res.output
        res = runner.invoke(main, ["query", "common_debtors"], env=nowhere)
        assert res.exit_code != 0 and "no local Neo4j runs on" in res.output and "casegraph neo4j start" in res.output
    finally:
        with ne.connect(neo4j_server.uri) as db:
            ne.clear(db)


def test_status_says_how_to_connect_and_never_shows_the_password(neo4j_server):
    from click.testing import CliRunner

    from casegraph.cli import main

    res = CliRunner().invoke(main, ["neo4j", "status", "--data-dir", str(neo4j_server.data_dir)])
    assert res.exit_code == 0, res.output
    assert neo4j_server.uri in res.output and "cypher-shell" in res.output
    assert str(neo4j_server.data_dir / server.PASSWORD_FILE) in res.output
    assert neo4j_server.auth[1] not in res.output


def test_start_takes_the_last_port_again(private_dir: Path):
    first = server.start(private_dir, **SMALL)
    server.stop(private_dir)
    again = server.start(private_dir, **SMALL)
    assert again.port == first.port and again.pid != first.pid
