"""Write a result: CSVs Excel can open, a summary, and nothing half-written.

Three ways to write, one for each shape of output, all of them staged beside
their place and renamed into it, so a crash or a full disk never leaves half
of anything:

* :func:`atomic_file`: one file (the day's routes, the flags workbook);
* :func:`write_tables`: a result folder, its files moved in one by one,
  ``summary.json`` last: a folder with a summary is a whole result; a run
  that fails leaves the previous result (or nothing) behind, never a mix
  that looks whole;
* :func:`atomic_folder`: a folder replaced whole (the report site).

:func:`write_result` (an analysis) and :func:`write_plan` (a clearing plan)
write through :func:`write_tables`.

Every temporary name starts with ``.casegraph-``. Every file written is
its owner's only (0600, folders 0700): results name parties, and the routes,
flags and findings of one court should not differ in who may read them.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.errors import OutputError
from casegraph.reasons import localised
from casegraph.write.workbook import write_workbook
from casegraph.write.csvtext import write_csv


STAGE_PREFIX = ".casegraph-"


def _csv(df: pd.DataFrame, path: Path, columns) -> None:
    write_csv(df.reindex(columns=list(columns)), path)  # pandas' bytes, written by polars


def _fsync(path: Path) -> None:
    """Force a written file to disk before it is renamed into place: a power
    cut after the rename must not leave an empty file under the real name."""
    fd = os.open(path, os.O_RDWR)  # Windows flushes only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path: str | Path, what: str = "the file") -> Iterator[Path]:
    """A temporary path beside ``path`` to write; when the block ends without
    an error it is flushed to disk and renamed onto ``path``, else removed.

    The file is made readable by its owner only (0600), as ``mkstemp`` makes
    it. An ``OSError`` becomes one :class:`OutputError` line naming ``path``
    and ``what`` is written.

    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_file(folder / "routes.csv", "the routes") as tmp:
    ...     _ = tmp.write_text("case_no\\n", encoding="utf-8")
    >>> [p.name for p in folder.iterdir()], oct((folder / "routes.csv").stat().st_mode & 0o777)
    (['routes.csv'], '0o600')
    >>> with atomic_file(folder / "routes.csv", "the routes") as tmp:
    ...     raise OSError(28, "No space left on device")
    Traceback (most recent call last):
    casegraph.errors.OutputError: .../routes.csv: writing the routes failed (No space left on device)
    >>> [p.name for p in folder.iterdir()]
    ['routes.csv']
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=STAGE_PREFIX, suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as e:
        raise OutputError(f"{path}: cannot write {what} here ({e.strerror})") from None
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"{path}: writing {what} failed ({e.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_folder(path: str | Path, what: str = "the folder") -> Iterator[Path]:
    """A staging folder beside ``path`` to fill; when the block ends without
    an error it replaces ``path`` whole, else it is removed and ``path``
    stays as it was.

    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_folder(folder / "report", "the report") as site:
    ...     _ = (site / "index.html").write_text("<html></html>", encoding="utf-8")
    >>> [p.name for p in folder.iterdir()], [p.name for p in (folder / "report").iterdir()]
    (['report'], ['index.html'])
    """
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out.parent))
    except OSError as e:
        raise OutputError(f"{out}: cannot write {what} here ({e.strerror})") from None
    try:
        yield stage
        _owner_only(stage)
        old = None
        if out.exists():
            old = out.parent / f"{STAGE_PREFIX}{out.name}-old-{os.getpid()}"
            os.replace(out, old)
        os.replace(stage, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        raise OutputError(f"{out}: writing {what} failed ({e.strerror})") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _owner_only(folder: Path) -> None:
    """What ``folder`` holds, readable by its owner only (as ``mkstemp`` makes a file)."""
    for path in folder.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def write_result(result, out_dir: str | Path, lang: str = "zh") -> Path:
    """Write every table of ``result`` (a :class:`casegraph.analyze.Result`)
    into ``out_dir``, and the clerk's workbook 结果.xlsx; reasons are in
    ``lang`` ("zh" or "en", :mod:`casegraph.reasons`). Returns the folder."""
    tables = localised(result.tables(), lang)
    workbook = {C.WORKBOOK_FILE: lambda path: write_workbook(tables, path, result.summary)}
    return write_tables(tables, C.OUTPUTS, result.summary, out_dir, also=workbook)


def write_plan(plan, out_dir: str | Path) -> Path:
    """Write a clearing plan (:class:`casegraph.find.clearing.ClearingPlan`):
    its tables and ``summary.json`` into ``out_dir``, as :func:`write_tables`
    does. A folder that holds another kind of result (an analysis) is
    refused rather than mixed."""
    out = Path(out_dir)
    old = out / C.SUMMARY_FILE
    if old.is_file():
        try:
            kind = json.loads(old.read_text(encoding="utf-8")).get("kind")
        except (OSError, ValueError):
            kind = None
        if kind != "clearing":
            raise OutputError(f"{out}: holds another result (its {C.SUMMARY_FILE} is not a clearing plan); "
                              "write the plan to its own folder")
    return write_tables(plan.tables(), plan.outputs, plan.summary, out)


def write_tables(tables: dict[str, pd.DataFrame], outputs: dict[str, C.Output], summary: dict,
                 out_dir: str | Path, also: dict | None = None) -> Path:
    """Write ``tables`` (by name; ``outputs[name]`` gives file and columns)
    and ``summary`` into ``out_dir``, staged and moved in with the summary
    last (see the module docstring); ``also`` maps more file names to a
    function that writes that file at the path it is given. Returns the folder."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder for the results")
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    except OSError as e:
        raise OutputError(f"{out}: cannot write the results here ({e.strerror})") from None
    touched = False  # whether the previous result (if any) was changed
    try:
        for name, df in tables.items():
            _csv(df, stage / outputs[name].filename, outputs[name].columns)
        for filename, write in (also or {}).items():
            write(stage / filename)
        (stage / C.SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        _owner_only(stage)
        for f in stage.iterdir():
            _fsync(f)
        touched = True
        (out / C.SUMMARY_FILE).unlink(missing_ok=True)  # the old result is no longer whole
        # A file of the old result this one does not have (assignments.csv of
        # a run with judges) must not pass for part of the new one.
        written = {outputs[name].filename for name in tables} | set(also or {})
        for o in outputs.values():
            if o.filename not in written:
                (out / o.filename).unlink(missing_ok=True)
        for f in sorted(stage.iterdir(), key=lambda p: p.name == C.SUMMARY_FILE):
            os.replace(f, out / f.name)
    except OSError as e:
        left = "no complete result was left" if touched else "the previous result there, if any, is untouched"
        raise OutputError(f"{out}: writing the results failed ({e.strerror}); {left}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out
