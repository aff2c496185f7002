"""Benchmark: the explorer's questions (search, expand, path) on both engines.

An analyst's clicks, drawn at random from a generated sample of N cases:

* search: exact names of parties (half of them), two or three characters of
  a name, case numbers typed with ASCII brackets, masked IDs, parts of asset
  ids;
* expand: random parties, cases and assets, and the busiest common debtors;
  a fifth of them with a filter (open cases only);
* path: two cases of one bundle (connected, often several hops) and two
  random cases or parties (mostly not connected: the whole reachable part is
  searched), at most 6 steps.

Each is timed as the engine answers it (``Engine.search``, ``expand``,
``path``) and, for a share of them, through the explorer's HTTP API on
127.0.0.1 (guard, JSON and all). Target: p95 under 100 ms for each at 1M
cases, on the embedded engine (whose indexes are built once, at start; the
build is timed) and on Neo4j (``--neo4j``: a local server of its own in
bench/out/explore/store-N, loaded once and kept). The machine (cores, load
average, memory) is recorded beside the figures, since other jobs may share
it. Results: bench/out/explore/results.json.

    python bench/bench_explore.py 20000
    python bench/bench_explore.py 1000000 --neo4j --heap 4g --pagecache 4g
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench_daily import machine, quantiles

OUT = Path(__file__).parent / "out" / "explore"


def questions(graph, findings: dict, n: int, seed: int = 7) -> dict[str, list[tuple]]:
    """``{"search": [(text,)], "expand": [(id, filters)], "path": [(a, b)]}``, drawn from ``graph``."""
    from casegraph.engines import answers as A

    rng = random.Random(seed)
    parties, cases = graph.parties, graph.cases
    names = parties["name"].sample(n, replace=True, random_state=seed).tolist()
    masked = parties.loc[parties["id_masked"] != "", "id_masked"]
    assets = graph.assets["asset_id"].drop_duplicates()
    searches = [(t,) for t in names[: n // 2]]
    searches += [(t[: rng.choice((2, 3))],) for t in names[n // 2: n // 2 + n // 5] if len(t) >= 2]
    searches += [(c.replace("（", "(").replace("）", ")"),) for c in cases["case_no"].sample(n * 3 // 20, replace=True,
                                                                                          random_state=seed)]
    searches += [(m,) for m in masked.sample(n // 10, replace=True, random_state=seed)] if len(masked) else []
    searches += [(a[2:9],) for a in assets.sample(n // 20, replace=True, random_state=seed)] if len(assets) else []
    rng.shuffle(searches)

    top = [f"party:{p}" for p in findings["common_debtors"]["party_id"].head(50)]
    nodes = ([f"party:{p}" for p in parties["party_id"].sample(n // 2, replace=True, random_state=seed)]
             + [f"case:{c}" for c in cases["case_no"].sample(n // 4, replace=True, random_state=seed)]
             + ([f"asset:{a}" for a in assets.sample(n // 10, replace=True, random_state=seed)] if len(assets) else [])
             + ([rng.choice(top) for _ in range(n // 10)] if top else []))
    expands = [(x, A.Filters(open_only=True) if rng.random() < 0.2 else A.NO_FILTERS) for x in nodes[:n]]
    rng.shuffle(expands)

    bundles = findings["bundles"].groupby("bundle_id")["case_no"].apply(list).tolist()
    every = cases["case_no"].tolist()
    paths = []
    for _ in range(n):
        if bundles and rng.random() < 0.6:
            a, b = rng.sample(rng.choice(bundles), 2)
        else:
            a, b = rng.sample(every, 2)
        paths.append((f"case:{a}", f"case:{b}"))
    return {"search": searches[:n], "expand": expands[:n], "path": paths}


def timed(engine, asks: dict[str, list[tuple]]) -> dict:
    """p50/p95/max in ms of each question, asked of ``engine`` (after a few to warm it)."""
    calls = {"search": lambda t: engine.search(t), "expand": lambda x, f: engine.expand(x, f),
             "path": lambda a, b: engine.path(a, b, 6)}
    out = {}
    for name, args in asks.items():
        for a in args[:20]:
            calls[name](*a)
        ms = []
        for a in args:
            t = time.perf_counter()
            calls[name](*a)
            ms.append((time.perf_counter() - t) * 1000)
        out[name] = quantiles(ms)
        print(f"    {name}: {out[name]}")
    return out


def timed_http(engine, asks: dict[str, list[tuple]], share: int) -> dict:
    """The same questions through the explorer's HTTP API (the first ``share`` of each)."""
    from casegraph.explore.serve import running

    with running(engine) as x:
        calls = {"search": lambda t: x.get("/api/search", q=t),
                 "expand": lambda i, f: x.get("/api/expand", id=i, open_only="1" if f.open_only else ""),
                 "path": lambda a, b: x.get("/api/path", **{"from": a, "to": b, "max_hops": 6})}
        out = {}
        for name, args in asks.items():
            ms = []
            for a in args[:share]:
                t = time.perf_counter()
                answer = calls[name](*a)
                ms.append((time.perf_counter() - t) * 1000)
                if "error" in answer:
                    raise RuntimeError(f"{name}{a}: {answer['error']}")
            out[name] = quantiles(ms)
            print(f"    {name} over HTTP: {out[name]}")
    return out


def bench(n: int, n_questions: int, neo4j: bool, heap: str, pagecache: str, http_share: int) -> dict:
    from casegraph import pipeline
    from casegraph.engines import open_engine
    from casegraph.find.embedded import find_all
    from casegraph.sample.generate import make_sample

    out: dict = {"cases": n, "questions": n_questions, "machine_before": machine()}
    sample = OUT / f"sample-{n}"
    if not (sample / "cases.csv").exists():
        make_sample(n, sample)
    t = time.perf_counter()
    _, resolved, graph = pipeline.prepare(sample)
    out["prepare_seconds"] = round(time.perf_counter() - t, 1)
    asks = questions(graph, find_all(graph), n_questions)
    embedded = open_engine("embedded", graph, records=resolved.records)
    t = time.perf_counter()
    embedded.ready_to_explore()
    out["embedded_index_seconds"] = round(time.perf_counter() - t, 2)
    print(f"  embedded: indexes built in {out['embedded_index_seconds']} s")
    out["embedded_ms"] = timed(embedded, asks)
    out["embedded_http_ms"] = timed_http(embedded, asks, http_share)
    if neo4j:
        out.update(bench_neo4j(n, sample, asks, heap, pagecache, http_share))
    out["machine_after"] = machine()
    return out


def bench_neo4j(n: int, sample: Path, asks: dict, heap: str, pagecache: str, http_share: int) -> dict:
    from casegraph import pipeline
    from casegraph.engines import open_engine
    from casegraph.engines.neo4j import db as ne
    from casegraph.engines.neo4j import server

    out = {}
    store = OUT / f"store-{n}"
    marker = store / "casegraph-bench-loaded.json"
    info = server.start(store, heap=heap, pagecache=pagecache, timeout=600)
    try:
        if not marker.exists():
            with ne.connect(info.uri) as db:
                ne.clear(db)
                t = time.perf_counter()
                pipeline.load(db, sample, progress=True)
                marker.write_text(json.dumps({"seconds": round(time.perf_counter() - t, 1)}))
        out["neo4j_load"] = json.loads(marker.read_text())
        with open_engine("neo4j", uri=info.uri) as engine:
            t = time.perf_counter()
            note = engine.ready_to_explore()
            out["neo4j_index_seconds"] = round(time.perf_counter() - t, 2)
            print(f"  neo4j: indexes ready in {out['neo4j_index_seconds']} s {note or ''}")
            out["neo4j_ms"] = timed(engine, asks)
            out["neo4j_http_ms"] = timed_http(engine, asks, http_share)
    finally:
        server.stop(store)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[20_000])
    ap.add_argument("--questions", type=int, default=1000, help="Of each kind.")
    ap.add_argument("--http", type=int, default=200, help="How many of each kind to ask over HTTP too.")
    ap.add_argument("--neo4j", action="store_true", help="Also on a local Neo4j server loaded with the sample.")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--pagecache", default="4g")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for n in args.sizes:
        print(f"{n:,} cases")
        results[str(n)] = bench(n, args.questions, args.neo4j, args.heap, args.pagecache, args.http)
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
