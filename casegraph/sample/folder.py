"""Where a sample may be written: never over a court's files.

A court's export folder looks like a sample (``cases.csv``,
``parties.csv``), so writing a sample into it would silently replace the
court's data. A sample therefore leaves a note of the files it wrote
(:data:`NOTE`), and a folder that holds anything no such note names is
refused, unless the caller forces it.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> claim(d)                                   # empty: fine
>>> _ = (d / "cases.csv").write_text("case_no\\n", encoding="utf-8")
>>> claim(d)
Traceback (most recent call last):
casegraph.errors.InputError: .../cases.csv: casegraph sample did not write this; write the sample to a new folder, or give --force to write over it
>>> note(d, ["cases.csv"]); claim(d)           # a sample's own file: fine
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from casegraph.errors import InputError

NOTE = "casegraph-sample.json"


def written_before(out_dir: Path) -> set[str]:
    """The names an earlier sample noted in ``out_dir`` (none without a note)."""
    try:
        return set(json.loads((out_dir / NOTE).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def claim(out_dir: str | Path, force: bool = False) -> None:
    """Raise :class:`InputError` unless ``out_dir`` is new, empty or holds
    only what samples wrote there (``force``: write over anything)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file, not a folder for the sample")
    if force or not out.is_dir():
        return
    ours = written_before(out) | {NOTE}
    foreign = sorted(p.name for p in out.iterdir() if p.name not in ours)
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise InputError(f"{out / foreign[0]}{more}: casegraph sample did not write this; write the sample "
                         "to a new folder, or give --force to write over it")


def note(out_dir: str | Path, names: Iterable[str]) -> None:
    """Note ``names`` as written by a sample in ``out_dir`` (with those noted before)."""
    out = Path(out_dir)
    files = sorted(written_before(out) | set(names))
    (out / NOTE).write_text(json.dumps({"written_by": "casegraph sample", "files": files}, ensure_ascii=False,
                                       indent=1) + "\n", encoding="utf-8", newline="\n")
