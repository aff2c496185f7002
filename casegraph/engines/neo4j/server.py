"""A local Neo4j Community 5.26 server for casegraph: build, start, stop, status.

The server is the embedded Neo4j DBMS run by ``neo4j/`` (a small Maven project,
``casegraph.LocalNeo4j``) in a background JVM. It speaks Bolt on 127.0.0.1 only
and has authentication turned off: it is a single-user development server, and
only processes on this machine can reach it. Connect without credentials.

Example::

    from pathlib import Path
    from neo4j import GraphDatabase
    from casegraph.engines.neo4j import server

    info = server.start(Path("/tmp/casegraph-neo4j"))  # builds neo4j/ on first use
    with GraphDatabase.driver(info.uri) as driver:        # no auth needed
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_="neo4j")
    server.status(info.data_dir)  # -> ServerInfo(pid=..., port=..., ...) while it runs
    server.stop(info.data_dir)    # clean shutdown; True if one was running

A data directory holds at most one server. Besides the store (``data/``) it
holds ``neo4j.log`` (the JVM's own output, one section per start),
``logs/neo4j.log`` and ``logs/debug.log`` (Neo4j's logs) and
``casegraph-neo4j.json`` (pid, port and URI of the running server).

The default data directory is ``$CASEGRAPH_NEO4J_DATA`` or
``~/.local/share/casegraph/neo4j``. The first build downloads Neo4j from Maven
Central into ``~/.m2`` (about 170 MB); later builds run offline.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from filelock import FileLock

from casegraph.errors import ServerError
from casegraph.resources import cache_dir, maven_fingerprint, maven_project

__all__ = [
    "ServerError",
    "ServerInfo",
    "build",
    "default_data_dir",
    "kill",
    "start",
    "status",
    "stop",
]

# The Maven project ships with casegraph; it is built in a per-user cache
# (one folder per version of its sources), never inside site-packages.
MAVEN_SOURCE = maven_project()
MAVEN_DIR = cache_dir() / f"neo4j-{maven_fingerprint(MAVEN_SOURCE)}"
LIB_DIR = MAVEN_DIR / "target" / "lib"
_CLASSPATH_FILE = MAVEN_DIR / "target" / "classpath.txt"
MAIN_CLASS = "casegraph.LocalNeo4j"
HOST = "127.0.0.1"

STATE_FILE = "casegraph-neo4j.json"
LOG_FILE = "neo4j.log"
_LOCK_FILE = ".casegraph-neo4j.lock"
_APP_JAR = "casegraph-neo4j.jar"

_STOP_TIMEOUT = 60.0
_MAVEN_TIMEOUT = 1800.0
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Mostly the JVM flags of Neo4j's own neo4j.conf. The --add-opens let the page
# cache and transaction log use direct buffers and native file advice instead of
# slower fallbacks. No -XX:+AlwaysPreTouch: touching the whole heap at start
# would make an idle dev server cost its full heap in RAM.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


@dataclass(frozen=True)
class ServerInfo:
    """A running local server. ``uri`` is the one to hand to the driver."""

    pid: int
    port: int
    uri: str
    data_dir: Path

    @property
    def bolt_uri(self) -> str:
        """Direct (non-routing) URI of the same server."""
        return f"bolt://{HOST}:{self.port}"


def default_data_dir() -> Path:
    """``$CASEGRAPH_NEO4J_DATA`` if set, else ``~/.local/share/casegraph/neo4j``."""
    env = os.environ.get("CASEGRAPH_NEO4J_DATA")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".local" / "share" / "casegraph" / "neo4j"


# ---------------------------------------------------------------- build


def build(force: bool = False) -> Path:
    """Build the Maven project ``neo4j/`` unless its build is already current.

    The build happens in the per-user cache (``MAVEN_DIR``:
    ``~/.cache/casegraph/neo4j-<fingerprint>``), never in the package. Returns
    the classpath directory ``MAVEN_DIR/target/lib``: the server's jar and all
    its dependencies (``target/classpath.txt`` lists the latter in order). ``java -cp 'DIR/*' casegraph.LocalNeo4j --data D --port N`` runs it
    by hand. With ``force`` Maven runs even if the jars look current. Raises
    ServerError if Maven fails.
    """
    if not force and _build_is_current():
        return LIB_DIR
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerError("Maven (mvn) is not on PATH; install Maven 3.8+ to build neo4j/")
    (MAVEN_DIR / "target").mkdir(parents=True, exist_ok=True)
    with FileLock(MAVEN_DIR / "target" / ".build.lock"):
        # Another process may have finished the same build while we waited.
        if not force and _build_is_current():
            return LIB_DIR
        _copy_sources()
        # Offline first: after one successful build everything is in ~/.m2, and
        # that keeps rebuilds independent of the network. Fall back to online
        # for the first build or after a dependency change.
        result = _run_maven([mvn, "-o", "-q", "-B", "package"])
        if result.returncode != 0:
            result = _run_maven([mvn, "-q", "-B", "package"])
        if result.returncode != 0 or not _build_is_current():
            tail = _tail_lines(result.stdout, 30)
            raise ServerError(
                f"Maven build of {MAVEN_DIR} failed (exit {result.returncode}); last output:\n{tail}"
            )
    return LIB_DIR


def _copy_sources() -> None:
    """The Maven project into its cache folder (the installed copy may be read-only)."""
    shutil.copy2(MAVEN_SOURCE / "pom.xml", MAVEN_DIR / "pom.xml")
    shutil.copytree(MAVEN_SOURCE / "src", MAVEN_DIR / "src", dirs_exist_ok=True)


def _build_is_current() -> bool:
    app_jar = LIB_DIR / _APP_JAR
    try:
        built = app_jar.stat().st_mtime
        jars = _dependency_jars()
    except OSError:
        return False
    if not jars or not all(j.is_file() for j in jars):
        return False
    sources = [MAVEN_DIR / "pom.xml", *(MAVEN_DIR / "src").rglob("*")]
    return all(p.stat().st_mtime <= built for p in sources if p.is_file())


def _dependency_jars() -> list[Path]:
    # Maven writes absolute paths; only the file names are used so that a
    # checkout moved together with its target/ still works.
    text = _CLASSPATH_FILE.read_text(encoding="utf-8").strip()
    return [LIB_DIR / Path(entry).name for entry in text.split(os.pathsep) if entry]


def _classpath() -> str:
    # An explicit list rather than lib/*: jars of an older build that are
    # still in lib/ stay off it, and the search order is Maven's, not the
    # directory's.
    return os.pathsep.join(str(p) for p in [LIB_DIR / _APP_JAR, *_dependency_jars()])


def _run_maven(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd,
            cwd=MAVEN_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=_MAVEN_TIMEOUT,
        )
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise ServerError(
            f"Maven build of {MAVEN_DIR} did not finish within {_MAVEN_TIMEOUT:.0f} s; last output:\n"
            + _tail_lines(out, 30)
        ) from None


# ---------------------------------------------------------------- start / stop


def start(
    data_dir: str | os.PathLike[str] | None = None,
    port: int | None = None,
    heap: str = "2g",
    pagecache: str = "2g",
    timeout: float = 120,
) -> ServerInfo:
    """Start a server on ``data_dir`` (created if missing) and wait until Bolt answers.

    If a server already runs on that directory it is returned as it is (its
    port, heap and page cache stay what they were). ``port=None`` picks a free
    port. ``heap`` and ``pagecache`` take JVM/Neo4j sizes such as ``"512m"`` or
    ``"2g"``. ``timeout`` bounds the wait for the server (including recovery
    after a crash), not the Maven build that may precede it. Raises ServerError
    if the server cannot be started; a server that fails to come up in time is
    killed.
    """
    data_dir = _resolve(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(data_dir / _LOCK_FILE):
        running = _find(data_dir)
        if running is not None:
            # Started by an earlier start() that was interrupted while waiting,
            # or simply already up: either way, wait for it rather than race it
            # for the store lock with a second JVM.
            _wait_ready(running, None, 0, time.monotonic() + timeout)
            _write_state(running)
            return running
        _remove_state(data_dir)
        java = _java()
        build()
        classpath = _classpath()

        # A port picked here may be taken by someone else before the JVM binds
        # it; only then is retrying with another port the right thing to do.
        attempts = 3 if port is None else 1
        for attempt in range(attempts):
            chosen = port if port is not None else _free_port()
            info, log_offset = _spawn(java, classpath, data_dir, chosen, heap, pagecache)
            _write_state(info)
            try:
                _wait_ready(info, data_dir / LOG_FILE, log_offset, time.monotonic() + timeout)
            except ServerError:
                _terminate(info.pid, grace=10)
                _remove_state(data_dir)
                log_text = _read_from(data_dir / LOG_FILE, log_offset)
                if attempt + 1 < attempts and "Address already in use" in log_text:
                    continue
                raise
            return info
    raise AssertionError("unreachable")


def stop(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Shut the server on ``data_dir`` down cleanly; True if one was running.

    Sends SIGTERM (Neo4j checkpoints and closes the store), waits up to 60 s,
    then SIGKILLs. Removes the state file either way. (Windows has no
    SIGTERM: there the process is ended, and the next start recovers the
    store from the transaction log.)
    """
    data_dir = _resolve(data_dir)
    with FileLock(data_dir / _LOCK_FILE):
        info = _find(data_dir)
        if info is not None:
            _terminate(info.pid, grace=_STOP_TIMEOUT)
        _remove_state(data_dir)
    return info is not None


def kill(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Kill the server on ``data_dir`` with no clean shutdown, like a crash
    (SIGKILL; TerminateProcess on Windows).

    The state file is left behind, as a real crash would leave it; the next
    start() notices the process is gone and recovers the store from the
    transaction log. True if a server was running.
    """
    data_dir = _resolve(data_dir)
    info = _find(data_dir)
    if info is None:
        return False
    _signal(info.pid, psutil.Process.kill)
    if not _wait_gone(info.pid, 30):
        raise ServerError(f"Neo4j (pid {info.pid}) survived SIGKILL for 30 s")
    return True


def status(data_dir: str | os.PathLike[str] | None = None) -> ServerInfo | None:
    """The server running on ``data_dir``, or None.

    Looks at the process only (cheap, no connection): a server that is still
    starting is reported too; start() is what waits for Bolt.
    """
    return _find(_resolve(data_dir))


# ---------------------------------------------------------------- internals


def _resolve(data_dir: str | os.PathLike[str] | None) -> Path:
    # One spelling per directory: it is matched against the JVM's --data
    # argument to recognise the server's process.
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    return path.expanduser().resolve()


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    exe = Path(java_home or ".") / "bin" / ("java.exe" if sys.platform == "win32" else "java")
    if java_home and exe.is_file():
        return str(exe)
    java = shutil.which("java")
    if java is None:
        raise ServerError("java is not on PATH; Neo4j 5.26 needs a Java 17 or 21 runtime")
    return java


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _spawn(
    java: str, classpath: str, data_dir: Path, port: int, heap: str, pagecache: str
) -> tuple[ServerInfo, int]:
    log = data_dir / LOG_FILE
    with log.open("a", encoding="utf-8") as f:
        f.write(f"==== casegraph: starting Neo4j on port {port} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    log_offset = log.stat().st_size
    cmd = [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *_JVM_FLAGS,
        "-cp",
        classpath,
        MAIN_CLASS,
        "--data",
        str(data_dir),
        "--port",
        str(port),
        "--pagecache",
        pagecache,
    ]
    # The JVM gets a session (a process group on Windows) of its own, so
    # Ctrl-C in our terminal does not reach it, and it outlives this Python
    # process. While this process lives it is our child: _wait_gone reaps it.
    if sys.platform == "win32":
        detach = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
    else:
        detach = {"start_new_session": True}
    try:
        with log.open("ab") as out:
            child = subprocess.Popen(cmd, cwd=data_dir, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, **detach)
    except OSError as e:
        raise ServerError(f"could not launch {java}: {e}") from None
    pid = child.pid
    _CHILDREN[pid] = child
    return ServerInfo(pid=pid, port=port, uri=f"neo4j://{HOST}:{port}", data_dir=data_dir), log_offset


def _wait_ready(info: ServerInfo, log: Path | None, log_offset: int, deadline: float) -> None:
    """Wait for READY in the log (if given) and for Bolt to answer."""
    import neo4j  # imported here so build/status/stop work without the driver

    ready = log is None
    while True:
        if not _alive(info.pid):
            output = _read_from(log, log_offset) if log else ""
            # LocalNeo4j ends a failed start with one "error: ..." line naming the root cause.
            reasons = [line[len("error: "):] for line in output.splitlines() if line.startswith("error: ")]
            reason = f": {reasons[-1]}" if reasons else ""
            tail = _tail_lines(output, 15)
            raise ServerError(
                f"Neo4j (pid {info.pid}) exited before it was ready{reason} (see {info.data_dir / LOG_FILE})"
                + (f"\nlast output:\n{tail}" if tail else "")
            )
        if not ready:
            ready = "READY bolt://" in _read_from(log, log_offset)
        if ready:
            try:
                with neo4j.GraphDatabase.driver(info.bolt_uri, auth=None, connection_timeout=5) as driver:
                    driver.verify_connectivity()
                return
            except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError):
                pass
        if time.monotonic() >= deadline:
            raise ServerError(
                f"Neo4j (pid {info.pid}) did not answer on {info.bolt_uri} in time; "
                f"see {info.data_dir / LOG_FILE} and {info.data_dir / 'logs' / 'debug.log'}"
            )
        time.sleep(0.2)


def _find(data_dir: Path) -> ServerInfo | None:
    """The live server process for data_dir, from the state file or, failing
    that, from the processes' command lines."""
    state = _read_state(data_dir)
    if state is not None and _alive(state.pid) and _port_of(state.pid, data_dir) in (state.port, -1):
        return state
    # The state file can be missing or stale while a server still runs (deleted
    # by hand, or written by a start() that was killed); the JVM's command line
    # names its data directory and port, so look for it there.
    for proc in psutil.process_iter(["cmdline"]):
        port = _port_in(proc.info["cmdline"], data_dir)
        if port is not None and _alive(proc.pid):
            return ServerInfo(pid=proc.pid, port=port, uri=f"neo4j://{HOST}:{port}", data_dir=data_dir)
    return None


def _port_of(pid: int, data_dir: Path) -> int | None:
    """The --port of pid if it is our server for data_dir; None if it is not.

    -1 means "cannot tell" (the system does not show us its command line):
    the pid is trusted.
    """
    try:
        args = psutil.Process(pid).cmdline()
    except psutil.NoSuchProcess:
        return None
    except psutil.AccessDenied:
        return -1
    return _port_in(args, data_dir)


def _port_in(args: list[str] | None, data_dir: Path) -> int | None:
    if not args or MAIN_CLASS not in args:
        return None
    try:
        if args[args.index("--data") + 1] != str(data_dir):
            return None
        return int(args[args.index("--port") + 1])
    except (ValueError, IndexError):
        return None


# The servers this process started, by pid: reaped here once they end.
_CHILDREN: dict[int, subprocess.Popen] = {}


def _alive(pid: int) -> bool:
    try:
        # A killed server whose parent has not reaped it yet is a zombie: it
        # still has a pid, but it is gone for our purposes.
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        child = _CHILDREN.get(pid)
        if child is not None and child.poll() is not None:
            del _CHILDREN[pid]
        if not _alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _signal(pid: int, send) -> None:
    """``send`` (psutil's terminate or kill) to pid, if it still runs."""
    with contextlib.suppress(psutil.NoSuchProcess):
        send(psutil.Process(pid))


def _terminate(pid: int, grace: float) -> None:
    _signal(pid, psutil.Process.terminate)
    if _wait_gone(pid, grace):
        return
    _signal(pid, psutil.Process.kill)
    if not _wait_gone(pid, 30):
        raise ServerError(f"Neo4j (pid {pid}) survived SIGKILL for 30 s")


def _read_state(data_dir: Path) -> ServerInfo | None:
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        return ServerInfo(pid=int(raw["pid"]), port=int(raw["port"]), uri=str(raw["uri"]), data_dir=data_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_state(info: ServerInfo) -> None:
    path = info.data_dir / STATE_FILE
    tmp = path.with_name(path.name + ".tmp")
    payload = {
        "pid": info.pid,
        "port": info.port,
        "uri": info.uri,
        "bolt_uri": info.bolt_uri,
        "data_dir": str(info.data_dir),
    }
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _remove_state(data_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (data_dir / STATE_FILE).unlink()


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _tail_lines(text: str, n: int) -> str:
    # Maven 3.8 emits ANSI colour resets even in batch mode.
    lines = [_ANSI.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join([line for line in lines if line.strip()][-n:])
