"""A local Neo4j Community 5.26 server for casegraph: build, start, stop, status.

The server is the embedded Neo4j DBMS run by ``neo4j/`` (a small Maven project,
``casegraph.LocalNeo4j``) in a background JVM. It speaks Bolt on 127.0.0.1 only,
with a login: user ``neo4j`` and a random password made at the first start and
kept in the data directory, which only its owner can open. Binding to loopback
keeps other machines out; the login keeps out other users of this machine and
web pages open in its browser (a WebSocket from a web page is refused outright).

Example::

    from pathlib import Path
    from neo4j import GraphDatabase
    from casegraph.engines.neo4j import server

    info = server.start(Path("/tmp/casegraph-neo4j"))  # builds neo4j/ on first use
    with GraphDatabase.driver(info.uri, auth=info.auth) as driver:   # ("neo4j", the password)
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_="neo4j")
    server.status(info.data_dir)  # -> ServerInfo(pid=..., port=..., ...) while it runs
    server.stop(info.data_dir)    # clean shutdown; True if one was running

A data directory holds at most one server. Besides the store (``data/``) it
holds ``neo4j.log`` (the JVM's own output, one section per start),
``logs/neo4j.log`` and ``logs/debug.log`` (Neo4j's logs),
``casegraph-neo4j.json`` (pid, port and URI of the running server),
``casegraph-neo4j.port`` (the port of the last start, taken again when free) and
``casegraph-neo4j.password``. The directory is 0700 and its files 0600: the
store holds the court's names, and the password opens it. Delete the password
file to have the next start make a new password.

The default data directory is ``$CASEGRAPH_NEO4J_DATA`` or
``~/.local/share/casegraph/neo4j`` (``%LOCALAPPDATA%\\casegraph\\neo4j`` on
Windows). The first build downloads Neo4j from Maven Central into ``~/.m2``
(about 170 MB); later builds run offline. An offline install kit
(:mod:`casegraph.kit`) brings the build itself: its jars go where
:func:`build` looks, and no Maven runs.

The server needs Java 17+ (``JAVA_HOME``, else ``java`` on PATH); without it
:class:`JavaMissing` (exit 6) says so in one line: the embedded engine needs
no Java.

On Windows: the JVM is started detached in a process group of its own;
``stop`` ends it (Windows has no SIGTERM) and the next start recovers the
store from its transaction log; its classpath is one jar whose manifest
names the others, as the command line of 200 jars' full paths would near
Windows' 32,767-character limit; the data directory is not chmod-ed (Windows
has no owner-only mode bits): its default is in the user's profile
(``%LOCALAPPDATA%``), whose ACL admits that user, SYSTEM and administrators.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from filelock import FileLock

from casegraph import system
from casegraph.errors import JavaMissing, ServerError
from casegraph.resources import cache_dir, maven_fingerprint, maven_project

__all__ = [
    "JavaMissing",
    "ServerError",
    "ServerInfo",
    "admin_command",
    "build",
    "classpath_jars",
    "credentials",
    "default_data_dir",
    "kill",
    "serving",
    "restart",
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
PORT_FILE = "casegraph-neo4j.port"
PASSWORD_FILE = "casegraph-neo4j.password"
USER = "neo4j"
LOG_FILE = "neo4j.log"
_LOCK_FILE = ".casegraph-neo4j.lock"
APP_JAR = "casegraph-neo4j.jar"
_APP_JAR = APP_JAR
JAVA_MIN = 17

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

    @property
    def auth(self) -> tuple[str, str]:
        """The login, ``("neo4j", password)``, read from the data directory."""
        return credentials(self.data_dir)


def credentials(data_dir: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """The login of the local server of ``data_dir``: ``("neo4j", password)``.

    The password is made by the server's first start and kept in
    ``casegraph-neo4j.password``, readable by its owner only; raises
    ServerError (naming the file, never its content) if there is none.
    """
    path = _resolve(data_dir) / PASSWORD_FILE
    try:
        password = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        password = ""
    except OSError as e:
        raise ServerError(f"{path}: cannot read the local server's password ({e.strerror})") from None
    if not password:
        raise ServerError(f"{path}: no password for the local server yet; `casegraph neo4j start` makes one")
    return USER, password


def default_data_dir() -> Path:
    """``$CASEGRAPH_NEO4J_DATA`` if set, else ``~/.local/share/casegraph/neo4j``
    (on Windows ``%LOCALAPPDATA%\\casegraph\\neo4j``: in the user's profile,
    which only that user, SYSTEM and administrators may open)."""
    env = os.environ.get("CASEGRAPH_NEO4J_DATA")
    if env:
        return Path(env).expanduser()
    if system.windows() and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "casegraph" / "neo4j"
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
        raise ServerError(f"no Neo4j build in {LIB_DIR} and Maven (mvn) is not on PATH: install the offline kit's "
                          "Neo4j (its install script does), or Maven 3.8+ to build neo4j/")
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
    return [LIB_DIR / name for name in jar_names(_CLASSPATH_FILE.read_text(encoding="utf-8"))]


def jar_names(text: str) -> list[str]:
    r"""The jar names of a classpath file, whoever wrote it: Maven's absolute
    paths joined by the OS's separator (``:`` or ``;``, ``/`` or ``\``), or
    a kit's names one a line. Only the names are kept, so that a build moved
    with its target/ (or copied from a kit) still works.

    >>> jar_names("/home/a/lib/x-1.jar:/home/a/lib/y.jar")
    ['x-1.jar', 'y.jar']
    >>> jar_names(r"C:\Users\张三\lib\x-1.jar;C:\Users\张三\lib\y.jar")
    ['x-1.jar', 'y.jar']
    >>> jar_names("x-1.jar\r\ny.jar\n")
    ['x-1.jar', 'y.jar']
    """
    entries = re.split(r"[;:\r\n]+", text)
    return [re.split(r"[\\/]", e.strip())[-1] for e in entries if e.strip().endswith(".jar")]


def classpath_jars() -> list[Path]:
    """The built server's jars in the order java searches them: casegraph's
    launcher, then Maven's runtime classpath."""
    return [LIB_DIR / APP_JAR, *_dependency_jars()]


def _classpath() -> str:
    # An explicit list rather than lib/*: jars of an older build that are
    # still in lib/ stay off it, and the search order is Maven's, not the
    # directory's.
    return (";" if system.windows() else ":").join(str(p) for p in classpath_jars())


def _classpath_args() -> list[str]:
    """The java options that give the classpath: ``-cp`` and every jar; on
    Windows one jar whose manifest names the others
    (:mod:`casegraph.engines.neo4j.classpath`), as 200 jars' full paths come
    near the 32,767 characters a Windows command line may hold."""
    if not system.windows():
        return ["-cp", _classpath()]
    from casegraph.engines.neo4j.classpath import pathing_jar

    return ["-cp", str(pathing_jar(LIB_DIR, [p.name for p in classpath_jars()]))]


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
    port, heap and page cache stay what they were). ``port=None`` takes the
    port of the directory's last start if it is free (so a connection saved
    in Neo4j Browser or a notebook keeps working), else a free one. ``heap``
    and ``pagecache`` take JVM/Neo4j sizes such as ``"512m"`` or ``"2g"``.
    ``timeout`` bounds the wait for the server (including recovery after a
    crash), not the Maven build that may precede it; a failure the server
    reports (a corrupt store, say) ends the wait at once, with that line.
    Raises ServerError if the server cannot be started, naming the path of an
    OS error; a server that fails is killed and leaves no state file behind.
    """
    data_dir = _resolve(data_dir)
    try:
        _make_private(data_dir)
    except OSError as e:
        raise _os_error(e, data_dir, "cannot prepare the server's folder") from None
    with _locked(data_dir):
        running = _find(data_dir)
        if running is not None:
            # Started by an earlier start() that was interrupted while waiting,
            # or simply already up: either way, wait for it rather than race it
            # for the store lock with a second JVM.
            _wait_ready(running, None, (0, 0), time.monotonic() + timeout)
            _write_state(running)
            return running
        _remove_state(data_dir)
        java = _java()
        build()
        classpath = _classpath_args()

        # A port picked here may be taken by someone else before the JVM binds
        # it; only then is retrying with another port the right thing to do.
        attempts = 3 if port is None else 1
        previous = _read_port(data_dir) if port is None else None
        for attempt in range(attempts):
            if port is not None:
                chosen = port
            elif attempt == 0 and previous is not None and _port_is_free(previous):
                chosen = previous
            else:
                chosen = _free_port()
            info = None
            try:
                info, offsets = _spawn(java, classpath, data_dir, chosen, heap, pagecache)
                _write_state(info)
                _wait_ready(info, data_dir, offsets, time.monotonic() + timeout)
                _write_port(data_dir, chosen)
            except (ServerError, OSError) as e:
                if info is not None:
                    _terminate(info.pid, grace=10)
                _remove_state(data_dir)
                if isinstance(e, OSError):
                    raise _os_error(e, data_dir, "starting Neo4j failed") from None
                log_text = _read_from(data_dir / LOG_FILE, offsets[0]) if info is not None else ""
                if attempt + 1 < attempts and "Address already in use" in log_text:
                    continue
                raise
            return info
    raise AssertionError("unreachable")


def stop(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Shut the server on ``data_dir`` down cleanly; True if one was running.

    Sends SIGTERM (Neo4j checkpoints and closes the store), waits up to 60 s
    (not as long when a clean end cannot come: a full disk), then SIGKILLs.
    Removes the state file either way. (Windows has no SIGTERM: there the
    process is ended, and the next start recovers the store from the
    transaction log.)
    """
    data_dir = _resolve(data_dir)
    if not data_dir.is_dir():
        return False
    with _locked(data_dir):
        info = _find(data_dir)
        if info is not None:
            logs = [(path, _size(path)) for path in (data_dir / LOG_FILE, data_dir / _DEBUG_LOG)]
            # A shutdown that cannot end cleanly is not waited out: on a full
            # disk the last checkpoint fails (and so do the logs that would
            # say so), and Neo4j then hangs. The next start recovers the store
            # from its transaction log.
            _terminate(info.pid, grace=_STOP_TIMEOUT,
                       hopeless=lambda: _disk_full(data_dir) or any(
                           _SHUTDOWN_FAILED.search(_read_from(path, offset)) for path, offset in logs))
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


def admin_command(data_dir: str | os.PathLike[str] | None, *args: str, heap: str = "1g") -> tuple[list[str], dict]:
    """The command line and environment of Neo4j's admin tool
    (``neo4j-admin``) on ``data_dir``'s store, from the same build as the
    server; e.g. ``admin_command(d, "database", "import", "full", ...)`` for
    the offline importer (casegraph.engines.neo4j.bulk)."""
    data_dir = _resolve(data_dir)
    build()
    cmd = [_java(), f"-Xmx{heap}", *_JVM_FLAGS, *_classpath_args(), "org.neo4j.cli.AdminTool", *args]
    return cmd, {**os.environ, "NEO4J_HOME": str(data_dir)}


def restart(data_dir: str | os.PathLike[str] | None, between, timeout: float = 600) -> ServerInfo:
    """Stop the server on ``data_dir`` cleanly, call ``between()`` while it
    is down (the bulk loader swaps in a store built offline), and start it
    again on the same port with the same heap and page cache. The server is
    started again even if ``between`` fails."""
    data_dir = _resolve(data_dir)
    info = _find(data_dir)
    if info is None:
        raise ServerError(f"no local Neo4j runs on {data_dir}")
    args = psutil.Process(info.pid).cmdline()
    heap = next((a[len("-Xmx"):] for a in args if a.startswith("-Xmx")), "2g")
    pagecache = args[args.index("--pagecache") + 1] if "--pagecache" in args else "2g"
    stop(data_dir)
    try:
        between()
    finally:
        info = start(data_dir, port=info.port, heap=heap, pagecache=pagecache, timeout=timeout)
    return info


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
    """The java that runs the server: ``JAVA_HOME``'s, else the one on PATH;
    JavaMissing if there is none, or it is older than 17."""
    java_home = os.environ.get("JAVA_HOME")
    exe = Path(java_home or ".") / "bin" / ("java.exe" if system.windows() else "java")
    java = str(exe) if java_home and exe.is_file() else shutil.which("java")
    if java is None:
        raise JavaMissing(f"Java {JAVA_MIN}+ is needed for the Neo4j engine only (no java on PATH, nor in JAVA_HOME); "
                          "the embedded engine (analyze, explore without --backend neo4j) works without it")
    version = _java_version(java)
    if version is not None and version < JAVA_MIN:
        raise JavaMissing(f"Java {JAVA_MIN}+ is needed for the Neo4j engine only ({java} is Java {version}); "
                          "the embedded engine (analyze, explore without --backend neo4j) works without it")
    return java


def _java_version(java: str) -> int | None:
    """The feature version of ``java`` (17 for 17.0.15, 8 for 1.8.0), or None if it does not say."""
    try:
        r = subprocess.run([java, "-version"], capture_output=True, text=True, errors="replace", timeout=60,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return java_feature_version(r.stderr + r.stdout)


def java_feature_version(text: str) -> int | None:
    """The feature version in ``java -version``'s words.

    >>> java_feature_version('openjdk version "17.0.15" 2025-04-15')
    17
    >>> java_feature_version('java version "1.8.0_381"'), java_feature_version('openjdk version "21" 2023-09-19')
    (8, 21)
    """
    m = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if m is None:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _spawn(
    java: str, classpath: list[str], data_dir: Path, port: int, heap: str, pagecache: str
) -> tuple[ServerInfo, tuple[int, int]]:
    """Launch the JVM; the server and where its two logs stood before it (the
    JVM's output and Neo4j's debug.log), for reading only what it writes."""
    log = data_dir / LOG_FILE
    with _private(log, "a") as f:
        f.write(f"==== casegraph: starting Neo4j on port {port} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    offsets = (log.stat().st_size, _size(data_dir / _DEBUG_LOG))
    cmd = [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *_JVM_FLAGS,
        *classpath,
        MAIN_CLASS,
        "--data",
        str(data_dir),
        "--port",
        str(port),
        "--password-file",
        str(data_dir / PASSWORD_FILE),
        "--pagecache",
        pagecache,
    ]
    # The JVM gets a session (a process group on Windows) of its own, so
    # Ctrl-C in our terminal does not reach it, and it outlives this Python
    # process. While this process lives it is our child: _wait_gone reaps it.
    try:
        with _private(log, "ab") as out:
            child = subprocess.Popen(cmd, cwd=data_dir, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, **_detached())
    except OSError as e:
        raise ServerError(f"could not launch {java}: {e.strerror or e}") from None
    pid = child.pid
    _CHILDREN[pid] = child
    return ServerInfo(pid=pid, port=port, uri=f"neo4j://{HOST}:{port}", data_dir=data_dir), offsets


def _detached() -> dict:
    """Popen's options for a server that outlives this process and never
    sees its terminal's Ctrl-C: on Windows a process group of its own with
    no console; elsewhere a session of its own, every file it makes its
    owner's only (umask 077: the store holds names)."""
    if system.windows():
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
    return {"start_new_session": True, "umask": 0o077}


# Neo4j reports a database that failed to start (a corrupt store) here, not
# in its user log, and keeps running.
_DEBUG_LOG = Path("logs") / "debug.log"
_SHUTDOWN_FAILED = re.compile(r"Checkpoint failed|No space left on device|^error: shutdown failed", re.M)
_FAILED = re.compile(r"^\S+ \S+ ERROR +\[[^\]]*\] (Failed to start[^\n]*)\n([^\n]*)", re.M)


def _wait_ready(info: ServerInfo, data_dir: Path | None, offsets: tuple[int, int], deadline: float) -> None:
    """Wait for READY in the JVM's output (if ``data_dir`` is given: a server
    this call started) and for Bolt to answer with the login. A failure the
    server reports ends the wait at once, quoting it."""
    import neo4j  # imported here so build/status/stop work without the driver

    log = data_dir / LOG_FILE if data_dir is not None else None
    ready = log is None
    while True:
        output = _read_from(log, offsets[0]) if log else ""
        # LocalNeo4j ends a failed start with one "error: ..." line naming the root cause.
        reasons = [line[len("error: "):] for line in output.splitlines() if line.startswith("error: ")]
        if log is not None and not reasons:
            reasons = [f"{what}: {why.split(': ', 1)[-1]}" if why.strip() else what
                       for what, why in _FAILED.findall(_read_from(data_dir / _DEBUG_LOG, offsets[1]))]
        if reasons or not _alive(info.pid):
            reason = f": {reasons[-1].strip()}" if reasons else ""
            tail = _tail_lines(output, 15)
            raise ServerError(
                f"Neo4j (pid {info.pid}) failed to start{reason} (see {info.data_dir / LOG_FILE})"
                + (f"\nlast output:\n{tail}" if tail else "")
            )
        if not ready:
            ready = "READY bolt://" in output
        if ready:
            try:
                auth = info.auth
            except ServerError:
                if log is not None:
                    raise
                raise ServerError(f"the Neo4j running on {info.data_dir} (pid {info.pid}) has no login: an older "
                                  "casegraph started it; `casegraph neo4j stop`, then start it again") from None
            try:
                with neo4j.GraphDatabase.driver(info.bolt_uri, auth=auth, connection_timeout=5) as driver:
                    driver.verify_connectivity()
                return
            except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError):
                pass
        if time.monotonic() >= deadline:
            raise ServerError(
                f"Neo4j (pid {info.pid}) did not answer on {info.bolt_uri} in time; "
                f"see {info.data_dir / LOG_FILE} and {info.data_dir / _DEBUG_LOG}"
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
        if port is not None and _alive(proc.pid) and _ours(proc):
            return ServerInfo(pid=proc.pid, port=port, uri=f"neo4j://{HOST}:{port}", data_dir=data_dir)
    return None


def serving(port: int) -> ServerInfo | None:
    """This user's local server listening on ``port`` (whatever its data
    directory), or None: how a connection to ``neo4j://127.0.0.1:PORT``
    finds the password. A process of another user is never taken for one,
    so the password cannot be handed to somebody else's listener."""
    for proc in psutil.process_iter(["cmdline"]):
        args = proc.info["cmdline"]
        if not args or MAIN_CLASS not in args:
            continue
        try:
            found, data_dir = int(args[args.index("--port") + 1]), Path(args[args.index("--data") + 1])
        except (ValueError, IndexError):
            continue
        if found == port and _alive(proc.pid) and _ours(proc):
            return ServerInfo(pid=proc.pid, port=port, uri=f"neo4j://{HOST}:{port}", data_dir=data_dir)
    return None


def _ours(proc: psutil.Process) -> bool:
    try:
        return proc.username() == psutil.Process().username()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


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


def _terminate(pid: int, grace: float, hopeless=lambda: False) -> None:
    """SIGTERM, and SIGKILL after ``grace`` seconds, or as soon as
    ``hopeless()`` says a clean end will not come."""
    _signal(pid, psutil.Process.terminate)
    deadline = time.monotonic() + grace
    while not _wait_gone(pid, 0.5):
        if time.monotonic() >= deadline or hopeless():
            break
    else:
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
    try:
        with _private(tmp, "w") as f:
            f.write(json.dumps(payload, indent=2) + "\n")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _remove_state(data_dir: Path) -> None:
    for name in (STATE_FILE, STATE_FILE + ".tmp"):
        with contextlib.suppress(OSError):
            (data_dir / name).unlink()


def _read_port(data_dir: Path) -> int | None:
    try:
        port = int((data_dir / PORT_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    return port if 0 < port < 65536 else None


def _write_port(data_dir: Path, port: int) -> None:
    # Only a convenience for the next start: not worth failing a running server over.
    with contextlib.suppress(OSError), _private(data_dir / PORT_FILE, "w") as f:
        f.write(f"{port}\n")


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if not system.windows():  # as the JVM binds: a connection in TIME_WAIT does not hold the port
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _make_private(data_dir: Path) -> None:
    """The data directory and everything in it for its owner only (0700 and
    0600): the store holds the court's names, and the password file opens it.
    A store made before casegraph did this is tightened here."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if system.windows():
        # No owner-only mode bits (chmod only sets read-only): the default
        # folder is in the user's profile, whose ACL keeps other users out.
        return
    for root, dirs, files in os.walk(data_dir):
        for name in (*dirs, *files):
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if mode & 0o077 and not stat.S_ISLNK(mode):
                os.chmod(path, stat.S_IMODE(mode) & ~0o077)
    os.chmod(data_dir, 0o700)


def _private(path: Path, mode: str):
    """``open(path, mode)``, creating the file for its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return open(os.open(path, flags, 0o600), mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}))


@contextlib.contextmanager
def _locked(data_dir: Path):
    """The data directory's lock: one start or stop at a time."""
    try:
        lock = FileLock(data_dir / _LOCK_FILE, mode=0o600)
        lock.acquire()
    except OSError as e:
        raise _os_error(e, data_dir, "cannot lock the server's folder") from None
    try:
        yield
    finally:
        lock.release()


def _os_error(e: OSError, data_dir: Path, what: str) -> ServerError:
    """An OS error as one line that names its path."""
    return ServerError(f"{e.filename or data_dir}: {what} ({e.strerror or e})")


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path).free < 1 << 20
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
