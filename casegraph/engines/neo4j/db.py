"""The Neo4j engine: casegraph's persistent store, shared by a court's assigners and analysts.

This module is the engine's bottom layer: the driver bound to one database,
Neo4j's errors as one-line :class:`DatabaseError` s, and the queries of the
``cypher/`` folder (one commented, parameterised file per query, runnable as
they are in Neo4j Browser or cypher-shell; the loader's statements in
``cypher/load/``). :mod:`~casegraph.engines.neo4j.load` writes a prepared
export with them and :mod:`~casegraph.engines.neo4j.find` answers the
findings.

Every command finds the database the same way (:func:`locate`):

1. ``--uri`` or ``NEO4J_URI``, with ``--user``/``--password`` or
   ``NEO4J_USER``/``NEO4J_PASSWORD``; a URI of this machine (127.0.0.1,
   localhost) without a password is the local server listening there, with
   its own password;
2. else the local server of ``--data-dir``, ``CASEGRAPH_NEO4J_DATA`` or the
   default folder (:func:`casegraph.engines.neo4j.server.default_data_dir`),
   started by ``casegraph neo4j start``, with the password it keeps there.

``NEO4J_DATABASE`` (or ``--database``) names the database, ``neo4j`` by default.
The password is never printed, logged or put on a command line.

Example::

    from casegraph.engines.neo4j import db as ne
    with ne.connect() as db:                                   # the local server, its password found
        ne.query(db, "related_cases", {"case_no": "（2024）沪0113执1号"})
    with ne.connect("neo4j://127.0.0.1:7687") as db:
        ne.query(db, "related_cases", {"case_no": "（2024）沪0113执1号"})
        ne.statement("load/read_cases")                        # the text of a loader's statement
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from dataclasses import dataclass

import pandas as pd

from casegraph import contract as C
from casegraph.errors import DatabaseError, ServerError
from casegraph.resources import cypher_dir

# The queries live in cypher/ (a checkout's top level, or the installed
# package's data), where analysts open them in Neo4j Browser.
CYPHER_DIR = cypher_dir()
DEFAULT_DATABASE = "neo4j"
# Hosts that name this machine: a URI to one of them may be the local server.
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

# The driver logs what it then raises; casegraph says it once, in one line.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


@dataclass
class Database:
    """A driver bound to one database. Use :func:`connect` to make one."""

    driver: object
    uri: str
    database: str

    def read(self, query: str, params: dict | None = None) -> pd.DataFrame:
        """Run a read query (routed to any member of a cluster); rows as a DataFrame."""
        return self._run(query, params, write=False)

    def write(self, query: str, params: dict | None = None) -> pd.DataFrame:
        """Run a write query in one managed transaction (retried on transient errors)."""
        return self._run(query, params, write=True)

    def _run(self, query: str, params: dict | None, write: bool) -> pd.DataFrame:
        import neo4j

        routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
        with translate_errors(self):
            keys, rows = self.driver.execute_query(
                query, params or {}, database_=self.database, routing_=routing,
                result_transformer_=_keys_and_values)
        return pd.DataFrame(rows, columns=keys)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _keys_and_values(result) -> tuple[list[str], list[list]]:
    keys = list(result.keys())
    return keys, [r.values() for r in result]


def locate(uri: str | None = None, user: str | None = None, password: str | None = None,
           data_dir: str | os.PathLike[str] | None = None) -> tuple[str, tuple[str, str] | None]:
    """The URI and login to use (see the module docstring): arguments first,
    then the environment, then the local server. Raises
    :class:`DatabaseError` when no URI is given and no local server runs.

    >>> locate("neo4j://db.court.example:7687", "analyst", "s3cret")
    ('neo4j://db.court.example:7687', ('analyst', 's3cret'))
    """
    from casegraph.engines.neo4j import server

    uri = uri or os.environ.get("NEO4J_URI") or None
    user = user or os.environ.get("NEO4J_USER") or server.USER
    password = password or os.environ.get("NEO4J_PASSWORD") or None
    if uri is not None:
        if password is not None:
            return uri, (user, password)
        local = _local_server_at(uri)
        return uri, (local.auth if local is not None else None)
    folder = data_dir if data_dir is not None else server.default_data_dir()
    info = server.status(folder)
    if info is None:
        raise DatabaseError(f"no local Neo4j runs on {folder}: start it with `casegraph neo4j start"
                            f"{'' if data_dir is None else f' --data-dir {folder}'}`, or give --uri / NEO4J_URI")
    return info.uri, ((user, password) if password is not None else info.auth)


def _local_server_at(uri: str):
    """This user's local server behind a URI of this machine, or None."""
    from urllib.parse import urlsplit

    from casegraph.engines.neo4j import server

    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port or 7687
    except ValueError:
        return None
    return server.serving(port) if host in LOOPBACK else None


def connect(uri: str | None = None, user: str | None = None, password: str | None = None,
            database: str | None = None, data_dir: str | os.PathLike[str] | None = None) -> Database:
    """Connect to the database :func:`locate` finds and check it answers;
    raises :class:`DatabaseError` if not.

    ``database`` left out comes from ``NEO4J_DATABASE``, else ``neo4j``.
    """
    import neo4j

    try:
        uri, auth = locate(uri, user, password, data_dir)
    except ServerError as e:  # the local server's password file cannot be read
        raise DatabaseError(str(e)) from None
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=10, max_transaction_retry_time=15,
                                            user_agent="casegraph",
                                            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF)
    except (ValueError, neo4j.exceptions.ConfigurationError) as e:
        raise DatabaseError(f"bad Neo4j URI {uri!r}: {_first_line(e)}") from None
    db = Database(driver, uri, database)
    try:
        with translate_errors(db):
            driver.verify_connectivity()
    except DatabaseError:
        driver.close()
        raise
    return db


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


@contextlib.contextmanager
def translate_errors(db: Database):
    """Neo4j's exceptions as one-line :class:`DatabaseError` s that name the
    URI (never the credentials) and say what to do."""
    import neo4j.exceptions as nx

    try:
        yield
    except nx.AuthError:
        raise DatabaseError(f"Neo4j at {db.uri} refused the login (set NEO4J_USER and NEO4J_PASSWORD, or "
                            "--user/--password; a local server's own password is found without them)") from None
    except (nx.ServiceUnavailable, nx.SessionExpired, OSError) as e:
        raise DatabaseError(f"cannot reach Neo4j at {db.uri} ({_first_line(e)}); start the local server with "
                            "`casegraph neo4j start`, or set NEO4J_URI / --uri") from None
    except nx.Neo4jError as e:
        if getattr(e, "code", "") == "Neo.ClientError.Database.DatabaseNotFound":
            raise DatabaseError(f"Neo4j at {db.uri} has no database {db.database!r} (set NEO4J_DATABASE or "
                                "--database)") from None
        raise DatabaseError(f"Neo4j at {db.uri}: {getattr(e, 'code', '') or type(e).__name__}: "
                            f"{_first_line(getattr(e, 'message', None) or e)}") from None
    except nx.DriverError as e:
        raise DatabaseError(f"Neo4j at {db.uri}: {type(e).__name__}: {_first_line(e)}") from None


# -- the cypher/ folder ------------------------------------------------------

def cypher_names() -> list[str]:
    """The queries in ``cypher/``, by file name without ``.cypher`` (the
    loader's own, in ``cypher/load/``, are not queries to run by name)."""
    return sorted(p.stem for p in CYPHER_DIR.glob("*.cypher"))


def cypher(name: str) -> str:
    """The text of ``cypher/<name>.cypher``; ``name`` may name one folder
    down, as ``load/begin``."""
    path = CYPHER_DIR / f"{name}.cypher"
    if not re.fullmatch(r"([a-z0-9_]+/)?[a-z0-9_]+", name) or not path.is_file():
        raise DatabaseError(f"no query {name!r} in {CYPHER_DIR} (there are: {', '.join(cypher_names())})")
    return path.read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The statements of a file, split at the ``;`` that end lines, comments dropped."""
    lines = [ln for ln in cypher(name).splitlines() if not ln.lstrip().startswith("//")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.M)
    return [p.strip() for p in parts if p.strip()]


def statement(name: str) -> str:
    """The one statement of a file."""
    found = statements(name)
    if len(found) != 1:
        raise DatabaseError(f"{CYPHER_DIR / name}.cypher holds {len(found)} statements, not one")
    return found[0]


# The files that write (the others are routed to any member of a cluster).
WRITING = {"schema", "owes"}

_PARAM = re.compile(r"^\s*//\s*:param\s+(\w+)\s*=>\s*(.+?)\s*$", re.M)


def defaults(name: str) -> dict:
    """The ``// :param name => value`` defaults written in a file's comment."""
    return {k: json.loads(v) for k, v in _PARAM.findall(cypher(name))}


def params_of(options: C.Options) -> dict:
    """The parameters the queries take, from a run's options."""
    return {
        "hub_threshold": options.hub_threshold,
        "personal_causes": list(options.personal_causes),
        "max_cycle_length": options.max_cycle_length,
        "no_property_markers": list(C.NO_PROPERTY_MARKERS),
    }


def query(db: Database, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run ``cypher/<name>.cypher`` with its commented defaults overridden by ``params``.

    Example::

        query(db, "common_debtors").head(3)
    """
    merged = {**defaults(name), **(params or {})}
    run = db.write if name in WRITING else db.read
    out = pd.DataFrame()
    for s in statements(name):
        out = run(s, merged)
    return out


def printable(table: pd.DataFrame, width: int = 60) -> pd.DataFrame:
    """A query's rows for a terminal: lists joined with ``;``, long cells cut."""
    def cell(v):
        text = C.LIST_SEP.join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
        return text if len(text) <= width else text[:width - 1] + "…"
    return table.apply(lambda col: col.map(cell)) if len(table) else table


def clear(db: Database, batch: int = 20_000) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    query = statement("load/clear")
    while int(db.write(query, {"batch": batch}).iloc[0, 0]):
        pass
