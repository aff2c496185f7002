"""`casegraph sample` and `demo`: a synthetic court to try everything on."""
from __future__ import annotations

import json
from pathlib import Path

import click

from casegraph.cli.analyse import _report, _write_report
from casegraph.cli.common import emit, friendly, main, say
from casegraph.sample.generate import MIN_CASES


@main.command()
@click.option("--cases", "n_cases", type=click.IntRange(min=MIN_CASES), default=1000, show_default=True)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="A new or empty folder (or one holding an earlier sample).")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--chinese-headers", is_flag=True, help="Write Chinese column headers (案号, 当事人…).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "gbk"]), default="utf-8", show_default=True)
@click.option("--force", is_flag=True, help="Write into --out even if it holds files a sample did not write.")
@friendly
def sample(n_cases, out, seed, chinese_headers, encoding, force):
    """Write a realistic synthetic export, with its truth.json. A folder
    holding anything else (a court's export) is refused without --force.

      casegraph sample --cases 2000 --out sample/
      casegraph sample --cases 5000 --out sample-gbk/ --chinese-headers --encoding gbk
    """
    from casegraph.sample.generate import make_sample

    truth = make_sample(n_cases, out, seed=seed, chinese_headers=chinese_headers, encoding=encoding, force=force)
    say(f"wrote a sample of {n_cases} cases to {out}/ ({json.dumps(truth.get('counts', {}), ensure_ascii=False)})")
    emit({"cases": n_cases, "out": out, "counts": truth.get("counts", {})})


@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("casegraph-demo"), show_default=True)
@click.option("--cases", "n_cases", type=click.IntRange(min=MIN_CASES), default=2000, show_default=True)
@friendly
def demo(out, n_cases):
    """Make a sample export, analyse it, and say where the results are.

      casegraph demo
      casegraph demo --cases 10000 --out /tmp/demo
    """
    from casegraph.pipeline import analyze as run
    from casegraph.sample.generate import make_sample
    from casegraph.write.files import write_result

    make_sample(n_cases, out / "export")
    result = run(out / "export")
    write_result(result, out / "results")
    _write_report(result, out / "results" / "report")
    _report(result.summary, out / "results")
    say(f"the export is in {out / 'export'}/; start with {out / 'results' / 'common_debtors.csv'}")
