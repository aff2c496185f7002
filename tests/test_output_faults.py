"""Results that cannot be written: a folder that cannot be made or written
(the tests run as root, whom chmod does not stop: a "folder" under a file,
/proc, a read-only mount), a full disk (a small tmpfs) and a file-size limit.

Each gives one line on stderr and a non-zero exit, no summary.json of a new
result, no staging folder left behind, and the previous result, if there was
one, byte for byte as it was (its report included: the CSVs, the report and
the summary are written as one unit).
"""
from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph import contract as C
from casegraph.cli import main
from handmade import case, party, write_export


def export(folder: Path, n: int) -> Path:
    cases = [case(f"（2024）沪0113执{i}号", amount=str(1000 + i)) for i in range(1, n + 1)]
    parties = []
    for i in range(1, n + 1):
        parties += [party(f"（2024）沪0113执{i}号", "申请执行人", f"上海甲{i % 40}贸易有限公司"),
                    party(f"（2024）沪0113执{i}号", "被执行人", f"王{i}伟")]
    return write_export(folder, cases, parties)


def analyze(src: Path, out: Path, *args: str):
    res = CliRunner().invoke(main, ["analyze", str(src), "--out", str(out), *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res


def assert_stop(code: int, stdout: str, stderr: str, *words: str) -> str:
    assert code != 0
    assert "Traceback" not in stdout + stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("casegraph: error: "), stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def no_staging_left(folder: Path) -> bool:
    return not list(folder.glob(".casegraph-*"))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return export(tmp_path_factory.mktemp("small") / "export", 20)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """An export whose result is a few megabytes."""
    return export(tmp_path_factory.mktemp("big") / "export", 8000)


# -- folders that cannot be written --------------------------------------------------

def test_a_folder_under_a_file(tmp_path, small):
    (tmp_path / "plain-file").write_text("not a folder")
    res = analyze(small, tmp_path / "plain-file" / "results")
    assert_stop(res.exit_code, res.stdout, res.stderr, "plain-file/results", "Not a directory")
    assert (tmp_path / "plain-file").read_text() == "not a folder"


def test_the_folder_is_a_file(tmp_path, small):
    (tmp_path / "results").write_text("keep me")
    res = analyze(small, tmp_path / "results")
    assert_stop(res.exit_code, res.stdout, res.stderr, "is a file")
    assert (tmp_path / "results").read_text() == "keep me"


def test_a_folder_in_proc(small):
    res = analyze(small, Path("/proc/casegraph-results"))
    assert_stop(res.exit_code, res.stdout, res.stderr, "/proc/casegraph-results", "cannot write the results here")


def test_a_read_only_disk_keeps_the_previous_result(tmp_path, tmpfs, small):
    disk = tmpfs("8m")
    out = disk / "results"
    assert analyze(small, out).exit_code == 0
    before = snapshot(out)
    assert subprocess.run(["mount", "-o", "remount,ro", str(disk)]).returncode == 0
    res = analyze(small, out)
    assert_stop(res.exit_code, res.stdout, res.stderr, "Read-only file system")
    assert snapshot(out) == before


# -- a full disk -----------------------------------------------------------------------------

def test_a_full_disk_keeps_the_previous_result(tmp_path, tmpfs, small, big):
    disk = tmpfs("2m")
    out = disk / "results"
    assert analyze(small, out).exit_code == 0  # a small result (and its report) fits
    before = snapshot(out)
    res = analyze(big, out)                    # a big one does not
    line = assert_stop(res.exit_code, res.stdout, res.stderr, "No space left on device")
    assert "previous result" in line and "untouched" in line
    assert snapshot(out) == before and no_staging_left(out)


def test_a_full_disk_leaves_no_result_that_looks_whole(tmp_path, tmpfs, big):
    disk = tmpfs("256k")
    out = disk / "results"
    res = analyze(big, out)
    assert_stop(res.exit_code, res.stdout, res.stderr, "No space left on device")
    assert not out.exists()  # a run that fails leaves no folder it made


def test_a_disk_too_full_for_the_report_keeps_the_previous_result(tmp_path, tmpfs, small, big):
    """The CSVs, the report and summary.json are one unit: a disk that takes
    the new CSVs but not their report takes none of them (the report used to
    be written after the CSVs, and could be another export's)."""
    disk = tmpfs("2m")
    out = disk / "results"
    assert analyze(small, out).exit_code == 0
    before = snapshot(out)
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    filler.write_bytes(b"\0" * max(free - 400_000, 0))  # room for the CSVs of `small`, not for a report too
    res = analyze(small, out, "--hub-threshold", "5")
    line = assert_stop(res.exit_code, res.stdout, res.stderr, "No space left on device")
    assert "untouched" in line
    assert snapshot(out) == before and no_staging_left(out)


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))  # Python ignores SIGXFSZ: writes fail with EFBIG


def test_a_file_size_limit_keeps_the_previous_result(tmp_path, small, big):
    """Where no tmpfs can be mounted: a process whose files may not grow past 200 kB."""
    out = tmp_path / "results"
    assert analyze(small, out).exit_code == 0
    before = snapshot(out)
    proc = subprocess.run([sys.executable, "-m", "casegraph.cli", "analyze", str(big), "--out", str(out)],
                          capture_output=True, text=True, timeout=600, preexec_fn=_limit_file_size)
    line = assert_stop(proc.returncode, proc.stdout, proc.stderr, "File too large")
    assert "untouched" in line
    assert snapshot(out) == before and no_staging_left(out)


# -- what a new result replaces ---------------------------------------------------------------

def test_a_new_result_takes_nothing_from_the_old_one(tmp_path, small):
    """assignments.csv of a run with judges is no part of a later run without them."""
    judges = tmp_path / "judges.csv"
    judges.write_text("judge,team,capacity\n张法官,一组,50\n", encoding="utf-8")
    out = tmp_path / "results"
    assert analyze(small, out, "--judges", str(judges)).exit_code == 0
    assert (out / "assignments.csv").exists()
    (out / "notes.txt").write_text("the clerk's own file")
    assert analyze(small, out).exit_code == 0
    assert not (out / "assignments.csv").exists()
    assert (out / "notes.txt").read_text() == "the clerk's own file"
    assert (out / C.SUMMARY_FILE).exists() and no_staging_left(out)
    shutil.rmtree(out)


# -- one file, one folder: the primitives the routes, flags and report use ---------------------

def test_routes_are_written_whole_and_for_their_owner_only(tmp_path, monkeypatch):
    import os
    import stat

    import pandas as pd

    from casegraph.errors import OutputError
    from casegraph.contract import ROUTES
    from casegraph.jobs.route import write_routes

    routes = pd.DataFrame([{c: "x" for c in ROUTES.columns}])
    for name in ("routes.csv", "routes.xlsx"):
        path = write_routes(routes, tmp_path / name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name  # names and case numbers: the clerk's only
    before = (tmp_path / "routes.csv").read_bytes()

    def full(self, path, *a, **k):
        Path(path).write_text("half a fi")
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        import polars as pl

        m.setattr(pd.DataFrame, "to_csv", full)  # whichever writes the CSV finds the disk full
        m.setattr(pl.DataFrame, "write_csv", full)
        with pytest.raises(OutputError, match="routes.csv: writing the routes failed .No space left on device"):
            write_routes(routes, tmp_path / "routes.csv")
    assert (tmp_path / "routes.csv").read_bytes() == before and no_staging_left(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="cannot write the routes here"):
        write_routes(routes, tmp_path / "file" / "routes.csv")


def test_a_folder_replaced_whole_or_not_at_all(tmp_path):
    from casegraph.errors import OutputError
    from casegraph.write.files import atomic_folder

    site = tmp_path / "report"
    with atomic_folder(site, "the report") as stage:
        (stage / "index.html").write_text("first")
    with pytest.raises(OutputError, match="writing the report failed"):
        with atomic_folder(site, "the report") as stage:
            (stage / "index.html").write_text("second")
            raise OSError(28, "No space left on device")
    assert (site / "index.html").read_text() == "first" and [p.name for p in tmp_path.iterdir()] == ["report"]
    with atomic_folder(site, "the report") as stage:
        (stage / "bundle.html").write_text("third")
    assert [p.name for p in site.iterdir()] == ["bundle.html"] and [p.name for p in tmp_path.iterdir()] == ["report"]
