"""Which operating system casegraph runs on: the one place that asks.

Every branch on the OS in casegraph calls these functions (never
``os.name`` or ``sys.platform`` itself), so that a test can patch them and
walk the Windows path on Linux (tests/test_windows.py). What differs:

================================  ===========================================  ==============================
where                             Windows                                      Linux and others
================================  ===========================================  ==============================
cache (``resources.cache_dir``)   ``%LOCALAPPDATA%\\casegraph``                ``~/.cache/casegraph``
Neo4j's data folder               ``%LOCALAPPDATA%\\casegraph\\neo4j``         ``~/.local/share/casegraph/neo4j``
owner-only files and folders      the user profile's ACL (no chmod)            files 0600, folders 0700
java                              ``java.exe``; the classpath in a jar's       ``java``; ``-cp`` with every jar
                                  manifest (the command line stays short)
the server's process              its own process group, detached; ended       a session of its own, umask
                                  by TerminateProcess                          077; SIGTERM, then SIGKILL
a port's freedom                  bound without SO_REUSEADDR (it would         bound with SO_REUSEADDR, as
                                  let a second socket share the port)          the JVM binds
opening the explorer's page       the default browser                          only with a display
the kit (``casegraph kit``)       ``windows``                                  ``linux``
================================  ===========================================  ==============================

>>> windows() == (sys.platform == "win32"), linux() == sys.platform.startswith("linux")
(True, True)
"""
from __future__ import annotations

import sys


def windows() -> bool:
    """True on Windows."""
    return sys.platform == "win32"


def linux() -> bool:
    """True on Linux."""
    return sys.platform.startswith("linux")
