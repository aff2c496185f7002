"""Benchmark: the Neo4j engine at 100k and 1M cases, server on this machine.

For each size N it starts a fresh local server (its own store under
bench/out/neo4j/), makes a sample export of N + N/10 cases, and reports:

* the first load of the N oldest cases into the empty store, in cases per
  second: the whole ``casegraph load`` (read, normalise, resolve, write:
  Neo4j's offline importer, ``--bulk auto`` from 50k cases, or the
  transactional path) and the database part alone, with the seconds of each
  step; then a second load of the same export (which writes nothing);
* an incremental load of the newest N/10 cases into those N (it reads only
  the records they touch), with the records it read back;
* the time of each finding (``cypher/`` queries plus formatting);
* the latency of the related-cases query for one case (``cypher/related_cases.cypher``,
  through the driver as ``casegraph query`` sends it), p50/p95 over random
  cases, half of them in bundles.

Targets (the issue): 1M cases loaded into an empty store in at most 2
minutes; an incremental 100k into 1M in time proportional to the 100k;
related-cases p95 under 20 ms. The machine's load average is recorded
beside the figures. Results go to bench/out/neo4j/results.json.

    python bench/bench_neo4j.py 100000 1000000 --heap 6g --pagecache 6g
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import time
from pathlib import Path

OUT = Path(__file__).parent / "out" / "neo4j"


def bench(n: int, heap: str, pagecache: str, lookups: int, reload: bool, bulk: str) -> dict:
    from casegraph import contract as C
    from casegraph.engines.neo4j import db as ne
    from casegraph.engines.neo4j import find as nf
    from casegraph.engines.neo4j import server
    from casegraph.pipeline import prepare
    from casegraph.find.embedded import bundles as embedded_bundles  # noqa: F401  (same function the engine calls)
    from casegraph.engines.neo4j.load import load_graph
    from casegraph.sample.generate import make_sample
    from casegraph.sample.split import split_newest

    n_more = max(n // 10, 1)
    sample = OUT / f"sample-{n}"
    if not (sample / "new" / "cases.csv").exists():
        t = time.perf_counter()
        make_sample(n + n_more, sample / "export")
        split_newest(sample / "export", sample, n_more)
        print(f"  sample of {n + n_more} cases made and split in {time.perf_counter() - t:.1f} s")
    export, more = sample / "existing", sample / "new"
    store = OUT / f"store-{n}"
    server.stop(store)
    shutil.rmtree(store, ignore_errors=True)
    info = server.start(store, heap=heap, pagecache=pagecache, timeout=300)
    out: dict = {"cases": n, "heap": heap, "pagecache": pagecache, "load_average_before": _load_average()}
    try:
        with ne.connect(info.uri) as db:
            t = time.perf_counter()
            _, resolved, graph = prepare(export)
            prep = time.perf_counter() - t
            report = load_graph(db, graph, resolved, progress=True, data_dir=store,
                                bulk={"auto": None, "on": True, "off": False}[bulk])
            total = time.perf_counter() - t
            out["load"] = {
                "seconds": round(total, 1), "cases_per_second": round(n / total), "bulk": report.bulk,
                "prepare_seconds": round(prep, 1), "database_seconds": round(report.total_seconds, 1),
                "database_cases_per_second": round(n / report.total_seconds),
                "steps": {k: round(v, 1) for k, v in report.seconds.items()},
                "written": report.written, "load_average": _load_average(),
            }
            print(f"  first load{' (bulk)' if report.bulk else ''}: {total:.1f} s = {n / total:,.0f} cases/s "
                  f"(prepare {prep:.1f} s, database {report.total_seconds:.1f} s); steps {out['load']['steps']}")
            if reload:
                t = time.perf_counter()
                again = load_graph(db, graph, resolved)
                out["reload_seconds"] = round(time.perf_counter() - t, 1)
                print(f"  same export again: {out['reload_seconds']} s, wrote {again.written['records']} records")

            t = time.perf_counter()
            _, resolved_more, graph_more = prepare(more)
            prep = time.perf_counter() - t
            report = load_graph(db, graph_more, resolved_more, progress=True)
            total = time.perf_counter() - t
            out["incremental"] = {
                "cases": n_more, "seconds": round(total, 1), "prepare_seconds": round(prep, 1),
                "database_seconds": round(report.total_seconds, 1), "cases_per_second": round(n_more / total),
                "steps": {k: round(v, 1) for k, v in report.seconds.items()}, "read": report.read,
                "written": report.written, "load_average": _load_average(),
            }
            print(f"  incremental {n_more} into {n}: {total:.1f} s (prepare {prep:.1f} s, database "
                  f"{report.total_seconds:.1f} s), read back {report.read}; steps {out['incremental']['steps']}")
            every = graph.cases["case_no"].tolist() + graph_more.cases["case_no"].tolist()

            options = graph.options
            out["findings"] = {}
            for name in ("repeat_applicants", "common_debtors", "offsets", "shared_assets", "bundles"):
                t = time.perf_counter()
                rows = len(getattr(nf, name)(db, options))
                out["findings"][name] = {"seconds": round(time.perf_counter() - t, 2), "rows": rows}
                print(f"  {name}: {out['findings'][name]['seconds']} s, {rows} rows")

            rng = random.Random(7)
            bundled = nf.bundles(db, options)["case_no"].unique().tolist()
            cases = every
            picks = rng.sample(bundled, min(lookups // 2, len(bundled)))
            picks += rng.sample(cases, lookups - len(picks))
            rng.shuffle(picks)
            (query,) = ne.statements("related_cases")
            params = ne.params_of(options)
            for case_no in picks[:50]:  # warm the page cache and the query plan
                db.read(query, {**params, "case_no": case_no})
            times = []
            for case_no in picks:
                t = time.perf_counter()
                db.read(query, {**params, "case_no": case_no})
                times.append((time.perf_counter() - t) * 1000)
            q = statistics.quantiles(times, n=100)
            out["related_cases_ms"] = {"lookups": len(times), "p50": round(q[49], 2), "p95": round(q[94], 2),
                                       "max": round(max(times), 2)}
            print(f"  related cases of one case: p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms over {len(times)} lookups")
            c = db.read("MATCH (n) RETURN count(n) AS n").iloc[0, 0], db.read("MATCH ()-[r]->() RETURN count(r) AS n").iloc[0, 0]
            out["nodes"], out["relationships"] = int(c[0]), int(c[1])
    finally:
        server.stop(store)
    return out


def _load_average() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    ap.add_argument("--heap", default="6g")
    ap.add_argument("--pagecache", default="6g")
    ap.add_argument("--lookups", type=int, default=1000)
    ap.add_argument("--no-reload", dest="reload", action="store_false", help="Skip loading the same export again.")
    ap.add_argument("--bulk", choices=["auto", "on", "off"], default="auto",
                    help="The first load through Neo4j's offline importer (auto: from 50k cases).")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}  # other sizes measured before stay
    for n in args.sizes:
        print(f"{n:,} cases")
        results[str(n)] = bench(n, args.heap, args.pagecache, args.lookups, args.reload, args.bulk)
        path.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
