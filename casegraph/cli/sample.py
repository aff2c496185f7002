"""`casegraph sample` and `demo`: a synthetic court to try everything on."""
from __future__ import annotations

import json
from pathlib import Path

import click

from casegraph.cli.analyse import _report
from casegraph.cli.common import friendly, main


@main.command()
@click.option("--cases", "n_cases", type=click.IntRange(min=10), default=1000, show_default=True)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--chinese-headers", is_flag=True, help="Write Chinese column headers (案号, 当事人…).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "gbk"]), default="utf-8", show_default=True)
@friendly
def sample(n_cases, out, seed, chinese_headers, encoding):
    """Write a realistic synthetic export, with its truth.json."""
    from casegraph.sample.generate import make_sample

    truth = make_sample(n_cases, out, seed=seed, chinese_headers=chinese_headers, encoding=encoding)
    click.echo(f"wrote a sample of {n_cases} cases to {out}/ ({json.dumps(truth.get('counts', {}), ensure_ascii=False)})")


@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("casegraph-demo"), show_default=True)
@click.option("--cases", "n_cases", type=click.IntRange(min=100), default=2000, show_default=True)
@friendly
def demo(out, n_cases):
    """Make a sample export, analyse it, and say where the results are."""
    from casegraph.pipeline import analyze as run
    from casegraph.sample.generate import make_sample
    from casegraph.write.files import out_lock
    from casegraph.write.result import write_result

    with out_lock(out / "results"):
        make_sample(n_cases, out / "export")
        result = run(out / "export")
        write_result(result, out / "results")
    click.echo(f"report in {out / 'results' / 'report' / 'index.html'}")
    _report(result.summary, out / "results")
    click.echo(f"the export is in {out / 'export'}/; start with {out / 'results' / 'common_debtors.csv'}")
