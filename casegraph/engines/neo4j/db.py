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
from casegraph.errors import DatabaseError, DatabaseUnreachable, InputError, ServerError
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
    bookmarks: object = None  # None: the driver's own (see forget_bookmarks)

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
                result_transformer_=_keys_and_values,
                bookmark_manager_=self.bookmarks or self.driver.execute_query_bookmark_manager)
        return pd.DataFrame(rows, columns=keys)

    def forget_bookmarks(self) -> None:
        """Start afresh after the store was replaced (the bulk importer's):
        the bookmarks kept so far name transactions the new store never had."""
        import neo4j

        self.bookmarks = neo4j.GraphDatabase.bookmark_manager()

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
        raise DatabaseUnreachable(f"cannot reach Neo4j at {db.uri} ({_first_line(e)}); start the local server with "
                            "`casegraph neo4j start`, or set NEO4J_URI / --uri") from None
    except nx.Neo4jError as e:
        if getattr(e, "code", "") == "Neo.ClientError.Database.DatabaseNotFound":
            raise DatabaseError(f"Neo4j at {db.uri} has no database {db.database!r} (set NEO4J_DATABASE or "
                                "--database)") from None
        if getattr(e, "code", "") == "Neo.ClientError.Statement.AccessMode":
            raise DatabaseError(f"Neo4j at {db.uri}: the query writes, and was run to read only (casegraph query "
                                "--write runs it as a write)") from None
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
    return _statements_of(cypher(name))


def _statements_of(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
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


# -- a query to run by hand: cypher/'s, an analyst's file, or text -----------

@dataclass(frozen=True)
class Parameter:
    """One ``$name`` a query uses: a setting with its default, an optional
    one (commented ``null``, ``""`` or ``[]``), or one to give (its comment's
    value is then an example)."""

    name: str
    required: bool
    value: object = None  # the default, or the example of a required one

    def __str__(self) -> str:
        return self.name if self.required else f"{self.name}={json.dumps(self.value, ensure_ascii=False)}"


@dataclass(frozen=True)
class Query:
    """A query as ``casegraph query`` runs it: by name from ``cypher/``, from
    an analyst's ``.cypher`` file, or from text (``-e``).

    >>> q = Query.named("related_cases")
    >>> [str(p) for p in q.parameters()], q.purpose[:25]
    (['case_no', 'hub_threshold=20'], 'Related cases of one case')
    >>> q.bind({"case_no": "(2024)沪0113执1号"})["case_no"]
    '（2024）沪0113执1号'
    >>> q.bind({})
    Traceback (most recent call last):
    casegraph.errors.InputError: related_cases needs case_no (e.g. --param case_no=（2024）沪0113执1号); it takes case_no, hub_threshold=20
    """

    name: str
    text: str
    writes: bool = False

    @classmethod
    def named(cls, name: str) -> Query:
        """``cypher/<name>.cypher``."""
        return cls(name, cypher(name), name in WRITING)

    @classmethod
    def find(cls, source: str, writes: bool = False) -> Query:
        """A path to a ``.cypher`` file (one that ends so, or exists), else a name of ``cypher/``."""
        from pathlib import Path

        path = Path(source)
        if source.endswith(".cypher") or path.is_file():
            try:
                return cls(str(path), path.read_text(encoding="utf-8-sig"), writes)
            except (OSError, UnicodeDecodeError) as e:
                raise InputError(f"{path}: cannot read it as a Cypher file ({getattr(e, 'strerror', None) or e})")\
                    from None
        if not re.fullmatch(r"[a-z0-9_]+", source) or not (CYPHER_DIR / f"{source}.cypher").is_file():
            raise InputError(f"no query {source!r} in {CYPHER_DIR} and no such .cypher file "
                             "(casegraph query --list names them)")
        return cls.named(source)

    @property
    def purpose(self) -> str:
        """The first sentence of the file's opening comment."""
        lines = []
        for line in self.text.splitlines():
            text = line.strip()
            if not text.startswith("//") or text[2:].strip().startswith(":param"):
                break
            if text[2:].strip():
                lines.append(text[2:].strip())
            elif lines:
                break
        words = " ".join(lines)
        # A sentence ends at a full stop before a capital or the end ("art. 568" and "e.g. a" go on).
        end = re.search(r"[.。](?=\s+[A-Z(\u4e00-\u9fff]|\s*$)", words)
        return words[:end.end()] if end else words

    def statements(self) -> list[str]:
        return _statements_of(self.text)

    def parameters(self) -> list[Parameter]:
        """Each ``$name`` the statements use, in the order they first appear."""
        used = dict.fromkeys(re.findall(r"\$([A-Za-z_]\w*)", "\n".join(self.statements())))
        commented = {k: json.loads(v) for k, v in _PARAM.findall(self.text)}
        settings = params_of(C.Options())
        found = []
        for name in used:
            if name in settings:
                found.append(Parameter(name, False, settings[name]))
            elif name in commented and commented[name] in (None, "", []):
                found.append(Parameter(name, False, commented[name]))
            else:
                found.append(Parameter(name, True, commented.get(name)))
        return found

    def bind(self, given: dict) -> dict:
        """The parameters to run with: ``given`` checked against those the
        query uses (one :class:`InputError` line naming them otherwise), case
        numbers in their official form, defaults for the rest."""
        params = {p.name: p for p in self.parameters()}
        takes = ", ".join(map(str, params.values())) or "no parameters"
        unknown = [k for k in given if k not in params]
        if unknown:
            raise InputError(f"{self.name} takes no parameter {unknown[0]!r}; it takes {takes}")
        missing = [p for p in params.values() if p.required and p.name not in given]
        if missing:
            e = missing[0]
            example = (f" (e.g. --param {e.name}={e.value if isinstance(e.value, str) else json.dumps(e.value)})"
                       if e.value is not None else "")
            raise InputError(f"{self.name} needs {', '.join(p.name for p in missing)}{example}; it takes {takes}")
        return {**{p.name: p.value for p in params.values() if not p.required},
                **{k: _case_nos(k, v) for k, v in given.items()}}

    def run(self, db: Database, params: dict) -> pd.DataFrame:
        """Run the statements in order; the last one's rows."""
        run = db.write if self.writes else db.read
        out = pd.DataFrame()
        for s in self.statements():
            out = run(s, params)
        return out


def _case_nos(name: str, value):
    """A case-number parameter (``case_no``, ``*_case_no``, ``case_nos``) in
    the official form the database holds, whatever brackets were typed."""
    from casegraph.normalise.caseno import parse_case_no

    def one(v):
        parsed = parse_case_no(str(v))
        if parsed is None:
            raise InputError(f"--param {name}: {v!r} is not a case number (e.g. （2024）沪0113执1号)")
        return parsed.official

    if name == "case_no" or name.endswith("_case_no"):
        return one(value)
    if name == "case_nos" or name.endswith("_case_nos"):
        return [one(v) for v in (value if isinstance(value, list) else [value])]
    return value


def queries() -> list[Query]:
    """Every query of ``cypher/`` (the loader's own, in ``cypher/load/``, aside)."""
    return [Query.named(n) for n in cypher_names()]


def printable(table: pd.DataFrame, width: int | None = 60) -> pd.DataFrame:
    """A query's rows as text, for a terminal or a CSV: lists joined with
    ``;``, money as yuan with two decimals, cells longer than ``width`` cut
    (``None``: whole).

    >>> printable(pd.DataFrame({"party_id": ["P1"], "total_amount": [7059999.999999999], "n_cases": [26.0],
    ...                         "case_nos": [["（2024）沪0113执1号", "（2024）沪0113执2号"]]})).iloc[0].tolist()
    ['P1', '7060000.00', '26', '（2024）沪0113执1号;（2024）沪0113执2号']
    """
    def cell(v):
        text = C.LIST_SEP.join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
        return text if width is None or len(text) <= width else text[:width - 1] + "…"
    return table.apply(lambda col: _rounded(col).map(cell)) if len(table) else table


def records(table: pd.DataFrame) -> list[dict]:
    """A query's rows for JSON: one dict per row, money rounded to the cent.

    >>> records(pd.DataFrame({"amount": [0.1 + 0.2], "n": [None]}))
    [{'amount': 0.3, 'n': None}]
    """
    return [dict(zip(table.columns, row)) for row in zip(*(_rounded(table[c], text=False) for c in table.columns))]


def _rounded(col: pd.Series, text: bool = True) -> pd.Series:
    """Floats as they are meant: amounts to the cent (``7059999.999999999``
    is 7,060,000.00 yuan), counts that pandas made floats (a column with a
    null) back to whole numbers; other values as they are, nulls as None."""
    floats = [v for v in col if isinstance(v, float) and v == v]
    whole = floats and "amount" not in str(col.name).lower() and all(v.is_integer() for v in floats)

    def one(v):
        if isinstance(v, float):
            if v != v:
                return None
            if whole:
                return int(v)
            return f"{v:.2f}" if text else round(v, 2)
        return v
    return pd.Series([one(v) for v in col], index=col.index, dtype=object, name=col.name)


def clear(db: Database, batch: int = 20_000) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    query = statement("load/clear")
    while int(db.write(query, {"batch": batch}).iloc[0, 0]):
        pass
