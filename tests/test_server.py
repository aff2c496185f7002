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
