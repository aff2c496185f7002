"""The kit's wheels: casegraph's own, built from the checkout, and every
dependency for each Python version of a platform, downloaded by pip.

pip downloads for another machine (``--platform``, ``--python-version``,
``--only-binary=:all:``) but evaluates the dependencies' environment markers
on the machine it runs on: on Linux, asked for Windows, it leaves out
``colorama; sys_platform == "win32"`` (click and tqdm need it there) and
brings ``pexpect``. So the wheels are asked instead: :func:`closure` walks
each wheel's ``Requires-Dist`` with the *target's* marker values, the wheels
pip missed are downloaded, and the ones the target never imports are left
out. What no index has as a wheel for the target is reported, not hidden.

Each Python version gets a lock (``requirements-cp311.txt``): every wheel
pinned by version and SHA-256, so that ``pip install --require-hashes``
installs exactly what was downloaded, and a wheel changed on the way is
refused.

>>> from packaging.requirements import Requirement
>>> wanted(Requirement('colorama; sys_platform == "win32"'), {"sys_platform": "win32", "extra": ""}, ())
True
>>> wanted(Requirement('pexpect>4.3; sys_platform != "win32"'), {"sys_platform": "win32", "extra": ""}, ())
False
"""
from __future__ import annotations

import email.parser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from casegraph.errors import KitError
from casegraph.kit.targets import Platform

# Wheels carry no dates of their own: every build of the same sources is the
# same file (setuptools reads SOURCE_DATE_EPOCH; 2024-01-01).
SOURCE_DATE_EPOCH = "1704067200"
# What of the checkout makes casegraph's wheel (setup.py adds cypher/ and neo4j/).
_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "casegraph", "cypher", "neo4j/pom.xml",
            "neo4j/src")
_PIP_TIMEOUT = 1800


@dataclass
class Wheel:
    """One downloaded wheel and what it needs."""

    path: Path
    name: str  # canonical
    version: str
    requires: list[Requirement]


@dataclass
class Resolved:
    """The wheels of one Python version of a platform."""

    python: str
    wheels: dict[str, Wheel] = field(default_factory=dict)  # by canonical name
    missing: list[str] = field(default_factory=list)  # "name (needed by x): what pip said"

    @property
    def tag(self) -> str:
        return "cp" + self.python.replace(".", "")


def checkout() -> Path:
    """The source checkout casegraph runs from (a kit is built from one)."""
    from casegraph.resources import PACKAGE

    root = PACKAGE.parent
    if not (root / "pyproject.toml").is_file() or not (root / "setup.py").is_file():
        raise KitError(f"{root}: no source checkout here (pyproject.toml, setup.py); "
                       "casegraph kit builds from a clone of casegraph's repository")
    return root


def checkout_version() -> str:
    """casegraph's version in the checkout's pyproject.toml."""
    import tomllib

    with open(checkout() / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def build_own_wheel(dest: Path) -> Path:
    """casegraph's wheel, built from a clean copy of the checkout's sources
    (no build output, caches or ``_data`` of an earlier build), its dates fixed."""
    root = checkout()
    with tempfile.TemporaryDirectory(prefix="casegraph-kit-src-") as tmp:
        src = Path(tmp) / "casegraph"
        junk = shutil.ignore_patterns("__pycache__", "*.pyc", "_data", "target", "*.egg-info")
        for name in _SOURCES:
            here, there = root / name, src / name
            there.parent.mkdir(parents=True, exist_ok=True)
            if here.is_dir():
                shutil.copytree(here, there, ignore=junk)
            else:
                shutil.copy2(here, there)
        out = Path(tmp) / "wheel"
        _pip(["wheel", "--no-deps", "-w", str(out), str(src)], "building casegraph's wheel",
             env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
        built = sorted(out.glob("casegraph-*.whl"))
        if len(built) != 1:
            raise KitError(f"building casegraph's wheel made {len(built)} wheels in {out}")
        dest.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(built[0], dest / built[0].name))


def resolve(own: Path, platform: Platform, python: str, work: Path) -> Resolved:
    """Every wheel CPython ``python`` on ``platform`` needs to install the
    wheel ``own``, downloaded into ``work``; what cannot be had is in
    ``missing``."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy2(own, work / own.name)
    result = Resolved(python)
    failed = _download([str(own)], platform, python, work)
    if failed:
        result.missing.append(failed)
        return result
    env = platform.markers(python)
    for _ in range(20):  # each round fetches what the target's markers add
        found = read_wheels(work)
        needed, absent = closure(found, canonicalize_name(_wheel_name(own)), env)
        if not absent:
            result.wheels = {n: found[n] for n in sorted(needed)}
            return result
        for req, parent in absent:
            failed = _download([_spec(req)], platform, python, work)
            if failed:
                result.missing.append(f"{req.name} (needed by {parent}): {failed}")
        if result.missing:
            return result
    raise KitError(f"the wheels for Python {python} on {platform.name} kept needing more (dependency cycle?)")


def wanted(req: Requirement, env: dict[str, str], extras) -> bool:
    """Whether ``req`` applies on the target ``env`` for any of ``extras`` (or none)."""
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": e}) for e in ("", *extras))


def closure(found: dict[str, Wheel], root: str, env: dict[str, str]) -> tuple[set[str], list]:
    """The names ``root`` needs on ``env`` (itself included), and the
    requirements no wheel in ``found`` meets, with who needs them."""
    needed: set[str] = set()
    absent = []
    todo = [(root, (), "the kit")]
    seen = set()
    while todo:
        name, extras, parent = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        needed.add(name)
        for req in found[name].requires:
            if not wanted(req, env, extras):
                continue
            dep = canonicalize_name(req.name)
            have = found.get(dep)
            if have is None or not req.specifier.contains(have.version, prereleases=True):
                absent.append((req, name))
                continue
            todo.append((dep, tuple(sorted(req.extras)), name))
    return needed, absent


def read_wheels(folder: Path) -> dict[str, Wheel]:
    """The wheels in ``folder`` by canonical name (the newest of a name)."""
    out: dict[str, Wheel] = {}
    for path in sorted(folder.glob("*.whl")):
        name, version, _, _ = parse_wheel_filename(path.name)
        with zipfile.ZipFile(path) as z:
            meta = next(n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
            headers = email.parser.BytesParser().parsebytes(z.read(meta), headersonly=True)
        requires = [Requirement(r) for r in headers.get_all("Requires-Dist") or []]
        old = out.get(name)
        if old is None or version > parse_wheel_filename(old.path.name)[1]:
            out[name] = Wheel(path, name, str(version), requires)
    return out


def lock_text(resolved: Resolved) -> str:
    """The lock of one Python version: each wheel pinned with its hash."""
    lines = [f"# casegraph kit: the wheels for CPython {resolved.python}, "
             "installed with pip install --no-index --require-hashes -r"]
    for w in resolved.wheels.values():
        lines.append(f"{w.name}=={w.version} --hash=sha256:{sha256(w.path)}")
    return "\n".join(lines) + "\n"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _spec(req: Requirement) -> str:
    """``req`` without its marker (pip would judge the marker by this machine)."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def _wheel_name(path: Path) -> str:
    return str(parse_wheel_filename(path.name)[0])


def _download(reqs: list[str], platform: Platform, python: str, dest: Path) -> str:
    """pip download for the target; '' when it worked, else pip's reason in one line."""
    tag = python.replace(".", "")
    args = ["download", "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
            "--abi", f"cp{tag}", "--abi", "abi3", "--abi", "none", "-d", str(dest)]
    for p in platform.pip_platforms:
        args += ["--platform", p]
    try:
        _pip(args + reqs, f"downloading the wheels for Python {python} on {platform.name}")
    except KitError as e:
        return str(e)
    return ""


def _pip(args: list[str], what: str, env: dict[str, str] | None = None) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=_PIP_TIMEOUT,
                           env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise KitError(f"{what}: pip did not finish within {_PIP_TIMEOUT} s") from None
    if r.returncode != 0:
        errors = [ln.removeprefix("ERROR: ").strip() for ln in r.stderr.splitlines() if ln.startswith("ERROR:")]
        raise KitError(f"{what}: " + ("; ".join(errors[-2:]) or f"pip exited {r.returncode}"))
