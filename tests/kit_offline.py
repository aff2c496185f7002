"""Run inside a network namespace with no network (``unshare -n``): install
an offline kit as a court's IT staff would, and use it. tests/test_kit.py
runs it and judges what it prints (one JSON object: each step's exit code
and output).

    unshare -n -- python3 tests/kit_offline.py KIT_FOLDER WORK_FOLDER

Nothing here can reach the network: the namespace has loopback only, and
the driver records its interfaces and routes to prove it. ``mvn`` on PATH
is a stand-in that records being called (the kit must not need Maven);
HOME and casegraph's cache are fresh folders.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path


def main(kit: Path, work: Path) -> dict:
    steps: dict[str, dict] = {}
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    steps["links"] = run(["ip", "-o", "link", "show"], os.environ)
    steps["routes"] = run(["ip", "route", "show"], os.environ)
    steps["routes6"] = run(["ip", "-6", "route", "show"], os.environ)
    steps["outside"] = reach_out()

    fake = work / "fakebin"
    fake.mkdir(parents=True)
    (fake / "mvn").write_text(f"#!/bin/sh\necho called >> {work / 'mvn-called'}\nexit 1\n")
    (fake / "mvn").chmod(0o755)
    venv = work / "venv"
    env = {"PATH": f"{fake}:{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(work / "home"),
           "CASEGRAPH_CACHE": str(work / "cache"), "CASEGRAPH_NEO4J_DATA": str(work / "neo4j"),
           "LANG": "C.UTF-8", "PYTHON": sys.executable, "PYTHONUNBUFFERED": "1"}
    (work / "home").mkdir()
    steps["install"] = run(["sh", str(kit / "install.sh"), str(venv)], env, cwd=work, timeout=900)
    if steps["install"]["rc"] != 0:
        return steps
    cg = str(venv / "bin" / "casegraph")
    steps["where"] = run([str(venv / "bin" / "python"), "-c", "import casegraph; print(casegraph.__file__)"], env,
                         cwd=work)  # not the checkout: python -c puts the current folder first on sys.path
    steps["sample"] = run([cg, "sample", "--cases", "400", "--out", "export"], env, cwd=work)
    no_java = {**env, "PATH": f"{fake}:{venv / 'bin'}"}  # no /usr/bin: no java
    steps["no_java"] = run([cg, "neo4j", "start"], no_java, cwd=work)
    steps["start"] = run([cg, "neo4j", "start", "--heap", "512m", "--pagecache", "256m"], env, cwd=work,
                         timeout=300)
    try:
        steps["load"] = run([cg, "load", "export", "--no-progress"], env, cwd=work, timeout=600)
        steps["flag"] = run([cg, "flag", "--out", "flags", "--no-progress", "--json"], env, cwd=work, timeout=600)
        case_no = (work / "export" / "cases.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
        steps["query"] = run([cg, "query", "related_cases", "--param", f"case_no={case_no}", "--json"], env,
                             cwd=work)
        steps["query"]["case_no"] = case_no
    finally:
        steps["stop"] = run([cg, "neo4j", "stop"], env, cwd=work, timeout=180)
    steps["explore"] = explore(cg, env, work)
    steps["mvn_called"] = (work / "mvn-called").exists()
    steps["cache"] = sorted(str(p.relative_to(work / "cache")) for p in (work / "cache").glob("*/*"))
    return steps


def reach_out() -> dict:
    """What trying to leave the machine gives: PyPI by name, and an address."""
    out = {}
    for what, address in (("pypi.org", ("pypi.org", 443)), ("1.1.1.1", ("1.1.1.1", 443))):
        try:
            socket.create_connection(address, timeout=5).close()
            out[what] = "connected"
        except OSError as e:
            out[what] = f"{type(e).__name__}: {e}"
    return out


def run(cmd, env, cwd=None, timeout=300) -> dict:
    r = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return {"rc": r.returncode, "out": r.stdout[-4000:], "err": r.stderr[-4000:]}


def explore(cg: str, env: dict, work: Path) -> dict:
    """``casegraph explore --no-browser``, asked one search over loopback."""
    name = next(line.split(",")[1] for line in
                (work / "venv" / "demo" / "results" / "common_debtors.csv").read_text(encoding="utf-8-sig")
                .splitlines()[1:2])
    proc = subprocess.Popen([cg, "explore", str(work / "venv" / "demo" / "export"), "--no-browser"], env=env,
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline().strip()
        m = re.fullmatch(r"(http://127\.0\.0\.1:\d+)/\?token=([\w-]+)", first)
        if not m:
            return {"first": first, "name": name}
        base, token = m.groups()
        url = f"{base}/api/search?" + urllib.parse.urlencode({"q": name, "token": token})
        with urllib.request.urlopen(url, timeout=120) as r:
            body = json.loads(r.read().decode("utf-8"))
        return {"first": first, "name": name, "status": r.status, "results": body["results"][:3]}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False))
