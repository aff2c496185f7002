"""The Neo4j engine: casegraph's persistent store, shared by a court's assigners and analysts.

This module is the engine's bottom layer: the driver bound to one database,
Neo4j's errors as one-line :class:`DatabaseError` s, and the queries of the
``cypher/`` folder (one commented, parameterised file per query, runnable as
they are in Neo4j Browser or cypher-shell; the loader's statements in
``cypher/load/``). :mod:`~casegraph.engines.neo4j.load` writes a prepared
export with them and :mod:`~casegraph.engines.neo4j.find` answers the
findings.

The connection is configured the way Neo4j's own tools are: ``NEO4J_URI``,
``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``, or the arguments of
:func:`connect`. Without a URI, casegraph uses the local server started by
``casegraph neo4j start`` (:mod:`casegraph.server`).

Example::

    from casegraph.engines.neo4j import db as ne
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
from casegraph.errors import DatabaseError
from casegraph.resources import cypher_dir

# The queries live in cypher/ (a checkout's top level, or the installed
# package's data), where analysts open them in Neo4j Browser.
CYPHER_DIR = cypher_dir()
DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_DATABASE = "neo4j"

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


def default_uri() -> str:
    """``NEO4J_URI``; else the running local server's; else neo4j://localhost:7687."""
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"]
    try:
        from casegraph.engines.neo4j import server

        info = server.status()
        if info is not None:
            return info.uri
    except Exception:  # noqa: BLE001 - no local server is not an error here
        pass
    return DEFAULT_URI


def connect(uri: str | None = None, user: str | None = None, password: str | None = None,
            database: str | None = None) -> Database:
    """Connect and check the server answers; raises :class:`DatabaseError` if not.

    Arguments left out come from ``NEO4J_URI``, ``NEO4J_USER``,
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. Without a password no
    credentials are sent (the local development server needs none).
    """
    import neo4j

    uri = uri or default_uri()
    user = user or os.environ.get("NEO4J_USER") or "neo4j"
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    auth = (user, password) if password else None
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
        raise DatabaseError(f"Neo4j at {db.uri} refused the credentials (set NEO4J_USER and NEO4J_PASSWORD, "
                            "or --user/--password)") from None
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
