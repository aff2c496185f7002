"""Running the explorer on this machine: ``casegraph explore`` in one call,
and a background server for notebooks and tests.

The server listens on 127.0.0.1 only, on the port asked for or a free one,
with a fresh secret token each run. Its address, token included, is what
the user opens (``http://127.0.0.1:8765/?token=…``); uvicorn's access log is
off, since a search for a full ID number would otherwise be written in it.

Example (a notebook)::

    from casegraph.explore.serve import running
    with running(engine) as explorer:
        explorer.url           # open it in the browser
        explorer.get("/api/search", q="张芳")
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import socket
import threading
import time
import urllib.parse
import urllib.request
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from casegraph import contract as C
from casegraph import system
from casegraph.engines import open_engine
from casegraph.engines.base import Engine
from casegraph.errors import CasegraphError
from casegraph.explore.app import make_app
from casegraph.explore.guard import TOKEN_HEADER, Guard

HOST = "127.0.0.1"


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: a free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        why = "is in use" if e.errno == errno.EADDRINUSE else f"cannot be used ({e.strerror})"
        raise CasegraphError(f"port {port} on {HOST} {why}: give another --port, or none for a free one") from None
    sock.listen(64)
    return sock


@dataclass
class _Serving:
    server: object
    sock: socket.socket
    base: str
    token: str
    guard: Guard

    @property
    def url(self) -> str:
        return f"{self.base}/?token={self.token}"


def _serving(engine: Engine, port: int, where: str, decisions: str | Path | None = None) -> _Serving:
    """The app over ``engine`` with a fresh token, and the socket it will serve."""
    import uvicorn

    sock = bind(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    guard = make_app(engine, token, port, where=where, decisions=decisions)
    config = uvicorn.Config(guard, log_level="warning", access_log=False, lifespan="off", server_header=False,
                            date_header=False)
    return _Serving(uvicorn.Server(config), sock, f"http://{HOST}:{port}", token, guard)


@dataclass
class Running:
    """An explorer serving in the background: its address and token, and
    :meth:`get` / :meth:`post` to ask its API as the page does."""

    url: str
    base: str
    token: str
    port: int
    guard: Guard | None = None
    _server: object = None
    _thread: threading.Thread | None = None

    def get(self, path: str, **params) -> dict:
        """``GET path?params`` with the token; the JSON answer (or its error)."""
        query = urllib.parse.urlencode(params)
        return self._ask(urllib.request.Request(f"{self.base}{path}{'?' + query if query else ''}"))

    def post(self, path: str, body: dict) -> dict:
        """``POST path`` with a JSON body, as the page sends changes."""
        return self._ask(urllib.request.Request(
            f"{self.base}{path}", data=json.dumps(body).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json", "Origin": self.base}))

    def _ask(self, request: urllib.request.Request) -> dict:
        request.add_header(TOKEN_HEADER, self.token)
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return {"status": e.code, **json.loads(e.read() or b"{}")}

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


def start(engine: Engine, port: int = 0, where: str = "", decisions: str | Path | None = None) -> Running:
    """Serve ``engine`` in a background thread (see :func:`running`)."""
    engine.ready_to_explore()
    s = _serving(engine, port, where, decisions)
    thread = threading.Thread(target=s.server.run, kwargs={"sockets": [s.sock]}, name="casegraph-explore", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not s.server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not s.server.started:
        raise CasegraphError(f"the explorer did not start on {s.base}")
    return Running(s.url, s.base, s.token, s.sock.getsockname()[1], s.guard, s.server, thread)


@contextlib.contextmanager
def running(engine: Engine, port: int = 0, where: str = "", decisions: str | Path | None = None) -> Iterator[Running]:
    """An explorer over ``engine`` for as long as the ``with`` block runs;
    its review panel adds to the file ``decisions``."""
    r = start(engine, port, where, decisions)
    try:
        yield r
    finally:
        r.stop()


def explore(source: str | Path | None = None, backend: str = "embedded", port: int = 0, open_browser: bool = True,
            judges: str | Path | None = None, options: C.Options | None = None, decisions: str | Path | None = None,
            on_ready: Callable[[str], None] = print, say: Callable[[str], None] = lambda _: None,
            **connection) -> None:
    """``casegraph explore``: open the engine (read ``source`` for the
    embedded one, with the clerk's ``decisions`` applied; the database for
    Neo4j, which applied them when loading), build its indexes, then serve
    until interrupted; the review panel adds to ``decisions``. ``on_ready``
    gets the address, token included, when the explorer answers; ``say``
    what it is doing meanwhile."""
    from casegraph.pipeline import prepare

    graph = records = None
    if backend == "embedded":
        if source is None:
            raise CasegraphError("give an export to explore, or --backend neo4j for the database")
        say(f"reading {source} …")
        _, resolved, graph = prepare(source, judges, options, decisions=decisions if _exists(decisions) else None)
        records = resolved.records
        for line in resolved.problems:
            say(f"decisions: {' '.join(str(line).split())}")
        where = f"{source}（{len(graph.cases):,} 件案件）"
    with open_engine(backend, graph, options, records=records, **connection) as engine:
        if backend == "neo4j":
            where = f"Neo4j {engine.db.uri}"
        say("building the search indexes …")
        note = engine.ready_to_explore()
        if note:
            say(note)
        s = _serving(engine, port, where, decisions)
        on_ready(s.url)
        if open_browser:
            why_not = _browser_opened(s.url)
            if why_not:
                say(why_not)
        try:
            s.server.run(sockets=[s.sock])
        except KeyboardInterrupt:  # Ctrl-C is how an explorer is meant to end
            pass
        finally:
            s.sock.close()
        say("stopped")


def _exists(path: str | Path | None) -> bool:
    """A decisions file to apply: one not made yet is where the first decision will go."""
    return path is not None and Path(path).exists()


def _browser_opened(url: str) -> str | None:
    """Open ``url`` in the user's browser, in the background; or say why not.
    On Linux without a display, Python would start a text browser (lynx,
    w3m) in this very terminal: there the address is left to the user."""
    if system.linux() and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "no display here: open the address above in a browser on this machine"
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    return None
