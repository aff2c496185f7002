"""Profile: where a whole `analyze` run (with every output file) spends its time.

Runs `casegraph.analyze` and `write_result` on a sample of the given size
under cProfile and writes the functions that took the most time, by their
own time and by their cumulative time, to ``bench/profiles/<label>.txt``
(committed: the profile before and after a change to the hot path).

    python bench/profile_analyze.py 1000000 --label analyze-1M-before
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_analyze import sample  # noqa: E402

PROFILES = Path(__file__).parent / "profiles"


def main(n: int, label: str, top: int) -> Path:
    import casegraph

    folder = sample(n, 7)
    target = folder.parent / "profile-result"
    shutil.rmtree(target, ignore_errors=True)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    result = casegraph.analyze(folder)
    casegraph.write_result(result, target)
    prof.disable()
    wall = time.perf_counter() - t
    out = io.StringIO()
    out.write(f"# {n:,} sample cases: analyze + write_result, {wall:.1f} s under cProfile\n")
    out.write(f"# stages (wall s, without the profiler's share): {result.summary['seconds']}\n\n")
    for order in ("tottime", "cumulative"):
        out.write(f"## by {order}\n")
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
    PROFILES.mkdir(exist_ok=True)
    path = PROFILES / f"{label}.txt"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", type=int)
    ap.add_argument("--label", default=None)
    ap.add_argument("--top", type=int, default=45)
    a = ap.parse_args()
    print(main(a.cases, a.label or f"analyze-{a.cases}", a.top))
