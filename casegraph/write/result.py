"""One analysis result, written whole: its CSVs, its report and its summary.

The files, the report site (``report/``) and ``summary.json`` are staged
together and moved into the folder as one unit, the summary last
(:func:`casegraph.write.files.write_tables`): a run killed at any point
leaves the previous result or nothing that looks whole, never CSVs of one
export beside the report of another. A clerk-facing workbook joins the same
unit as another part.

Example::

    from casegraph import analyze, write_result
    write_result(analyze("export/"), "results/")   # results/*.csv, results/report/, results/summary.json
"""
from __future__ import annotations

from pathlib import Path

from casegraph import contract as C
from casegraph.write.files import write_tables
from casegraph.write.report import build_site

REPORT = "report"


def write_result(result, out_dir: str | Path, report: bool = True) -> Path:
    """Write every table of ``result`` (a :class:`casegraph.pipeline.Result`),
    its report site unless ``report`` is False (an older report is then
    removed: it would describe another result), and ``summary.json`` into
    ``out_dir``; returns the folder."""
    parts = {REPORT: (lambda site: build_site(result, site)) if report else None}
    return write_tables(result.tables(), C.OUTPUTS, result.summary, out_dir, parts=parts)
