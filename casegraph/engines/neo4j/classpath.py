"""The local server's classpath as one small jar whose manifest names the
others (a "pathing jar"), for Windows.

Given with ``-cp``, the full paths of some 200 jars come near the 32,767
characters a Windows command line may hold (a user folder such as
``C:\\Users\\张三\\AppData\\Local\\casegraph\\…`` is long); java's argument
files (``@file``) are read byte by byte in the system code page, where a
GBK character's second byte can be a backslash, java's escape character.
A jar's ``Class-Path`` holds names relative to the jar itself, in ASCII, and
java's own class loader follows it: the command line then carries one path.

>>> import tempfile
>>> lib = Path(tempfile.mkdtemp())
>>> jar = pathing_jar(lib, ["casegraph-neo4j.jar", "neo4j-5.26.30.jar"])
>>> jar.name.startswith("casegraph-classpath-"), manifest_of(jar)["Class-Path"]
(True, 'casegraph-neo4j.jar neo4j-5.26.30.jar')
>>> pathing_jar(lib, ["casegraph-neo4j.jar", "neo4j-5.26.30.jar"]) == jar    # made once, then reused
True
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

_PREFIX = "casegraph-classpath-"
_DATE = (2024, 1, 1, 0, 0, 0)
_LINE = 72  # the JAR specification's longest manifest line, in bytes


def manifest(names: list[str]) -> bytes:
    """A manifest whose ``Class-Path`` lists ``names`` in order, lines
    folded at 72 bytes as the JAR specification wants.

    >>> text = manifest(["a.jar", "b c.jar"] * 10).decode()
    >>> all(len(line) <= 72 for line in text.split("\\r\\n")), "b%20c.jar" in text.replace("\\r\\n ", "")
    (True, True)
    """
    entry = "Class-Path: " + " ".join(urllib.parse.quote(n) for n in names)
    raw = entry.encode("ascii")
    lines = [raw[:_LINE]]
    lines += [b" " + raw[i:i + _LINE - 1] for i in range(_LINE, len(raw), _LINE - 1)]
    return b"Manifest-Version: 1.0\r\nCreated-By: casegraph\r\n" + b"\r\n".join(lines) + b"\r\n\r\n"


def manifest_of(jar: Path) -> dict[str, str]:
    """The main section of a jar's manifest, continuation lines joined."""
    with zipfile.ZipFile(jar) as z:
        text = z.read("META-INF/MANIFEST.MF").decode("utf-8").replace("\r\n", "\n").replace("\n ", "")
    return dict(line.split(": ", 1) for line in text.split("\n\n", 1)[0].splitlines() if ": " in line)


def pathing_jar(lib: Path, names: list[str]) -> Path:
    """The jar in ``lib`` whose manifest puts ``names`` (jars in ``lib``) on
    the classpath, made if it is not there. Its name carries its contents'
    hash: a running server keeps its jar open (Windows cannot replace an
    open file), and a new build gets a jar of its own."""
    data = manifest(names)
    jar = lib / f"{_PREFIX}{hashlib.sha256(data).hexdigest()[:12]}.jar"
    if jar.is_file():
        return jar
    lib.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".casegraph-classpath-", suffix=".jar", dir=lib)
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w") as z:
            z.writestr(zipfile.ZipInfo("META-INF/MANIFEST.MF", date_time=_DATE), data)
        os.replace(tmp, jar)
    except FileExistsError:  # made meanwhile by another start: it is the same jar
        pass
    except PermissionError:
        if not jar.is_file():
            raise
    finally:
        Path(tmp).unlink(missing_ok=True)
    return jar
