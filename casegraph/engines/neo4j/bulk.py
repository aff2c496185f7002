"""The first load into an empty local store, through Neo4j's offline importer.

Loading a million cases statement by statement takes minutes; Neo4j's own
importer (``neo4j-admin database import full``, whose classes come with the
server's build) writes a store directly. :func:`import_plan` takes the plan
the transactional loader would write into an empty database
(:func:`casegraph.engines.neo4j.load.load_graph`), writes it as the
importer's CSV files, builds a store beside the server's while the server
keeps running, then stops the server for a moment, swaps the new store in,
and starts it again on the same port (:func:`casegraph.engines.neo4j.server.restart`).
The loader then creates the schema, the OWES projection and marks the load
finished, through Cypher as always.

The store built equals the one the transactional path makes, node for node
and property for property (tests/test_store_scale.py): strings the loader
sends as ``""`` are quoted empty strings here (kept as ``""``), numbers it
leaves null are unquoted empty fields (no property).

Only for the local server (the store's folder is on this machine) and only
into an empty database; the lease and the loader's bookkeeping travel with
the new store, which says ``state: 'loading'`` until the load finishes, so
a load cut short anywhere is finished by loading again.

>>> _quoted(pd.Series(['a"b', None, "c"])).tolist()
['"a""b"', '""', '"c"']
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from casegraph.engines.neo4j import server
from casegraph.engines.neo4j.db import Database, DatabaseError, statement

# Below this many cases the transactional path is quick enough, and the
# server stays up for everybody else.
BULK_MIN_CASES = 50_000
DATABASE = "neo4j"  # Community edition serves one user database


def local_data_dir(db: Database, data_dir: str | Path | None = None) -> Path | None:
    """The folder of the local server ``db`` talks to (``data_dir``, or the
    default one of ``casegraph neo4j start``), or None for another server."""
    info = server.status(data_dir)
    if info is None or db.uri not in (info.uri, info.bolt_uri) or db.database != DATABASE:
        return None
    return info.data_dir


def is_empty(db: Database) -> bool:
    return bool(db.read(statement("load/is_empty")).iloc[0, 0])


def import_plan(db: Database, data_dir: Path, files: dict, meta: dict, token: str, clock) -> None:
    """Write ``files`` (from :func:`casegraph.engines.neo4j.load.bulk_files`)
    as the importer's CSVs, build a store with them, and swap it in for the
    local server's on ``data_dir``. ``meta``: the loader's bookkeeping
    node; the lease of ``token`` is copied into the new store."""
    stage = Path(tempfile.mkdtemp(prefix=".casegraph-bulk-", dir=data_dir))
    try:
        with clock("bulk files"):
            args = _write_files(stage, files, meta, _lease(db, token))
        with clock("import"):
            _run_import(data_dir, stage, args)
        with clock("restart"):
            server.restart(data_dir, lambda: _swap(data_dir, stage / "data"))
            db.forget_bookmarks()
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _lease(db: Database, token: str) -> dict:
    lease = db.read(statement("lock/show"), {"name": "writer"})
    held = dict(lease.iloc[0, 0]) if len(lease) else {}
    if held.get("token") != token:
        raise DatabaseError(f"Neo4j at {db.uri}: the writer's lease is no longer this load's; run it again")
    # The import and the restart may outlast a renewal; the renewer takes over once the server is back.
    held["expires"] = datetime.now(timezone.utc) + timedelta(hours=1)
    return held


# -- the importer's files -------------------------------------------------------

def _quoted(s: pd.Series) -> pd.Series:
    """Strings as the importer reads them: quoted, quotes doubled; None as
    a quoted empty string (the transactional loader stores ``""`` too)."""
    text = s.astype(object).where(s.notna(), "").astype(str)
    return '"' + text.str.replace('"', '""', regex=False) + '"'


def _value(v) -> tuple[str, str]:
    """(importer type, text) of a lease's or bookkeeping's property."""
    if isinstance(v, bool):
        return "boolean", str(v).lower()
    if isinstance(v, int):
        return "long", str(v)
    if isinstance(v, float):
        return "double", repr(v)
    if hasattr(v, "iso_format") or isinstance(v, datetime):
        text = v.iso_format() if hasattr(v, "iso_format") else v.isoformat()
        return "datetime", text
    return "string", _quoted(pd.Series([str(v)])).iloc[0]


def _one_node(path: Path, props: dict, id_prop: str, space: str) -> None:
    header, row = [], []
    for k, v in props.items():
        if v is None:
            continue
        kind, text = _value(v)
        header.append(f"{k}:ID({space})" if k == id_prop else f"{k}:{kind}")
        row.append(text)
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8", newline="\n")


def _column(s: pd.Series, kind: str | None) -> pl.Series:
    """A column as the importer reads it (written by polars, non-numeric
    values quoted): strings with None as ``""`` (the transactional loader
    stores ``""`` too); numbers as the loader sends them, a missing one an
    empty field (no property)."""
    if kind is None:
        text = pa.array(s.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
        return pl.Series(s.name, text).cast(pl.String).fill_null("")
    values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = pl.Series(s.name, values, dtype=pl.Float64).fill_nan(None)
    return out.cast(pl.Int64) if kind == "long" else out


def _table(path: Path, df: pd.DataFrame, header: list[str], kinds: dict[str, str]) -> bool:
    """Write ``df`` under ``header``; True if a value holds a line break.

    >>> import tempfile; f = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _table(f, pd.DataFrame({"a": ['x"y', None], "n": [1.0, None]}), ["a", "n:long"], {"n": "long"})
    False
    >>> f.read_text().splitlines()
    ['a,n:long', '"x""y",1', '"",']
    """
    table = pl.DataFrame([_column(df[c], kinds.get(c)) for c in df.columns])
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
    with path.open("ab") as f:
        table.write_csv(f, include_header=False, quote_style="non_numeric", null_value="", line_terminator="\n")
    text = [c for c in table.columns if table[c].dtype == pl.String]
    return bool(len(table)) and bool(table.select(pl.any_horizontal(pl.col(text).str.contains("[\n\r]").any())
                                                  if text else pl.lit(False)).item())


def _write_files(stage: Path, files: dict, meta: dict, lease: dict) -> list[str]:
    """The node and relationship files, and the importer's arguments for them."""
    args, multiline = [], False
    for f in files["nodes"]:
        header = [f"{c}:ID({f['space']})" if c == f["id"] else f"{c}:{f['kinds'][c]}" if c in f["kinds"] else c
                  for c in f["df"].columns]
        path = stage / f"{f['label']}.csv"
        multiline |= _table(path, f["df"], header, f["kinds"])
        args.append(f"--nodes={f['label']}={path}")
    for f in files["relationships"]:
        start, end = f["df"].columns[:2]
        header = [f":START_ID({f['start']})", f":END_ID({f['end']})", *f["df"].columns[2:]]
        path = stage / f"{f['type']}.csv"
        multiline |= _table(path, f["df"], header, {})
        args.append(f"--relationships={f['type']}={path}")
    _one_node(stage / "meta.csv", meta, "name", "CasegraphMeta")
    _one_node(stage / "lease.csv", lease, "name", "CasegraphLock")
    args += [f"--nodes=CasegraphMeta={stage / 'meta.csv'}", f"--nodes=CasegraphLock={stage / 'lease.csv'}"]
    return args + [f"--multiline-fields={'true' if multiline else 'false'}"]


def _run_import(data_dir: Path, stage: Path, args: list[str]) -> None:
    conf = stage / "import.conf"
    conf.write_text(f"server.directories.data={(stage / 'data').as_posix()}\n", encoding="utf-8", newline="\n")
    cmd, env = server.admin_command(data_dir, "database", "import", "full", f"--additional-config={conf}",
                                    f"--report-file={stage / 'import.report'}", "--skip-bad-relationships=false",
                                    "--skip-duplicate-nodes=false", *args, DATABASE, heap="2g")
    done = subprocess.run(cmd, env=env, cwd=stage, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    if done.returncode != 0:
        lines = [ln for ln in done.stdout.splitlines() if ln.strip() and not ln.startswith(("..", "  "))]
        raise DatabaseError(f"Neo4j's importer failed ({lines[-1] if lines else done.returncode}); the database "
                            "was not changed")


def _swap(data_dir: Path, built: Path) -> None:
    """Put the built store where the (stopped) server keeps its database,
    the empty one it replaces out of the way first."""
    for sub in ("databases", "transactions"):
        target = data_dir / "data" / sub / DATABASE
        old = target.with_name(f".casegraph-replaced-{DATABASE}-{os.getpid()}")
        if target.exists():
            os.replace(target, old)
        os.replace(built / sub / DATABASE, target)
        shutil.rmtree(old, ignore_errors=True)
