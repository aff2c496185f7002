"""An offline install kit: casegraph for a machine without internet (a
court's private network), built on a machine with it.

:func:`build_kit` makes, in ``out``::

    casegraph-0.1.0-kit-linux/          (or -windows)
        wheels/            casegraph and every dependency, for each Python version,
                           and requirements-cp3XX.txt: each pinned with its SHA-256
        neo4j/             the local Neo4j, prebuilt (casegraph.kit.jars)
        docs/              使用说明.md and its pictures
        install.sh         (install.bat + install.ps1 for Windows)
        安装说明.txt         the steps in Chinese for the IT staff
        manifest.json      every file with its version, size and SHA-256
    casegraph-0.1.0-kit-linux.zip       the folder, reproducibly zipped
    casegraph-0.1.0-kit-linux.zip.sha256
    casegraph-0.1.0-kit-linux-安装说明.txt   the same steps, with the zip's size and SHA-256

Building needs the internet (PyPI; Maven Central unless the local Neo4j
is built already), a source checkout and, for the jars, Java and Maven.
Example (``casegraph kit --out kits/ --platform windows`` does the same)::

    from casegraph.kit import build_kit
    report = build_kit("kits/", platform="windows")
    report["zip"], report["sizes"]["zip"], report["missing"]   # what no wheel exists for: {}

The kit's contents are reproducible: built again from the same checkout
with the same downloads, every file and the zip are the same bytes (no
dates inside; the build time is in the report and the outer 安装说明 only).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from casegraph.kit import guide, jars, pack, scripts, wheels
from casegraph.kit.targets import NOT_SUPPORTED, PLATFORMS, PYTHONS, current_platform
from casegraph.errors import KitError

__all__ = ["KitError", "build_kit", "kit_name"]


def kit_name(platform: str) -> str:
    """``casegraph-<version>-kit-<platform>``: the folder's and the zip's name."""
    return f"casegraph-{wheels.checkout_version()}-kit-{platform}"


def build_kit(out: str | os.PathLike[str], platform: str | None = None, pythons=PYTHONS, say=lambda line: None) -> dict:
    """Build the kit for ``platform`` (``linux`` or ``windows``; default this
    machine's) and CPython ``pythons`` into ``out``; returns the report:
    folder, zip, sizes, seconds, the wheels' versions by Python version,
    what has no wheel (``missing``) and which Python versions cannot be in
    a kit and why (``not_supported``). ``say`` hears each step.

    Raises KitError when no Python version can be served, or a part cannot
    be made (one line)."""
    started = time.perf_counter()
    platform = platform or current_platform()
    if platform not in PLATFORMS:
        raise KitError(f"no kit for platform {platform!r} (there are: {', '.join(PLATFORMS)})")
    target = PLATFORMS[platform]
    own_version = wheels.checkout_version()
    out = Path(out)
    name = kit_name(platform)
    out.mkdir(parents=True, exist_ok=True)
    asked = list(dict.fromkeys(pythons))
    # Said whether asked or not: the range is 3.10-3.13, and the IT staff should read why one is missing.
    not_supported = dict(NOT_SUPPORTED)
    served = [p for p in asked if p not in NOT_SUPPORTED]
    seconds = {}
    with tempfile.TemporaryDirectory(prefix=".casegraph-kit-", dir=out) as tmp:
        stage = Path(tmp) / name
        (stage / "wheels").mkdir(parents=True)
        t = time.perf_counter()
        say("building casegraph's wheel")
        own = wheels.build_own_wheel(Path(tmp) / "own")
        seconds["own wheel"] = time.perf_counter() - t

        t = time.perf_counter()
        resolved, missing = {}, {}
        for python in served:
            say(f"downloading the wheels for Python {python} on {platform}")
            r = wheels.resolve(own, target, python, Path(tmp) / "download" / python)
            if r.missing:
                missing[python] = r.missing
                continue
            resolved[python] = r
            for w in r.wheels.values():
                shutil.copyfile(w.path, stage / "wheels" / w.path.name)
            (stage / "wheels" / f"requirements-{r.tag}.txt").write_text(wheels.lock_text(r), encoding="utf-8",
                                                                        newline="\n")
        if not resolved:
            raise KitError(f"no Python version can be served on {platform}: "
                           + "; ".join(f"{p}: {m[0]}" for p, m in missing.items()) if missing else
                           f"no Python version to build for (asked: {', '.join(asked)})")
        seconds["wheels"] = time.perf_counter() - t

        t = time.perf_counter()
        say("copying the local Neo4j's jars")
        neo4j = jars.collect(stage / "neo4j")
        seconds["neo4j"] = time.perf_counter() - t

        _copy_docs(stage / "docs")
        kept = list(resolved)
        scripts.write_scripts(stage, platform, own_version, kept)
        sizes = {"wheels": _size(stage / "wheels"), "neo4j": _size(stage / "neo4j")}
        head = {
            "casegraph": own_version, "platform": platform, "pythons": kept, "not_supported": not_supported,
            "missing": missing, "neo4j": {"version": neo4j["neo4j"], "fingerprint": neo4j["fingerprint"],
                                          "jars": neo4j["jars"]},
            "requires_glibc": pack.min_glibc(p.name for p in (stage / "wheels").glob("*.whl"))
            if platform == "linux" else None,
            "dependencies": {p: {w.name: w.version for w in r.wheels.values()} for p, r in resolved.items()},
        }
        # The guide's own size is not known before it is written: it counts the rest.
        sizes["total"] = _size(stage)
        guide.write_guide(stage / "安装说明.txt", guide.guide({**head, "sizes": sizes}))
        pack.write_manifest(stage, {**head, "sizes": sizes},
                            {"install": own_version, "guide": own_version, "lock": own_version, "jar": own_version,
                             "neo4j": neo4j["neo4j"], "licence": neo4j["neo4j"]})
        sizes["total"] = _size(stage)

        t = time.perf_counter()
        say("zipping the kit")
        folder, archive = out / name, out / f"{name}.zip"
        if folder.exists():
            shutil.rmtree(folder)
        stage.replace(folder)
        pack.write_zip(folder, archive)
        seconds["zip"] = time.perf_counter() - t
    digest = wheels.sha256(archive)
    sizes["zip"] = archive.stat().st_size
    (out / f"{name}.zip.sha256").write_text(f"{digest}  {archive.name}\n", encoding="utf-8", newline="\n")
    seconds["total"] = time.perf_counter() - started
    outer = guide.guide({**head, "sizes": sizes}, zip_name=archive.name, zip_size=sizes["zip"], zip_sha256=digest)
    built = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    outer += f"构建于 {built}，用时 {seconds['total']:.0f} 秒。\r\n"
    guide.write_guide(out / f"{name}-安装说明.txt", outer)
    return {"folder": folder, "zip": archive, "sha256": digest, "platform": platform, "pythons": kept,
            "sizes": sizes, "seconds": {k: round(v, 1) for k, v in seconds.items()}, "missing": missing,
            "not_supported": not_supported, "neo4j": neo4j["neo4j"], "dependencies": head["dependencies"],
            "requires_glibc": head["requires_glibc"]}


def _copy_docs(dest: Path) -> None:
    """The guide in Chinese and the pictures it shows, from the checkout."""
    docs = wheels.checkout() / "docs"
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(docs.glob("*")):
        if path.suffix in (".md", ".png") and path.is_file():
            shutil.copyfile(path, dest / path.name)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
