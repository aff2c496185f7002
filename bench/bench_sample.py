"""Benchmark: `casegraph.sample.make_sample` at 10k, 100k and 1M cases.

Each size runs in a fresh process so that its peak memory (ru_maxrss) is its
own; the samples are written to bench/out/make-sample-N/.

    python bench/bench_sample.py                  # 10000 100000 1000000
    python bench/bench_sample.py 50000 --seed 3
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


def child(n: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT))
    from casegraph.sample import make_sample

    folder = OUT / f"make-sample-{n}"
    before = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    truth = make_sample(n, folder, seed=seed)
    wall = time.perf_counter() - t
    use = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = use.ru_maxrss / 1024
    cpu = use.ru_utime + use.ru_stime - before.ru_utime - before.ru_stime
    size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    print(json.dumps({"n": n, "wall": wall, "cpu": cpu, "peak_mb": peak_mb, "size_mb": size_mb,
                      "party_rows": truth["counts"]["party_rows"], "asset_rows": truth["counts"]["asset_rows"]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.sizes[0], args.seed)
        return
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {os.cpu_count()} CPUs, {mem_gb:.0f} GB RAM; python {sys.version.split()[0]}")
    print(f"load average before: {os.getloadavg()[0]:.1f} (other processes slow the wall time, not the CPU time)")
    print(f"{'cases':>10} {'wall s':>8} {'CPU s':>7} {'peak RSS MB':>12} {'files MB':>9} {'party rows':>11} {'asset rows':>11}")
    for n in args.sizes:
        res = subprocess.run([sys.executable, __file__, str(n), "--seed", str(args.seed), "--child"],
                             capture_output=True, text=True, check=True)
        r = json.loads(res.stdout.strip().splitlines()[-1])
        print(f"{n:>10} {r['wall']:>8.1f} {r['cpu']:>7.1f} {r['peak_mb']:>12.0f} {r['size_mb']:>9.0f} {r['party_rows']:>11} "
              f"{r['asset_rows']:>11}", flush=True)


if __name__ == "__main__":
    main()
