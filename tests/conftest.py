"""Shared pytest fixtures.

Server fixtures: ``neo4j_server`` runs one real local Neo4j for the whole test
session (see casegraph/server.py).
"""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from casegraph.engines.neo4j import server

# CI shares two cores with a Neo4j server and a browser: judge property tests
# by what they find, not by how fast one example runs.
settings.register_profile("casegraph", deadline=None)
settings.load_profile("casegraph")


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.ServerInfo]:
    """A real Neo4j server on a free loopback port with its own throwaway store.

    Connect with ``GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth)``
    and pass ``database_="neo4j"``; casegraph's own ``connect(neo4j_server.uri)``
    finds the password by itself, as it does for any local server. The store is shared by every test in the session, so
    tests should write data they can tell apart (or clean up after themselves).
    The first use builds neo4j/ with Maven if it has not been built yet.
    """
    data_dir = tmp_path_factory.mktemp("neo4j-session")
    # Smaller than the defaults: test stores are tiny, and the machine also
    # runs the rest of the suite (and a second server in test_server.py).
    info = server.start(data_dir, heap="1g", pagecache="512m")
    try:
        yield info
    finally:
        server.stop(data_dir)


@pytest.fixture
def own_server(tmp_path):
    """A server of this test's own, which it may kill."""
    data = tmp_path / "neo4j"
    info = server.start(data, heap="512m", pagecache="256m")
    yield data, info
    server.stop(data)


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a tmpfs of a given size (root only): a disk that fills up for real.
    Unmounted afterwards."""
    mounted = []

    def mount(size: str, where: str = "mnt") -> Path:
        point = tmp_path / where
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.fail(f"cannot mount a tmpfs here (the tests run as root): {done.stderr.decode(errors='replace').strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
