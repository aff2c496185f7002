"""Windows readiness, checked on Linux: each place that branches on the OS,
with the OS patched (casegraph.system), and what no branch should need —
written text files say their encoding and line end, output never fails on
a character the code page lacks.

Every branch goes through :mod:`casegraph.system`; the first test lists
where it is asked, so that a new branch cannot come without a test here.
"""
from __future__ import annotations

import ast
import getpass
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import psutil
import pytest

from casegraph import resources, system
from casegraph.engines.neo4j import classpath, lock, server
from casegraph.errors import EXIT_NO_JAVA, JavaMissing
from casegraph.explore import serve
from casegraph.kit import targets
from casegraph.write.csvtext import write_csv

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "casegraph"

# Where casegraph asks which OS it runs on, and the test here that walks both ways.
BRANCHES = {
    ("resources.py", "cache_dir"): "test_cache_dir",
    ("engines/neo4j/server.py", "default_data_dir"): "test_neo4j_data_dir",
    ("engines/neo4j/server.py", "_classpath"): "test_classpath_on_windows_is_one_jar_and_the_server_starts_from_it",
    ("engines/neo4j/server.py", "_classpath_args"): "test_classpath_on_windows_is_one_jar_and_the_server_starts_from_it",
    ("engines/neo4j/server.py", "_java"): "test_java_is_java_exe_in_java_home_on_windows",
    ("engines/neo4j/server.py", "_detached"): "test_server_process_is_detached_the_way_of_each_os",
    ("engines/neo4j/server.py", "_port_is_free"): "test_port_is_free_without_reuseaddr_on_windows",
    ("engines/neo4j/server.py", "_make_private"): "test_neo4j_folder_is_chmod_ed_on_linux_only",
    ("explore/serve.py", "_browser_opened"): "test_explorer_opens_a_browser_unless_linux_has_no_display",
    ("kit/targets.py", "current_platform"): "test_kit_is_for_this_os",
}


@pytest.fixture
def on_windows(monkeypatch):
    monkeypatch.setattr(system, "windows", lambda: True)
    monkeypatch.setattr(system, "linux", lambda: False)


@pytest.fixture
def on_linux(monkeypatch):
    monkeypatch.setattr(system, "windows", lambda: False)
    monkeypatch.setattr(system, "linux", lambda: True)


def _calls_of_system(tree: ast.AST) -> list[str]:
    """The functions (innermost named) that call system.windows() or system.linux()."""
    found = []

    def walk(node, where):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and isinstance(child.func.value, ast.Name) and child.func.value.id == "system"
                    and child.func.attr in ("windows", "linux")):
                found.append(where)
            walk(child, name)

    walk(tree, "<module>")
    return found


def test_every_os_branch_asks_casegraph_system_and_is_tested_here():
    asked, direct = set(), []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "system.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        asked |= {(rel, f) for f in _calls_of_system(tree)}
        for node in ast.walk(tree):  # os.name, sys.platform, platform.system() asked directly
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                    (node.value.id, node.attr) in {("os", "name"), ("sys", "platform"), ("platform", "system")}):
                direct.append(f"{rel}:{node.lineno}")
    assert direct == [], "ask casegraph.system instead"
    assert asked == set(BRANCHES)
    here = {n.name for n in ast.parse(Path(__file__).read_text(encoding="utf-8")).body if isinstance(n, ast.FunctionDef)}
    assert set(BRANCHES.values()) <= here


def test_cache_dir(monkeypatch, tmp_path, on_windows):
    monkeypatch.delenv("CASEGRAPH_CACHE", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert resources.cache_dir() == tmp_path / "Local" / "casegraph"
    monkeypatch.delenv("LOCALAPPDATA")  # a service account without one: the home folder, as on Linux
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resources.cache_dir() == tmp_path / "xdg" / "casegraph"
    monkeypatch.setattr(system, "windows", lambda: False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))  # ignored off Windows
    assert resources.cache_dir() == tmp_path / "xdg" / "casegraph"
    monkeypatch.setenv("CASEGRAPH_CACHE", str(tmp_path / "mine"))
    assert resources.cache_dir() == tmp_path / "mine"


def test_neo4j_data_dir(monkeypatch, tmp_path, on_windows):
    monkeypatch.delenv("CASEGRAPH_NEO4J_DATA", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert server.default_data_dir() == tmp_path / "Local" / "casegraph" / "neo4j"
    monkeypatch.setattr(system, "windows", lambda: False)
    assert server.default_data_dir() == Path.home() / ".local" / "share" / "casegraph" / "neo4j"


def _fake_java(home: Path, name: str, version: str) -> None:
    exe = home / "bin" / name
    exe.parent.mkdir(parents=True)
    exe.write_text(f"#!/bin/sh\necho '{version}' >&2\n", encoding="utf-8", newline="\n")
    exe.chmod(0o755)


def test_java_is_java_exe_in_java_home_on_windows(monkeypatch, tmp_path, on_windows):
    _fake_java(tmp_path / "jdk21", "java.exe", 'openjdk version "21.0.7" 2025-04-15')
    _fake_java(tmp_path / "unix", "java", 'openjdk version "21.0.7" 2025-04-15')
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk21"))
    assert server._java() == str(tmp_path / "jdk21" / "bin" / "java.exe")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "unix"))  # a Windows JAVA_HOME has no bin/java
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(JavaMissing, match=r"^Java 17\+ is needed for the Neo4j engine only .*embedded engine") as e:
        server._java()
    assert e.value.exit_code == EXIT_NO_JAVA == 6 and "\n" not in str(e.value)
    _fake_java(tmp_path / "jdk8", "java.exe", 'java version "1.8.0_381"')
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk8"))
    with pytest.raises(JavaMissing, match=r"is Java 8\)"):
        server._java()
    monkeypatch.setattr(system, "windows", lambda: False)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "unix"))
    assert server._java() == str(tmp_path / "unix" / "bin" / "java")


def test_server_process_is_detached_the_way_of_each_os(monkeypatch, on_windows):
    # Windows' creation flags, by their values in the Windows API (absent from Linux's subprocess)
    monkeypatch.setattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200, raising=False)
    monkeypatch.setattr(subprocess, "DETACHED_PROCESS", 0x8, raising=False)
    assert server._detached() == {"creationflags": 0x208}
    monkeypatch.setattr(system, "windows", lambda: False)
    assert server._detached() == {"start_new_session": True, "umask": 0o077}


class _Spy(socket.socket):
    options: list = []

    def setsockopt(self, *args):
        _Spy.options.append(args[:2])
        return super().setsockopt(*args)


def test_port_is_free_without_reuseaddr_on_windows(monkeypatch, on_windows):
    # On Windows SO_REUSEADDR lets a second socket bind a port in use: the port would look free.
    monkeypatch.setattr(server.socket, "socket", _Spy)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for windows in (True, False):
            monkeypatch.setattr(system, "windows", lambda w=windows: w)
            _Spy.options = []
            assert server._port_is_free(port) is False
            assert ((socket.SOL_SOCKET, socket.SO_REUSEADDR) in _Spy.options) is (not windows)
    assert server._port_is_free(port) is True


def test_neo4j_folder_is_chmod_ed_on_linux_only(tmp_path, monkeypatch, on_windows):
    data = tmp_path / "neo4j"
    data.mkdir(mode=0o755)
    (data / "store").write_text("names", encoding="utf-8")
    (data / "store").chmod(0o644)
    server._make_private(data)  # Windows: the folder's ACL (the user profile's) is what keeps others out
    assert oct(data.stat().st_mode & 0o777) == "0o755" and oct((data / "store").stat().st_mode & 0o777) == "0o644"
    monkeypatch.setattr(system, "windows", lambda: False)
    server._make_private(data)
    assert oct(data.stat().st_mode & 0o777) == "0o700" and oct((data / "store").stat().st_mode & 0o777) == "0o600"


def test_classpath_on_windows_is_one_jar_and_the_server_starts_from_it(monkeypatch, tmp_path, on_windows):
    server.build()
    jars = server.classpath_jars()
    assert server._classpath().count(";") == len(jars) - 1 and ":" + str(jars[1]) not in server._classpath()
    args = server._classpath_args()
    assert args[0] == "-cp" and len(args) == 2 and len(args[1]) < 300
    jar = Path(args[1])
    assert jar.parent == server.LIB_DIR and classpath.manifest_of(jar)["Class-Path"].split() == [j.name for j in jars]
    assert server._classpath_args() == args  # the same jar, not made again

    # The JVM on this machine takes the jar as a Windows one would: Neo4j's admin tool runs from it ...
    r = subprocess.run([shutil.which("java"), "-cp", str(jar), "org.neo4j.cli.AdminTool", "--version"],
                       capture_output=True, text=True, env={**os.environ, "NEO4J_HOME": str(tmp_path)}, timeout=120)
    assert r.returncode == 0 and r.stdout.strip().startswith("5.26."), r.stderr
    # ... and so does the server, with a command line of one jar instead of 200
    monkeypatch.setattr(system, "windows", lambda: False)
    monkeypatch.setattr(server, "_classpath_args", lambda: args)
    data = tmp_path / "neo4j"
    try:
        info = server.start(data, heap="512m", pagecache="128m")
        cmdline = psutil.Process(info.pid).cmdline()
        assert cmdline[cmdline.index("-cp") + 1] == str(jar) and sum(len(a) for a in cmdline) < 2000
        from casegraph.engines.neo4j import db as ne

        with ne.connect(info.uri) as db:
            assert db.read("RETURN 1 AS one")["one"].tolist() == [1]
    finally:
        server.stop(data)


def test_explorer_opens_a_browser_unless_linux_has_no_display(monkeypatch, on_linux):
    opened = []
    monkeypatch.setattr(serve.webbrowser, "open", opened.append)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert "no display here" in serve._browser_opened("http://127.0.0.1:1/?token=t")
    monkeypatch.setattr(system, "linux", lambda: False)
    monkeypatch.setattr(system, "windows", lambda: True)  # Windows always has a desktop to open it on
    assert serve._browser_opened("http://127.0.0.1:1/?token=t") is None
    for t in threading.enumerate():
        if t.daemon and t is not threading.current_thread():
            t.join(timeout=5)
    assert opened == ["http://127.0.0.1:1/?token=t"]


def test_kit_is_for_this_os(monkeypatch, on_windows):
    assert targets.current_platform() == "windows"
    monkeypatch.setattr(system, "windows", lambda: False)
    assert targets.current_platform() == "linux"


def test_lock_names_its_holder_without_a_posix_user_id(monkeypatch):
    def no_user():
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert lock._user() == str(os.getuid())
    monkeypatch.delattr(os, "getuid")  # Windows has none
    assert lock._user() == "?"


# ------------------------------------------------------------------ files and output, on every OS

# Text files written without naming both encoding and line end, and why that is right.
_ALLOWED = {
    ("normalise/identity.py", "fdopen"): "the key file: one line of hex, read back with strip()",
}


def _text_writes() -> list[tuple[str, int, str, set[str]]]:
    """Each call that writes a text file, with the keywords it passes."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            keywords = {k.arg for k in node.keywords}
            if None in keywords:
                keywords |= {"encoding", "newline"}  # **options: judged where they are made
            mode = next((a.value for a in node.args[1:2] if isinstance(a, ast.Constant)), None)
            mode = next((k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)),
                        mode)
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "formatter":
                continue  # click's HelpFormatter.write_text: help for the terminal, not a file
            builtin_open = isinstance(f, ast.Name) and name == "open"
            if name == "write_text" or ((builtin_open or name == "fdopen") and mode and set(mode) & set("wax")
                                        and "b" not in mode):
                out.append((rel, node.lineno, name, keywords))
            elif name == "to_csv" and node.args:  # to a path (without one it returns text)
                out.append((rel, node.lineno, name, keywords | ({"newline"} if "lineterminator" in keywords else set())))
    return out


def test_written_text_files_name_their_encoding_and_line_end():
    """Not the OS's defaults: GBK and CRLF on a Chinese Windows, UTF-8 and LF here."""
    writes = _text_writes()
    assert len(writes) >= 15  # the scan sees them
    loose = [f"{rel}:{line} {name}" for rel, line, name, kw in writes
             if not {"encoding", "newline"} <= kw and (rel, name) not in _ALLOWED]
    assert loose == []


def test_csv_has_lf_and_a_bom_where_the_os_line_end_is_crlf(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "linesep", "\r\n")  # what pandas takes on Windows
    by_polars = pd.DataFrame({"name": ["张三", "李四"], "n": [1, 2]})
    by_pandas = pd.DataFrame({"name": ["张三", "a\rb"]})  # one column, and a lone CR: pandas writes it
    for df, name in ((by_polars, "p.csv"), (by_pandas, "q.csv")):
        write_csv(df, tmp_path / name)
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data, data
    assert (tmp_path / "p.csv").read_bytes().decode("utf-8-sig") == "name,n\n张三,1\n李四,2\n"


def test_output_in_a_code_page_without_the_character_is_escaped_not_a_traceback(tmp_path):
    """A Windows task's log is written in GBK; 𠀀 (U+20000) is in GB 18030, not in GBK."""
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("案号,案由,申请执行人,被执行人,执行标的（元）,承办人\n"
                      "（2024）沪0113执1号,民间借贷纠纷,张\U00020000,李四,1000,王法官\n", encoding="utf-8-sig")
    r = subprocess.run([sys.executable, "-m", "casegraph.cli", "check", str(ledger)], capture_output=True,
                       env={**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONPATH": str(ROOT)}, timeout=300)
    assert r.returncode == 0, r.stderr.decode("gbk", "replace")
    out = r.stdout.decode("gbk")
    assert "申请执行人 张\\U00020000" in out and "usable" in out
