"""Where casegraph's own files are: the ``cypher/`` queries and the Maven
project of the local Neo4j server, in an installed package or a checkout.

A wheel carries both as package data (``casegraph/_data/``, copied there by
``setup.py`` at build time); a source checkout (an editable install) has them
at its top level, where analysts and developers open them. The Maven build
output never goes into either: it goes to a per-user cache
(:func:`cache_dir`), one folder per version of the Maven project.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from casegraph import system

PACKAGE = Path(__file__).resolve().parent
_DATA = PACKAGE / "_data"
_CHECKOUT = PACKAGE.parent


def _first(name: str, marker: str) -> Path:
    for base in (_DATA, _CHECKOUT):
        if (base / name / marker).exists():
            return base / name
    return _DATA / name  # the error that follows names where it was looked for


def cypher_dir() -> Path:
    """The folder of ``.cypher`` files (one commented, parameterised query each)."""
    return _first("cypher", "schema.cypher")


def maven_project() -> Path:
    """The Maven project that runs a local Neo4j (``pom.xml``, ``src/``)."""
    return _first("neo4j", "pom.xml")


def cache_dir() -> Path:
    """casegraph's per-user cache: ``$CASEGRAPH_CACHE``, else ``$XDG_CACHE_HOME/casegraph``
    or ``~/.cache/casegraph`` (``%LOCALAPPDATA%\\casegraph`` on Windows)."""
    env = os.environ.get("CASEGRAPH_CACHE")
    if env:
        return Path(env).expanduser()
    if system.windows() and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "casegraph"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "casegraph"


def maven_fingerprint(project: Path | None = None) -> str:
    """A short hash of the Maven project's sources: a new version builds into a new folder."""
    project = project or maven_project()
    h = hashlib.sha256()
    files = [project / "pom.xml", *sorted(p for p in (project / "src").rglob("*") if p.is_file())]
    for f in files:
        h.update(f.relative_to(project).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()[:12]
