"""`casegraph sample` and `demo`: a synthetic court to try everything on."""
from __future__ import annotations

import json
from pathlib import Path

import click

from casegraph.cli.analyse import _report
from casegraph.cli.common import emit, friendly, main, say
from casegraph.sample.generate import MIN_CASES
from casegraph.sample.ledger import MIN_CASES as LEDGER_MIN_CASES


@main.command()
@click.option("--cases", "n_cases", type=click.IntRange(min=LEDGER_MIN_CASES), default=1000, show_default=True,
              help=f"Cases to write: at least {MIN_CASES} (a ledger: {LEDGER_MIN_CASES}).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="A new or empty folder (or one holding an earlier sample).")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--chinese-headers", is_flag=True, help="Write Chinese column headers (案号, 当事人…).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "gbk"]), default="utf-8", show_default=True)
@click.option("--ledger", "ledger_format", type=click.Choice(["xlsx", "csv"]), is_flag=False, flag_value="xlsx",
              help="Write a clerk's ledger (台账, one row per case) instead: ledger.xlsx (or .csv), judges.csv and "
                   "ledger_truth.json.")
@click.option("--without-person-ids", is_flag=True,
              help="Persons carry no ID number, with repeat pairs, rare-name debtors, common-name pairs in two "
                   "provinces and anonymised debtors planted (truth.json: without_person_ids).")
@click.option("--force", is_flag=True, help="Write into --out even if it holds files a sample did not write.")
@friendly
def sample(n_cases, out, seed, chinese_headers, encoding, ledger_format, without_person_ids, force):
    """Write a realistic synthetic export, with its truth.json. A folder
    holding anything else (a court's export) is refused without --force.

      casegraph sample --cases 2000 --out sample/
      casegraph sample --cases 5000 --out sample-gbk/ --chinese-headers --encoding gbk

      casegraph sample --ledger --cases 200 --out ledger/
    """
    least = LEDGER_MIN_CASES if ledger_format else MIN_CASES
    if n_cases < least:
        raise click.BadParameter(f"{n_cases} is less than {least}, the fewest a "
                                 + ("ledger" if ledger_format else "sample export") + " holds", param_hint="--cases")
    if ledger_format:
        from casegraph.sample.ledger import make_ledger

        enc = "utf-8-sig" if encoding == "utf-8" else encoding  # Excel opens a CSV with a BOM as Chinese
        truth = make_ledger(n_cases, out, seed=seed, fmt=ledger_format, encoding=enc, force=force)
        say(f"wrote a ledger of {truth['rows']['cases']} cases (and {len(truth['rows']['malformed'])} rows "
            f"typed wrong) to {out / truth['file']}, with judges.csv and ledger_truth.json")
        emit({"cases": truth["rows"]["cases"], "malformed": len(truth["rows"]["malformed"]), "out": out,
              "file": out / truth["file"]})
        return
    from casegraph.sample.generate import make_sample
    from casegraph.sample.no_ids import make_sample_without_person_ids

    make = make_sample_without_person_ids if without_person_ids else make_sample
    truth = make(n_cases, out, seed=seed, chinese_headers=chinese_headers, encoding=encoding, force=force)
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
    from casegraph.write.files import out_lock
    from casegraph.write.result import write_result

    with out_lock(out / "results"):
        make_sample(n_cases, out / "export")
        result = run(out / "export")
        write_result(result, out / "results")
    say(f"report in {out / 'results' / 'report' / 'index.html'}")
    _report(result.summary, out / "results")
    say(f"the export is in {out / 'export'}/; start with {out / 'results' / 'common_debtors.csv'}")
