"""Benchmark: `casegraph clearing` on the 100k and 1M samples, and the solver
alone on dense random debt networks.

For each sample size it reports the time of each stage of a whole run
(prepare = read → normalise → resolve → graph; select = which cases may be
cleared; flow = network simplex; plan = spreading and tables; write) and its
peak memory, the totals, and what greedy cycle cancelling (pairs first, then
cycle after cycle) clears on the same debts. Each size runs in a fresh
process so that peak memory is its own.

The sample's debts are mostly one-off, so few of them lie on closed chains;
``dense`` shows how the network simplex itself scales when every debt does
(random debts among few parties: one strongly connected group).

    python bench/bench_clearing.py 100000 1000000
    python bench/bench_clearing.py dense
"""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"


def child(folder: str) -> None:
    from casegraph.pipeline import prepare
    from casegraph.find.clearing import clearable, clearing_plan, greedy_cycle_cancelling
    from casegraph.write.files import write_plan

    clock = {}

    def timed(name, fn, *args):
        t, c = time.perf_counter(), time.process_time()
        out = fn(*args)
        clock[name] = (time.perf_counter() - t, time.process_time() - c)
        return out

    _, _, graph = timed("prepare", prepare, folder)
    plan = timed("clearing", clearing_plan, graph)
    timed("write", write_plan, plan, Path(folder).parent / "clearing")
    debts = clearable(graph)[0]
    greedy = timed("greedy", greedy_cycle_cancelling, debts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s = plan.summary
    print(json.dumps({"clock": clock, "stages": s["seconds"], "peak_mb": peak_mb, "greedy": greedy,
                      **{k: s[k] for k in ("cases_in_plan", "cases_cleared", "debt_before", "debt_after", "cleared",
                                           "cleared_bilateral", "cleared_multilateral", "bilateral_alone", "floor",
                                           "solver")}}))


def sample(sizes: list[int]) -> None:
    from casegraph.sample.generate import make_sample

    print(f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    for n in sizes:
        folder = OUT / f"sample-{n}" / "export"
        if not (folder / "cases.csv").exists():
            make_sample(n, folder)
        out = subprocess.run([sys.executable, __file__, "--child", str(folder)], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ck, st = r["clock"], r["stages"]
        print(f"{n:>9} cases: prepare {ck['prepare'][0]:.1f} s (cpu {ck['prepare'][1]:.1f}); clearing "
              f"{ck['clearing'][0]:.2f} s (cpu {ck['clearing'][1]:.2f}: select {st['select']:.2f}, flow {st['flow']:.2f},"
              f" plan {st['plan']:.2f}); write {ck['write'][0]:.1f} s; peak {r['peak_mb']:.0f} MB")
        print(f"{'':>16}{r['cases_in_plan']} cases in the plan, {r['cases_cleared']} shrink; "
              f"flow on {r['solver']['flow_edges']} pair debts in {r['solver']['components']} groups "
              f"(largest {r['solver']['largest_component']})")
        print(f"{'':>16}debt {r['debt_before']:,.2f} -> {r['debt_after']:,.2f} (floor {r['floor']:,.2f}); cleared "
              f"{r['cleared']:,.2f} = bilateral {r['cleared_bilateral']:,.2f} + multilateral "
              f"{r['cleared_multilateral']:,.2f}; greedy {r['greedy']:,.2f} ({ck['greedy'][0]:.2f} s); "
              f"bilateral alone {r['bilateral_alone']:,.2f}", flush=True)


def dense(sizes=((200, 2_000), (1_000, 10_000), (5_000, 50_000)), seed: int = 1) -> None:
    import pandas as pd

    from casegraph.find.clearing import clearing_plan, greedy_cycle_cancelling

    print("dense random networks (every debt on a closed chain):")
    for n_parties, n_debts in sizes:
        rng = random.Random(seed)
        rows = []
        for i in range(n_debts):
            a, b = rng.sample(range(n_parties), 2)
            rows.append((f"c{i}", f"p{a}", f"p{b}", round(rng.lognormvariate(11, 1), 2)))
        d = pd.DataFrame(rows, columns=["case_no", "debtor", "creditor", "amount"])
        t, c = time.perf_counter(), time.process_time()
        plan = clearing_plan(d)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        t = time.perf_counter()
        greedy = greedy_cycle_cancelling(d)
        greedy_s = time.perf_counter() - t
        s = plan.summary
        print(f"  {n_parties:>6} parties {n_debts:>7} debts ({s['solver']['flow_edges']} pair debts): "
              f"{wall:.1f} s (cpu {cpu:.1f}; flow {s['seconds']['flow']:.1f} s); cleared {s['cleared'] / s['debt_before']:.1%} "
              f"of the debt, greedy {greedy / s['debt_before']:.1%} ({greedy_s:.1f} s); "
              f"after {s['debt_after']:,.0f}, floor {s['floor']:,.0f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    elif sys.argv[1:2] == ["dense"]:
        dense()
    else:
        sample([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
