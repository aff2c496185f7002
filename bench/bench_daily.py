"""Benchmark: the two daily users at a million cases, on a local Neo4j server.

* Morning, ``casegraph assign``: the day's new cases are loaded into a
  database of N cases, two mornings running (the first on a server just
  started, with nothing planned or cached; the second after the night's
  ``flag``) (the database is loaded first, through Neo4j's
  offline importer from 50k cases) and routed one by one. Reported: the
  whole run end to end (prepare, load, route, as ``casegraph assign`` does
  it), the load's steps (``read``: only the records the day touches;
  ``resolve``) and the records it read back, and each routed case's time:
  its lookup (``cypher/route_case.cypher``), the decision and the write of
  its judge, p50/p95/max over the day's cases. Targets: the day's 1,000 in
  at most 10 s end to end, about as fast on 1M cases as on 20k; routing
  p95 under 20 ms.
  A read-only lookup of random existing cases (half of them in bundles) is
  timed too.
* Night, ``casegraph flag``: a whole run over the database (seconds per
  step, flags per kind) after each morning: the second replaces the first.

The sample has N + 2 NEW cases (casegraph.sample); the newest 2 NEW are
the two days' intake, the rest the database (casegraph.sample.split.split_newest). The store
lives in bench/out/daily/store-N. ``--reuse`` keeps a store loaded before:
the database is put back as the first load left it (a copy of its
folder kept beside it, ``store-N-NEW.loaded``), so the day's intake is
loaded and routed again as new. The machine
(cores, load average, memory) is recorded beside the figures, since other
jobs may share it. Results: bench/out/daily/results.json.

    python bench/bench_daily.py 1000000 --new 1000 --heap 4g --pagecache 4g
    python bench/bench_daily.py 1000000 --reuse          # route and flag again on the loaded store
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import time
from pathlib import Path

OUT = Path(__file__).parent / "out" / "daily"


def machine() -> dict:
    mem = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":")
            if k in ("MemTotal", "MemAvailable"):
                mem[k] = round(int(v.split()[0]) / 2**20, 1)
    return {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "mem_total_gib": mem.get("MemTotal"), "mem_available_gib": mem.get("MemAvailable")}


def quantiles(ms: list[float]) -> dict:
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else [ms[0]] * 99
    return {"n": len(ms), "p50": round(q[49], 2), "p95": round(q[94], 2), "max": round(max(ms), 2)}


def bench(n: int, n_new: int, heap: str, pagecache: str, reuse: bool, lookups: int) -> dict:
    from casegraph import contract as C
    from casegraph.engines.neo4j import db as ne
    from casegraph.engines.neo4j import find as nf
    from casegraph.engines.neo4j import server
    from casegraph.engines.neo4j.engine import Neo4jEngine
    from casegraph.engines.neo4j.load import load_graph
    from casegraph.jobs.flag import flag_all
    from casegraph.pipeline import prepare
    from casegraph.jobs.route import assign_new
    from casegraph.sample.split import split_newest
    from casegraph.sample.generate import make_sample

    out: dict = {"cases": n, "new_cases": n_new, "heap": heap, "pagecache": pagecache, "machine_before": machine()}
    sample = OUT / f"sample-{n}-{n_new}x2"
    if not (sample / "day2" / "new" / "cases.csv").exists():
        t = time.perf_counter()
        make_sample(n + 2 * n_new, sample / "export")
        split_newest(sample / "export", sample, 2 * n_new)
        split_newest(sample / "new", sample / "day2", n_new)
        print(f"  sample of {n + 2 * n_new:,} cases made and split in {time.perf_counter() - t:.1f} s")
    existing = sample / "existing"
    days = [sample / "day2" / "existing", sample / "day2" / "new"]  # the older thousand, then the newer
    store = OUT / f"store-{n}-{n_new}x2"
    marker = store / "casegraph-bench-loaded.json"
    pristine = store.with_name(store.name + ".loaded")
    server.stop(store)
    if reuse and (pristine / "casegraph-bench-loaded.json").exists():
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(pristine, store, symlinks=True)
    else:
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(pristine, ignore_errors=True)
    info = server.start(store, heap=heap, pagecache=pagecache, timeout=600)
    try:
        with ne.connect(info.uri) as db:
            if marker.exists():
                out["existing_load"] = json.loads(marker.read_text())
                print("  reusing the loaded store, as the first load left it")
            else:
                t = time.perf_counter()
                stages: dict = {}
                _, resolved, graph = prepare(existing, timings=stages)
                prepared = time.perf_counter() - t
                report = load_graph(db, graph, resolved, progress=True, data_dir=store)
                out["existing_load"] = {"seconds": round(time.perf_counter() - t, 1), "bulk": report.bulk,
                                        "prepare_seconds": round(prepared, 1),
                                        "prepare_steps": {k: round(v, 1) for k, v in stages.items() if k != "cpu"},
                                        "database_seconds": round(report.total_seconds, 1),
                                        "steps": {k: round(v, 1) for k, v in report.seconds.items()}}
                marker.write_text(json.dumps(out["existing_load"]))
                print(f"  loaded the {n:,} existing cases in {out['existing_load']['seconds']} s: "
                      f"{out['existing_load']}")
                # Keep the store as loaded, for --reuse: a copy of its folder while the server is stopped.
                server.stop(store)
                shutil.copytree(store, pristine, symlinks=True, ignore=shutil.ignore_patterns("*.pid"))
                info = server.start(store, heap=heap, pagecache=pagecache, timeout=600)
    except BaseException:
        server.stop(store)
        raise
    try:
        with ne.connect(info.uri) as db:
            total = int(db.read("MATCH (c:Case) RETURN count(c) AS n").iloc[0, 0])

            # A read-only lookup of existing cases, after warming the plan and the page cache.
            options = C.Options()
            query = ne.statements("route_case")[0]
            rng = random.Random(7)
            bundled = nf.bundles(db, options)["case_no"].unique().tolist()
            every = db.read("MATCH (c:Case) RETURN c.case_no AS c")["c"].tolist()
            picks = rng.sample(bundled, min(lookups // 2, len(bundled)))
            picks += rng.sample(every, lookups - len(picks))
            rng.shuffle(picks)
            params = {**ne.defaults("route_case"), "hub_threshold": options.hub_threshold}
            for case_no in picks[:50]:
                db.read(query, {**params, "case_no": case_no})
            times = []
            for case_no in picks:
                t = time.perf_counter()
                db.read(query, {**params, "case_no": case_no})
                times.append((time.perf_counter() - t) * 1000)
            out["route_lookup_ms"] = quantiles(times)
            print(f"  route lookup of an existing case: {out['route_lookup_ms']}")

            # Two mornings: the first on the server just started (nothing planned,
            # nothing cached), the second after a night's flag, as a court runs it.
            out["assign"], out["flag"] = [], []
            for day, new in enumerate(days, 1):
                machine_before = machine()
                t = time.perf_counter()
                routing = assign_new(Neo4jEngine(db), new, progress=True)
                out["assign"].append({
                    "day": day, "after": "the server's start" if day == 1 else "a night's flag",
                    "seconds": round(time.perf_counter() - t, 1),
                    "load_seconds": round(routing.load.total_seconds, 1),
                    "load_steps": {k: round(v, 1) for k, v in routing.load.seconds.items()},
                    "records_read_back": routing.load.read,
                    "database_cases": total,
                    "route_ms": quantiles(routing.latencies_ms) if routing.latencies_ms else None,
                    "lookup_ms": quantiles(routing.lookup_ms) if routing.lookup_ms else None,
                    "rules": routing.summary["rules"], "conflicts": routing.summary["conflicts"],
                    "without_judge": routing.summary["without_judge"], "machine_before": machine_before,
                })
                print(f"  assign day {day}: {n_new} new cases on {total:,}: {out['assign'][-1]}")
                total += n_new
                machine_before = machine()
                t = time.perf_counter()
                run = flag_all(Neo4jEngine(db), progress=True)
                out["flag"].append({"seconds": round(time.perf_counter() - t, 1),
                                    "steps": run.summary["seconds"], "flags": run.summary["flags"],
                                    "replaced_runs": len(run.summary["replaced_runs"]),
                                    "machine_before": machine_before})
                print(f"  flag: {out['flag'][-1]}")
            c = db.read("MATCH (n) RETURN count(n) AS n").iloc[0, 0], db.read("MATCH ()-[r]->() RETURN count(r) AS n").iloc[0, 0]
            out["nodes"], out["relationships"] = int(c[0]), int(c[1])
    finally:
        server.stop(store)
    out["machine_after"] = machine()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
    ap.add_argument("--new", dest="n_new", type=int, default=1000, help="The day's new cases.")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--pagecache", default="4g")
    ap.add_argument("--lookups", type=int, default=1000)
    ap.add_argument("--reuse", action="store_true", help="Keep a store loaded by an earlier run.")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for n in args.sizes:
        print(f"{n:,} cases + {args.n_new} new")
        results[str(n)] = bench(n, args.n_new, args.heap, args.pagecache, args.reuse, args.lookups)
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
