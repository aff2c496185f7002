"""Benchmark: `analyze` (embedded engine) + writing every output and the report.

For each size it reports, beside the time pandas alone takes to read the same
CSVs (the issue's yardstick), the time of a whole run as the CLI does it
(`casegraph.analyze`, `write_result`, the report), their ratio, the peak
memory, and a table of the stages (read, normalise, resolve, graph, find,
assign, files: the CSVs, 结果.xlsx and the report as written side by side) in wall and CPU seconds, with how each grows from the
smallest size to the largest (linear growth: 10x the cases, at most 11x the
time). Each measurement runs in a fresh process so that peak memory is its own.

The held-out run is a sample drawn with another seed than the one the code
was tuned on, in which nearly every party is distinct (the worst case for
per-party work); the share of distinct parties is printed.

    python bench/bench_analyze.py                      # 100k, 200k, 1M and the held-out 200k
    python bench/bench_analyze.py 20000 --heldout 20000

Take the figures on a quiet machine: the script prints `uptime` before and
after; CPU seconds are given beside wall seconds because a busy neighbour
inflates the wall time.
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
STAGES = ("read", "normalise", "resolve", "graph", "find", "assign", "files")
HELD_OUT_SEED = 11  # the samples the code was tuned on use make_sample's default seed, 7


def child(kind: str, folder: str) -> None:
    """One measurement in this (fresh) process; prints one JSON line."""
    import pandas as pd

    t, c = time.perf_counter(), time.process_time()
    out: dict = {}
    if kind == "read":
        for name in ("cases", "parties", "assets"):
            pd.read_csv(Path(folder) / f"{name}.csv", dtype=str, keep_default_na=False)
    else:
        import casegraph

        result = casegraph.analyze(folder)
        s = result.summary
        stages = {k: {"wall": s["seconds"][k], "cpu": s["cpu_seconds"][k]} for k in s["seconds"]}
        target = Path(folder).parent / (Path(folder).name + "-result")
        # Every file as the CLI writes them (the CSVs beside 结果.xlsx and the report).
        w, p = time.perf_counter(), time.process_time()
        casegraph.write_result(result, target)
        stages["files"] = {"wall": time.perf_counter() - w, "cpu": time.process_time() - p}
        out = {"stages": stages, "party_rows": s["accepted"]["parties"], "parties": s["resolved_parties"]}
    out.update(wall=time.perf_counter() - t, cpu=time.process_time() - c,
               peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out))


def measure(kind: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(folder)], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{kind} of {folder} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def sample(n: int, seed: int) -> Path:
    from casegraph.sample.generate import make_sample

    folder = OUT / (f"sample-{n}" if seed == 7 else f"sample-{n}-seed{seed}") / "export"
    if not (folder / "cases.csv").exists():
        make_sample(n, folder, seed=seed)
    return folder


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(sizes: list[int], held_out: int | None) -> None:
    runs = [(f"{n:,}", sample(n, 7)) for n in sizes]
    if held_out:
        runs.append((f"{held_out:,} held-out", sample(held_out, HELD_OUT_SEED)))
    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    print(f"before: {uptime()}")
    print(f"{'cases':>18} {'pandas read s':>14} {'analyze+write s':>16} {'ratio':>6} {'cpu s':>7} {'peak MB':>8}"
          f" {'distinct parties':>17}", flush=True)
    results = {}
    for label, folder in runs:
        read, run = measure("read", folder), measure("analyze", folder)
        results[label] = run
        distinct = run["parties"] / run["party_rows"]
        print(f"{label:>18} {read['wall']:>14.2f} {run['wall']:>16.2f} {run['wall'] / read['wall']:>6.1f}"
              f" {run['cpu']:>7.2f} {run['peak_mb']:>8.0f} {distinct:>16.1%}", flush=True)
    print(f"after: {uptime()}")
    print("\nstages, wall s (cpu s):")
    print(f"{'stage':>10} " + " ".join(f"{label:>20}" for label in results)
          + (f" {'growth':>8}" if len(sizes) > 1 else ""))
    first, last = f"{sizes[0]:,}", f"{sizes[-1]:,}"
    for stage in STAGES:
        cells = []
        for run in results.values():
            st = run["stages"].get(stage)
            cells.append(f"{st['wall']:.2f} ({st['cpu']:.2f})" if st else "-")
        line = f"{stage:>10} " + " ".join(f"{c:>20}" for c in cells)
        if len(sizes) > 1 and stage in results[first]["stages"] and stage in results[last]["stages"]:
            a, b = results[first]["stages"][stage]["cpu"], results[last]["stages"][stage]["cpu"]
            line += f" {b / a if a else float('nan'):>7.1f}x"
        print(line)
    if len(sizes) > 1:
        print(f"growth: cpu at {last} / cpu at {first} cases ({sizes[-1] / sizes[0]:.0f}x the cases)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        ap.add_argument("sizes", nargs="*", type=int, default=[100_000, 200_000, 1_000_000])
        ap.add_argument("--heldout", type=int, default=200_000, help="cases of the held-out sample (0: none)")
        a = ap.parse_args()
        main(a.sizes, a.heldout)
