"""A stored answer: a small court's complete result, compared byte for byte.

A change made for speed must not change an answer. ``data/regression/export``
is a 1,500-case sample made noisier by hand (masked IDs of known people, IDs
typed with full-width digits, spaces, a lower-case x or in the old 15-digit
form, rows to reject, judges already holding cases, a judge without room);
``data/regression/result`` is what ``analyze`` + ``write_result`` wrote for
it. Every file is compared byte for byte, its header line first and its
other lines sorted (rows may come in another order, no row may change), and
``summary.json`` apart from its timings.

When an answer is meant to change (a new rule, say), write the new result
and say why in the commit::

    PYTHONPATH=$PWD python3 tests/test_regression.py --update
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

from casegraph import contract as C

DATA = Path(__file__).parent / "data" / "regression"
EXPORT, EXPECTED = DATA / "export", DATA / "result"
# party ids are keyed hashes: the stored ids hold for this key only
SECRET = "casegraph-regression-test"


def run(out: Path) -> Path:
    """Analyse the stored export into ``out`` as the CLI does (without the report)."""
    from casegraph.pipeline import analyze
    from casegraph.write.result import write_result

    return write_result(analyze(EXPORT), out, report=False)


def comparable(path: Path) -> list[bytes]:
    """A file's header line, then its other lines sorted; a summary without
    its timings."""
    if path.name == "summary.json":
        summary = json.loads(path.read_text(encoding="utf-8"))
        summary.pop("seconds")
        summary.pop("cpu_seconds", None)
        return [json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8")]
    head, *rows = path.read_bytes().split(b"\n")
    return [head, *sorted(rows)]


def files(folder: Path) -> list[str]:
    """The result's tables and summary (the workbook 结果.xlsx holds the same
    tables; the out folder's hidden lock file is no part of the result)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix in (".csv", ".json"))


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEGRAPH_SECRET", SECRET)
        return run(tmp_path_factory.mktemp("regression") / "result")


def test_the_same_files(result):
    assert files(result) == files(EXPECTED)


@pytest.mark.parametrize("name", sorted({o.filename for o in C.OUTPUTS.values()} | {C.SUMMARY_FILE}))
def test_each_file_unchanged(result, name):
    got, want = comparable(result / name), comparable(EXPECTED / name)
    assert len(got) == len(want), f"{name}: {len(got)} lines, stored {len(want)}"
    for g, w in zip(got, want):
        assert g == w, f"{name}: {g.decode('utf-8', 'replace')!r} != stored {w.decode('utf-8', 'replace')!r}"


def test_the_stored_result_covers_every_path():
    """The stored court exercises what a speed change could break: every
    resolution rule but none, rejections of each table, and every judge rule."""
    summary = json.loads((EXPECTED / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["rules"]) == {"same_resident_id", "same_credit_code", "org_name_of_one_code",
                                     "masked_id_and_name", "same_org_name", "unidentified"}
    assert all(summary["rejected"][t] > 0 for t in ("cases", "parties", "assets", "judges"))
    rules = {line.split(b",")[4] for line in comparable(EXPECTED / "assignments.csv")[1:] if line}
    assert rules == {b"kept", b"follows_holder", b"minors_team", b"least_loaded", b"no_capacity"}
    assert summary["mass_applicants"] > 0 and summary["offsets"] == {"bilateral": 2, "multilateral": 2}


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    os.environ["CASEGRAPH_SECRET"] = SECRET
    with tempfile.TemporaryDirectory() as tmp:
        written = run(Path(tmp) / "result")
        EXPECTED.mkdir(parents=True, exist_ok=True)
        for old in EXPECTED.iterdir():
            old.unlink()
        for name in files(written):
            (EXPECTED / name).write_bytes((written / name).read_bytes())
    print(f"stored {', '.join(files(EXPECTED))} in {EXPECTED}")
