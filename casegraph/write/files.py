"""Write a result: CSVs Excel can open, a summary, and nothing half-written.

Files are written into a staging folder beside the output and moved in one
by one, ``summary.json`` last: a folder with a summary is a whole result; a
run that fails leaves the previous result (or nothing) behind, never a mix
that looks whole.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.errors import OutputError
from casegraph.reasons import localised
from casegraph.write.workbook import write_workbook


def _csv(df: pd.DataFrame, path: Path, columns) -> None:
    df = df.reindex(columns=list(columns))
    df.to_csv(path, index=False, encoding=C.CSV_ENCODING, float_format="%.2f")


def write_result(result, out_dir: str | Path, lang: str = "zh") -> Path:
    """Write every table of ``result`` (a :class:`casegraph.analyze.Result`)
    into ``out_dir``, and the clerk's workbook 结果.xlsx; reasons are in
    ``lang`` ("zh" or "en", :mod:`casegraph.reasons`). Returns the folder."""
    tables = localised(result.tables(), lang)
    workbook = {C.WORKBOOK_FILE: lambda path: write_workbook(tables, path, result.summary)}
    return write_tables(tables, C.OUTPUTS, result.summary, out_dir, also=workbook)


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
        stage = Path(tempfile.mkdtemp(prefix=".casegraph-", dir=out))
    except OSError as e:
        raise OutputError(f"{out}: cannot write the results here ({e.strerror})") from None
    touched = False  # whether the previous result (if any) was changed
    try:
        for name, df in tables.items():
            _csv(df, stage / outputs[name].filename, outputs[name].columns)
        for filename, write in (also or {}).items():
            write(stage / filename)
        (stage / C.SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
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
