"""One analysis result, written whole: its CSVs, workbook, report and summary.

The files, the workbook 结果.xlsx, the report site (``report/``) and
``summary.json`` are staged together and moved into the folder as one unit,
the summary last
(:func:`casegraph.write.files.write_tables`): a run killed at any point
leaves the previous result or nothing that looks whole, never CSVs of one
export beside the report of another.

Example::

    from casegraph import analyze, write_result
    write_result(analyze("export/"), "results/")   # results/*.csv, 结果.xlsx, report/, summary.json
"""
from __future__ import annotations

from pathlib import Path

from casegraph import contract as C
from casegraph.reasons import localised
from casegraph.write.files import write_tables
from casegraph.write.report import build_site
from casegraph.write.workbook import write_workbook

REPORT = "report"


def write_result(result, out_dir: str | Path, report: bool = True, lang: str = "zh", workbook: bool = True) -> Path:
    """Write every table of ``result`` (a :class:`casegraph.pipeline.Result`),
    the clerk's workbook 结果.xlsx unless ``workbook`` is False, its report
    site unless ``report`` is False (an older workbook or report is then
    removed: it would describe another result), and ``summary.json`` into
    ``out_dir``; reasons are in ``lang`` ("zh" or "en",
    :mod:`casegraph.reasons`). Returns the folder.

    The workbook holds the overview and every row of the findings; its
    per-case sheets (分案, …) are whole up to
    :data:`casegraph.write.workbook.PER_CASE_ROWS` cases, above that they
    hold the cases in bundles and the overview says the CSVs hold them all.
    The workbook and the report are written beside the CSVs, on the other
    core; a nightly job that reads the CSVs may leave the workbook out."""
    tables = localised(result.tables(), lang)
    parts = {C.WORKBOOK_FILE: (lambda path: write_workbook(tables, path, result.summary)) if workbook else None,
             REPORT: (lambda site: build_site(result, site)) if report else None}
    return write_tables(tables, C.OUTPUTS, result.summary, out_dir, parts=parts)
