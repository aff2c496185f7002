"""Benchmark: reading a clerk's ledger (台账), against pandas reading the same file.

For each size and format it times, each in a fresh process (so that peak
memory is its own):

* ``pandas``: pandas alone reading the file as text (``read_csv`` with
  ``dtype=str``; ``read_excel`` with python-calamine), the yardstick;
* ``read``: ``casegraph.read.read_export``: the sheet found by content, the
  header under the title rows, blank and total rows dropped, the names of
  each cell split into party rows;
* ``read+normalise``: and ``casegraph.normalise.normalise`` (case numbers,
  dates, amounts in exact yuan, roles, IDs).

The ledgers are written once to bench/out/ledger-N/ (``casegraph sample
--ledger``, about 2.3 names per row).

    python bench/bench_ledger.py                       # 1000000 rows, csv and xlsx
    python bench/bench_ledger.py 20000 --formats csv
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parent.parent


def child(kind: str, path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from casegraph.normalise import normalise
    from casegraph.read import read_export

    t = time.perf_counter()  # imports aside: pandas' are made above too
    rows = 0
    if kind == "pandas":
        if path.suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, header=2, encoding="utf-8-sig")
        else:
            df = pd.read_excel(path, engine="calamine", dtype=str, header=2)
        rows = len(df)
    else:
        tables = read_export(path)
        rows = len(tables["cases"])
        if kind == "read+normalise":
            rows = len(normalise(tables).cases)
    wall = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_mb": peak_mb, "rows": rows}))


def measure(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
    ap.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    sys.path.insert(0, str(ROOT))
    from casegraph.sample.ledger import make_ledger

    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {os.cpu_count()} CPUs, {mem_gb:.0f} GB RAM; load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'rows':>9} {'format':>6} {'MB':>6} {'pandas s':>9} {'read s':>7} {'ratio':>6} {'+normalise s':>13} "
          f"{'ratio':>6} {'peak MB':>8}")
    for n in args.sizes:
        for fmt in args.formats:
            folder = OUT / f"ledger-{n}-{fmt}"
            path = folder / f"ledger.{fmt}"
            if not path.exists():
                t = time.perf_counter()
                make_ledger(n, folder, fmt=fmt)
                print(f"  (wrote {path} in {time.perf_counter() - t:.0f} s)", flush=True)
            base = measure("pandas", path)
            read = measure("read", path)
            full = measure("read+normalise", path)
            print(f"{n:>9} {fmt:>6} {path.stat().st_size / 2**20:>6.0f} {base['wall']:>9.1f} {read['wall']:>7.1f} "
                  f"{read['wall'] / base['wall']:>6.1f} {full['wall']:>13.1f} {full['wall'] / base['wall']:>6.1f} "
                  f"{full['peak_mb']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
