"""One writer at a time: a lease kept in the database itself.

``load``, ``assign``, ``flag`` and ``analyze --backend neo4j`` write; two of
them at once lose data (records without their roles, flags deleted by each
other). So every writer holds the lease of a ``(:CasegraphLock {name:
'writer'})`` node while it works (``cypher/lock/``). Because the lease lives
in the database, it works for a shared server as well as the local one.
Readers (queries, ``show``, the explorer) never ask for it and never wait.

The lease expires :data:`LEASE_SECONDS` after its last renewal; a thread
renews it every :data:`RENEW_EVERY` seconds while the holder works, so a
holder that dies (``kill -9``, a lost machine) frees it within a minute. A
holder on this machine whose process is gone is recognised at once (its
host, pid and the process's start time are in the lease). A second writer
polls until the lease is free or ``wait`` seconds have passed, then raises
:class:`~casegraph.errors.LockHeld`, one line naming who holds it and since
when. The lease is re-entrant within a thread: ``assign`` holds it and the
load it runs takes it again without waiting for itself.

Example::

    from casegraph.engines.neo4j.db import connect
    from casegraph.engines.neo4j.lock import writer
    with connect() as db, writer(db, "load", wait=60):
        ...                               # nobody else writes meanwhile
"""
from __future__ import annotations

import contextlib
import getpass
import os
import socket
import threading
import time
import uuid

import psutil

from casegraph.engines.neo4j.db import Database, DatabaseError, statement, statements
from casegraph.errors import LockHeld

NAME = "writer"
LEASE_SECONDS = 60
RENEW_EVERY = 10.0
POLL_SECONDS = 0.5

# The leases this process holds, by (uri, database, thread): token and depth.
_held: dict[tuple[str, str, int], list] = {}
_held_lock = threading.Lock()


@contextlib.contextmanager
def writer(db: Database, command: str, wait: float = 0.0, ttl: int = LEASE_SECONDS):
    """Hold the database's writer lease for the ``with`` block; ``wait``:
    seconds to wait for another holder before :class:`LockHeld`."""
    key = (db.uri, db.database, threading.get_ident())
    with _held_lock:
        mine = _held.get(key)
        if mine is not None:
            mine[1] += 1
    if mine is not None:  # this thread holds it already: assign's own load
        try:
            yield mine[0]
        finally:
            with _held_lock:
                mine[1] -= 1
        return
    token = uuid.uuid4().hex
    _take(db, command, token, wait, ttl)
    with _held_lock:
        _held[key] = [token, 1]
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(db, token, ttl, stop), name="casegraph-lease", daemon=True)
    renewer.start()
    try:
        yield token
    finally:
        stop.set()
        # A renewal in flight may be retrying against a server that restarted
        # (the bulk first load swaps its store): not waited for. It renews by
        # token, which the release below clears, so it cannot outlive it.
        renewer.join(1.0)
        with _held_lock:
            _held.pop(key, None)
        with contextlib.suppress(DatabaseError):  # a server that died: the lease expires by itself
            db.write(statement("lock/release"), {"name": NAME, "token": token})


def _me(command: str, token: str, ttl: int) -> dict:
    host = socket.gethostname()
    return {"name": NAME, "token": token, "who": f"{_user()}@{host}", "host": host, "pid": os.getpid(),
            "started": psutil.Process().create_time(), "command": command, "ttl": int(ttl)}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in a bare container
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def _take(db: Database, command: str, token: str, wait: float, ttl: int) -> None:
    schema, take = statements("lock/take")
    db.write(schema)
    params = {**_me(command, token, ttl), "steal": ""}
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        got = db.write(take, params).iloc[0]
        if bool(got["taken"]):
            return
        if _gone(got):
            params["steal"] = got["token"]  # its process is gone: take it now, not a minute later
            continue
        if time.monotonic() >= deadline:
            raise LockHeld(
                f"another casegraph writer holds the database {db.database!r} at {db.uri}: `{got['command']}` by "
                f"{got['who']} (pid {got['pid']}) since {str(got['since'])[:19].replace('T', ' ')} UTC; waited "
                f"{wait:g} s (--wait); run again when it has finished")
        time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.01)))


def _gone(holder) -> bool:
    """A holder on this machine whose process has ended (or whose pid now
    belongs to another process), or this process's own lease that it no
    longer holds (a run cut short in this process)."""
    if holder["host"] != socket.gethostname() or holder["pid"] is None:
        return False
    pid = int(holder["pid"])
    if pid == os.getpid():
        with _held_lock:
            return holder["token"] not in {t for t, _ in _held.values()}
    try:
        return abs(psutil.Process(pid).create_time() - float(holder["started"] or 0)) > 1.0
    except psutil.Error:
        return True


def _renew(db: Database, token: str, ttl: int, stop: threading.Event) -> None:
    renew = statement("lock/renew")
    while not stop.wait(RENEW_EVERY):
        with contextlib.suppress(DatabaseError):  # the writer itself will hit the same failure and say so
            db.write(renew, {"name": NAME, "token": token, "ttl": int(ttl)})
