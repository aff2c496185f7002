"""Benchmark: `analyze` (embedded engine) at 10k, 100k and 1M cases.

For each size it reports the wall time and peak memory of a whole
`casegraph.analyze` + `write_result` run, beside the time pandas alone takes
to read the same CSVs (the issue's yardstick: at most 3x the read time).
Each measurement runs in a fresh process so that peak memory is its own.

    python bench/bench_analyze.py 10000 100000 1000000
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"


def child(kind: str, folder: str) -> None:
    import pandas as pd

    t = time.perf_counter()
    if kind == "read":
        for name in ("cases", "parties", "assets"):
            pd.read_csv(Path(folder) / f"{name}.csv", dtype=str, keep_default_na=False)
    else:
        import casegraph

        result = casegraph.analyze(folder)
        casegraph.write_result(result, Path(folder).parent / (Path(folder).name + "-result"))
        print(json.dumps(result.summary["seconds"]), file=sys.stderr)
    wall = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_mb": peak_mb}))


def measure(kind: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(folder)], capture_output=True, text=True, check=True)
    if out.stderr.strip():
        print(f"    stages: {out.stderr.strip().splitlines()[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    from casegraph.sample.generate import make_sample

    print(f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    print(f"{'cases':>9} {'read s':>8} {'analyze s':>10} {'ratio':>6} {'peak MB':>8}")
    for n in sizes:
        folder = OUT / f"sample-{n}" / "export"
        if not (folder / "cases.csv").exists():
            make_sample(n, folder)
        read = measure("read", folder)
        run = measure("analyze", folder)
        print(f"{n:>9} {read['wall']:>8.1f} {run['wall']:>10.1f} {run['wall'] / read['wall']:>6.1f} {run['peak_mb']:>8.0f}",
              flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
