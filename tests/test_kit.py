"""The offline install kit (issue 24), built for real from PyPI and the local
Neo4j build, and used with no network.

* The Linux kit is built by ``casegraph kit``, then installed into a fresh
  virtual environment inside a network namespace that has loopback only
  (``unshare -n``), where ``casegraph demo``, ``neo4j start``, ``load``,
  ``flag``, ``query related_cases`` and one search of ``explore
  --no-browser`` run (tests/kit_offline.py), with a stand-in ``mvn`` that
  must never be called.
* The Windows kit is built twice (wheels for Windows amd64, not run): its
  manifest must hold every dependency the wheels themselves ask for on
  Windows, and the two builds must be the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ["3.11", "3.12", "3.13"]


def env_here() -> dict:
    """The environment of a subprocess that must run this checkout's casegraph."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in [k for k in env if k.startswith("PIP_FIND_LINKS")]:
        env.pop(name)
    return env


def build(out: Path, *args: str) -> dict:
    r = subprocess.run([sys.executable, "-m", "casegraph.cli", "kit", "--out", str(out), "--json", *args],
                       capture_output=True, text=True, env=env_here(), timeout=1800)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kit_builds_from_this_checkout():
    r = subprocess.run([sys.executable, "-c", "import casegraph; print(casegraph.__file__)"], capture_output=True,
                       text=True, env=env_here(), cwd="/")
    assert r.stdout.strip() == str(ROOT / "casegraph" / "__init__.py")


@pytest.fixture(scope="module")
def linux_kit(tmp_path_factory):
    out = tmp_path_factory.mktemp("kits")
    report = build(out, "--platform", "linux")
    yield out, report
    shutil.rmtree(out)  # a gigabyte: pytest would keep it for three runs


def check_manifest(folder: Path) -> dict:
    """The manifest lists every file of the kit with its true size and hash."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert sorted(listed) == [p for p in on_disk if p != "manifest.json"]
    for path, f in listed.items():
        assert f["size"] == (folder / path).stat().st_size and f["sha256"] == sha256(folder / path), path
        assert f["version"], path  # every file says which version it is
    return manifest


def test_linux_kit_holds_what_it_says(linux_kit):
    out, report = linux_kit
    folder, archive = Path(report["folder"]), Path(report["zip"])
    manifest = check_manifest(folder)
    assert manifest["pythons"] == PYTHONS and report["missing"] == {}
    assert "3.10" in manifest["not_supported"] and "pandas 3" in manifest["not_supported"]["3.10"]
    # the zip is the folder, and its hash is the one beside it and in the outer 安装说明
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == sorted(f"{folder.name}/{p}" for p in [f["path"] for f in manifest["files"]]
                                              + ["manifest.json"])
        assert z.getinfo(f"{folder.name}/install.sh").external_attr >> 16 & 0o111
    digest = sha256(archive)
    assert report["sha256"] == digest
    assert (out / f"{archive.name}.sha256").read_text() == f"{digest}  {archive.name}\n"
    outer = (out / f"{folder.name}-安装说明.txt").read_bytes()
    assert outer.startswith(b"\xef\xbb\xbf") and b"\r\n" in outer
    text = outer.decode("utf-8-sig")
    assert digest in text and f"{archive.stat().st_size:,} 字节" in text and "sh install.sh" in text
    assert "glibc 2.28" in text and manifest["requires_glibc"] == "2.28"
    inner = (folder / "安装说明.txt").read_bytes().decode("utf-8-sig")
    assert "离线安装" in inner and "Java 17" in inner and "退出码 6" in inner
    # each Python version's lock pins every wheel it installs, with its hash
    hashes = {}
    for w in (folder / "wheels").glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(w.name)
        hashes.setdefault(f"{name}=={version}", set()).add(sha256(w))
    for python in PYTHONS:
        lock = (folder / "wheels" / f"requirements-cp{python.replace('.', '')}.txt").read_text().splitlines()
        pins = dict(line.split(" --hash=sha256:") for line in lock if not line.startswith("#"))
        assert {p.split("==")[0] for p in pins} == set(manifest["dependencies"][python])
        for pin, digest in pins.items():
            assert digest in hashes.get(pin, ()), pin
        assert "casegraph==0.1.0" in pins and any(p.startswith("pandas==3") for p in pins)
    # the local Neo4j, prebuilt, with its licences
    neo4j = folder / "neo4j"
    names = (neo4j / "classpath.txt").read_text().split()
    assert names[0] == "casegraph-neo4j.jar" and len(names) > 100
    assert sorted(p.name for p in (neo4j / "lib").glob("*.jar")) == sorted(names)
    assert "GNU GENERAL PUBLIC LICENSE" in (neo4j / "licenses" / "LICENSE.txt").read_text()
    assert (neo4j / "licenses" / "NOTICE.txt").is_file()
    from casegraph.resources import maven_fingerprint
    assert (neo4j / "fingerprint").read_text().strip() == maven_fingerprint()
    assert (folder / "docs" / "使用说明.md").is_file()


def test_linux_kit_installs_and_runs_with_no_network(linux_kit, tmp_path):
    """In a namespace with loopback only: install, demo, Neo4j, load, flag, query, explore."""
    _, report = linux_kit
    work = tmp_path / "offline"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHONPATH", "NEO4J_", "CASEGRAPH_"))}
    # As root a new network namespace; otherwise one inside a user namespace of our own (-r)
    unshare = ["unshare", "-n", "--"] if os.geteuid() == 0 else ["unshare", "-r", "-n", "--"]
    r = subprocess.run([*unshare, sys.executable, str(ROOT / "tests" / "kit_offline.py"),
                        str(report["folder"]), str(work)], capture_output=True, text=True, env=env, timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    steps = json.loads(r.stdout)
    shutil.rmtree(work, ignore_errors=True)
    # the namespace has loopback only, and no route anywhere
    links = steps["links"]["out"].strip().splitlines()
    assert len(links) == 1 and ": lo:" in links[0], links
    assert steps["routes"]["out"].strip() == "" and "default" not in steps["routes6"]["out"]
    assert all(v != "connected" for v in steps["outside"].values()) and "gaierror" in steps["outside"]["pypi.org"]

    install = steps["install"]
    assert install["rc"] == 0, install
    assert "results in" in install["out"] and re.search(r"found [1-9]\d* common debtors", install["out"]), install
    assert steps["where"]["out"].strip().startswith(str(work / "venv")), steps["where"]
    # no Java: one line, exit 6, the embedded engine named as the way without it
    no_java = steps["no_java"]
    assert no_java["rc"] == 6 and no_java["err"].count("\n") == 1, no_java
    assert "Java 17+ is needed for the Neo4j engine only" in no_java["err"] and "embedded engine" in no_java["err"]
    # Neo4j from the kit's jars: no Maven called, no Maven project in the cache
    assert steps["start"]["rc"] == 0 and "Neo4j runs at neo4j://127.0.0.1:" in steps["start"]["out"], steps["start"]
    assert steps["mvn_called"] is False
    assert not any(p.endswith(("pom.xml", "src")) for p in steps["cache"]), steps["cache"]
    assert steps["load"]["rc"] == 0 and "loaded 400 cases" in steps["load"]["out"], steps["load"]
    assert steps["flag"]["rc"] == 0, steps["flag"]
    assert set(json.loads(steps["flag"]["out"])["flags"]) >= {"centralised", "offset"}
    query = steps["query"]
    assert query["rc"] == 0, query
    related = json.loads(query["out"])
    # the first case of the sample shares a party with others: they come back, each with what ties it
    assert related["total_rows"] >= 1 and all(r["via"] for r in related["rows"]), related
    assert query["case_no"] not in {r["case_no"] for r in related["rows"]}
    assert steps["stop"]["rc"] == 0 and "stopped" in steps["stop"]["out"]
    found = steps["explore"]
    assert found.get("status") == 200, found
    assert found["results"][0]["label"] == found["name"] and found["results"][0]["kind"] == "party"


def marker_closure(wheels: dict, env: dict) -> set[str]:
    """What casegraph needs on ``env``, asked of the wheels' own metadata."""
    needed, todo = set(), [("casegraph", ())]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in needed:
            continue
        needed.add((name, extras))
        for line in wheels[name]:
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate({**env, "extra": e}) for e in ("", *extras)):
                todo.append((canonicalize_name(req.name), tuple(sorted(req.extras))))
    return {n for n, _ in needed}


def requires(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode("utf-8")
    head = text.split("\n\n", 1)[0]
    return [line.split(":", 1)[1].strip() for line in head.splitlines() if line.startswith("Requires-Dist:")]


def test_windows_kit_has_every_dependency_and_builds_the_same_twice(tmp_path):
    first = build(tmp_path / "one", "--platform", "windows")
    folder = Path(first["folder"])
    manifest = check_manifest(folder)
    assert manifest["platform"] == "windows" and manifest["pythons"] == PYTHONS and first["missing"] == {}
    wheels = {}
    for f in manifest["files"]:
        if f["kind"] == "wheel":
            name, version, _, tags = parse_wheel_filename(f["path"].split("/")[-1])
            assert all(t.platform in ("any", "win_amd64") for t in tags), f["path"]  # nothing for Linux
            wheels.setdefault(str(name), {})[str(version)] = folder / f["path"]
    for python in PYTHONS:
        env = {**default_environment(), "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
               "platform_machine": "AMD64", "python_version": python, "python_full_version": f"{python}.0",
               "implementation_name": "cpython", "platform_python_implementation": "CPython"}
        deps = manifest["dependencies"][python]
        metadata = {name: requires(wheels[name][version]) for name, version in deps.items()}
        needed = marker_closure(metadata, env)
        assert needed == set(deps), (python, needed ^ set(deps))
        # click and tqdm need colorama on Windows; pexpect is for POSIX terminals only
        assert "colorama" in deps and "pexpect" not in deps and "psutil" in deps and "pyarrow" in deps
    bat = (folder / "install.bat").read_bytes()
    assert bat.isascii() and b"\r\n" in bat and b"install.ps1" in bat
    ps1 = (folder / "install.ps1").read_bytes()
    assert ps1.startswith(b"\xef\xbb\xbf") and b"\r\n" in ps1 and b"--require-hashes" in ps1
    assert not (folder / "install.sh").exists()
    text = (folder / "安装说明.txt").read_bytes().decode("utf-8-sig")
    assert "install.bat" in text and "icacls" in text and "Python 3.10" in text

    again = build(tmp_path / "two", "--platform", "windows")
    assert again["sha256"] == first["sha256"], "the same kit, built twice, differs"
    assert (Path(again["folder"]) / "manifest.json").read_bytes() == (folder / "manifest.json").read_bytes()
    shutil.rmtree(tmp_path / "one")
    shutil.rmtree(tmp_path / "two")


def _wheel(folder: Path, name: str, requires: list[str]) -> Path:
    """A pure-Python wheel of nothing but its metadata."""
    path = folder / f"{name}-1.0-py3-none-any.whl"
    info = f"{name}-1.0.dist-info"
    meta = "Metadata-Version: 2.1\nName: {}\nVersion: 1.0\n{}".format(
        name, "".join(f"Requires-Dist: {r}\n" for r in requires))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{info}/METADATA", meta)
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{info}/RECORD", "")
    return path


def test_a_dependency_without_a_wheel_for_the_platform_is_named(tmp_path, monkeypatch):
    """From a local index (no PyPI): a dependency only Windows asks for and
    none has a wheel of, and one published as source only."""
    from casegraph.kit import wheels
    from casegraph.kit.targets import PLATFORMS

    index = tmp_path / "index"
    index.mkdir()
    (index / "onlysdist-1.0.tar.gz").write_bytes(b"not a wheel")
    windows_only = _wheel(index, "needswin", ['winonly>=2; sys_platform == "win32"'])
    source_only = _wheel(index, "needssdist", ["onlysdist"])
    plain = _wheel(index, "plain", [])
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))

    # pip on Linux judges the marker here and downloads nothing more; the wheels' markers, read for Windows, ask
    r = wheels.resolve(windows_only, PLATFORMS["windows"], "3.12", tmp_path / "w")
    assert len(r.missing) == 1 and r.missing[0].startswith("winonly (needed by needswin): "), r.missing
    assert "no matching distribution found for winonly" in r.missing[0].lower()
    assert wheels.resolve(windows_only, PLATFORMS["linux"], "3.12", tmp_path / "l").missing == []
    r = wheels.resolve(source_only, PLATFORMS["linux"], "3.12", tmp_path / "s")
    assert len(r.missing) == 1 and "onlysdist" in r.missing[0], r.missing
    r = wheels.resolve(plain, PLATFORMS["windows"], "3.13", tmp_path / "p")
    assert r.missing == [] and list(r.wheels) == ["plain"]
