"""A kit folder's manifest and its zip, both the same for the same contents.

``manifest.json`` lists every file of the kit (but itself): path, kind,
version, size and SHA-256, and at its head what the kit is for. It holds no
date: two builds of the same sources and the same downloads give the same
manifest, and :func:`write_zip` the same zip, byte for byte (entries in name
order, each dated 2024-01-01, modes 0644 or 0755; wheels, jars and pictures
stored, being compressed already; text deflated).

>>> version_of("wheels/pandas-3.1.1-cp311-cp311-win_amd64.whl"), version_of("neo4j/lib/neo4j-kernel-5.26.30.jar")
('3.1.1', '5.26.30')
>>> min_glibc(["numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "x-1-py3-none-any.whl",
...            "psutil-7.2.2-cp36-abi3-manylinux2010_x86_64.manylinux_2_12_x86_64.manylinux_2_28_x86_64.whl"])
'2.27'
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from packaging.utils import parse_wheel_filename

from casegraph.kit.wheels import sha256

MANIFEST = "manifest.json"
_DATE = (2024, 1, 1, 0, 0, 0)
_STORED = (".whl", ".jar", ".png", ".zip")
_JAR_VERSION = re.compile(r"-(\d+(?:\.\d+)*(?:[.-][A-Za-z0-9]+)*)\.jar$")
_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def kind_of(path: str) -> str:
    if path.startswith("wheels/") and path.endswith(".whl"):
        return "wheel"
    if path.startswith("wheels/"):
        return "lock"
    if path.startswith("neo4j/lib/"):
        return "jar"
    if path.startswith("neo4j/licenses/"):
        return "licence"
    if path.startswith("neo4j/"):
        return "neo4j"
    if path.startswith("docs/"):
        return "guide"
    return "install"


def version_of(path: str, default: str = "") -> str:
    """The version a file's name carries (a wheel's, a jar's), else ``default``."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".whl"):
        return str(parse_wheel_filename(name)[1])
    m = _JAR_VERSION.search(name)
    return m.group(1) if m else default


def min_glibc(wheel_names) -> str | None:
    """The oldest glibc on which every one of these Linux wheels installs
    (a wheel with several tags needs the oldest of them), or None."""
    need = None
    for name in wheel_names:
        tags = parse_wheel_filename(name)[3]
        versions = []
        for tag in tags:
            m = re.fullmatch(r"manylinux_(\d+)_(\d+)_\w+", tag.platform)
            if m:
                versions.append((int(m.group(1)), int(m.group(2))))
            elif tag.platform.split("_")[0] in _LEGACY:
                versions.append(_LEGACY[tag.platform.split("_")[0]])
        if versions:
            lowest = min(versions)
            need = lowest if need is None else max(need, lowest)
    return f"{need[0]}.{need[1]}" if need else None


def files_of(folder: Path) -> list[str]:
    """Every file under ``folder`` as a POSIX path relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def write_manifest(folder: Path, head: dict, versions: dict[str, str]) -> dict:
    """Write ``manifest.json``: ``head`` and every file (``versions`` gives
    the version of files whose names carry none, by kind)."""
    entries = []
    for path in files_of(folder):
        if path == MANIFEST:
            continue
        kind = kind_of(path)
        entries.append({"path": path, "kind": kind, "version": version_of(path, versions.get(kind, "")),
                        "size": (folder / path).stat().st_size, "sha256": sha256(folder / path)})
    manifest = {**head, "files": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8", newline="\n")
    return manifest


def write_zip(folder: Path, path: Path) -> None:
    """``folder`` as a zip whose entries sit under the folder's name."""
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w") as z:
        for rel in files_of(folder):
            src = folder / rel
            info = zipfile.ZipInfo(f"{folder.name}/{rel}", date_time=_DATE)
            info.external_attr = (0o100755 if src.stat().st_mode & 0o100 else 0o100644) << 16
            info.compress_type = zipfile.ZIP_STORED if rel.endswith(_STORED) else zipfile.ZIP_DEFLATED
            with open(src, "rb") as f, z.open(info, "w", force_zip64=True) as out:
                for block in iter(lambda: f.read(1 << 20), b""):
                    out.write(block)
    tmp.replace(path)
