"""The local Neo4j in a kit: the jars the Maven project ``neo4j/`` resolves,
prebuilt, so that ``casegraph neo4j start`` needs neither Maven nor a network.

In a kit (``neo4j/``)::

    lib/*.jar        casegraph's launcher jar and every runtime dependency
    classpath.txt    their names, one a line, in the order java searches them
    fingerprint      the Maven project's fingerprint (the cache folder's name)
    licenses/        Neo4j's LICENSE.txt, NOTICE.txt and LICENSES.txt (GPL v3
                     and the third-party licences), from its own jar

:func:`install` puts them where :mod:`casegraph.engines.neo4j.server` looks
for a build (``<cache>/neo4j-<fingerprint>/target/``). The install scripts
run it as ``python -m casegraph.kit.install KIT/neo4j``; the cache is the one
:func:`casegraph.resources.cache_dir` names (``CASEGRAPH_CACHE``, else
``~/.cache/casegraph``, ``%LOCALAPPDATA%\\casegraph`` on Windows).
"""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from casegraph.errors import KitError

_LICENCES = ("META-INF/LICENSE.txt", "META-INF/NOTICE.txt", "META-INF/LICENSES.txt")
_NEO4J_JAR = re.compile(r"neo4j-(\d+\.\d+\.\d+)\.jar")


def collect(dest: Path) -> dict:
    """Build the Maven project if needed (Maven, Java and Maven Central or a
    filled ``~/.m2``), copy its jars, classpath, licences and fingerprint
    into ``dest``; returns ``{"neo4j": version, "fingerprint", "jars": n}``."""
    from casegraph.engines.neo4j import server
    from casegraph.resources import maven_fingerprint

    server.build()
    jars = server.classpath_jars()
    lib = dest / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for jar in jars:
        shutil.copyfile(jar, lib / jar.name)
    (dest / "classpath.txt").write_text("".join(f"{j.name}\n" for j in jars), encoding="utf-8", newline="\n")
    fingerprint = maven_fingerprint()
    (dest / "fingerprint").write_text(fingerprint + "\n", encoding="utf-8", newline="\n")
    main = [j for j in jars if _NEO4J_JAR.fullmatch(j.name)]
    if not main:
        raise KitError(f"no neo4j-<version>.jar among the {len(jars)} jars of {server.LIB_DIR}")
    licences = dest / "licenses"
    licences.mkdir(exist_ok=True)
    with zipfile.ZipFile(main[0]) as z:
        for name in _LICENCES:
            (licences / Path(name).name).write_bytes(z.read(name))
    return {"neo4j": _NEO4J_JAR.fullmatch(main[0].name).group(1), "fingerprint": fingerprint, "jars": len(jars)}


def install(kit_neo4j: Path) -> Path:
    """Copy a kit's jars into this user's cache, where ``casegraph neo4j
    start`` finds them; returns the folder of jars. Refuses a kit made for
    another version of casegraph's Maven project (its fingerprint differs)."""
    from casegraph.engines.neo4j import server
    from casegraph.resources import maven_fingerprint

    kit_neo4j = Path(kit_neo4j)
    try:
        fingerprint = (kit_neo4j / "fingerprint").read_text(encoding="utf-8").strip()
        names = [n.strip() for n in (kit_neo4j / "classpath.txt").read_text(encoding="utf-8").splitlines() if n.strip()]
    except OSError as e:
        raise KitError(f"{e.filename}: not a kit's neo4j folder ({e.strerror})") from None
    if fingerprint != maven_fingerprint():
        raise KitError(f"{kit_neo4j}: these jars are for another casegraph (fingerprint {fingerprint}, "
                       f"this casegraph's is {maven_fingerprint()}); use the kit this casegraph came with")
    lib = server.LIB_DIR
    lib.mkdir(parents=True, exist_ok=True)
    for name in names:
        # copyfile, not copy2: the launcher jar's time is the build's time for server.build()
        shutil.copyfile(kit_neo4j / "lib" / name, lib / name)
    # The launcher jar goes first on the classpath; the file lists its dependencies only, as Maven's does.
    deps = [n for n in names if n != server.APP_JAR]
    (lib.parent / "classpath.txt").write_text("".join(f"{n}\n" for n in deps), encoding="utf-8", newline="\n")
    shutil.copytree(kit_neo4j / "licenses", lib.parent / "licenses", dirs_exist_ok=True)
    (lib / server.APP_JAR).touch()  # newer than anything in the cache folder: the build is current
    return lib
