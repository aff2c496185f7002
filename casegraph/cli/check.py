"""`casegraph check`: how an input is understood, before it is analysed; and
what `check` and `analyze` share about an input's rows: the language of the
reasons a clerk reads, and how many rejected rows are too many."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph import contract as C
from casegraph.cli.common import EXPORT_ENV, _options, emit, friendly, main, say
from casegraph.errors import TooManyRejected

lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the reasons a clerk reads (rejections, warnings, assignments).")
max_rejected_option = click.option(
    "--max-rejected", type=click.FloatRange(0, 100), default=C.Options().max_rejected * 100, show_default=True,
    help="Percent of a table's rows that may be rejected; above it the command exits with code "
         f"{TooManyRejected.exit_code} (analyze still writes its results).")


def too_many_rejected(too_many: dict, limit: float, where: str) -> None:
    """One loud line and TooManyRejected's exit code when some table lost
    more of its rows than ``limit`` (a share): ``too_many`` is
    ``pipeline.too_many_rejected``'s answer."""
    if too_many:
        parts = [f"{n['rejected']} of {n['rows']} {table} rows ({n['share']:.0%})" for table, n in too_many.items()]
        raise TooManyRejected(f"too many rows rejected: {', '.join(parts)}, more than {limit:.0%}; {where}")


@main.command(env=EXPORT_ENV)
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@lang_option
@max_rejected_option
@friendly
def check(source, judges, lang, max_rejected):
    """Say how SOURCE is understood, before analysing it: which sheet became
    which table, which header which column (and unit), how many rows are
    used, set aside or rejected and why, and the first rows as read (IDs
    masked). Exits 0 when SOURCE is usable, 3 when too many rows would be
    rejected. SOURCE is what analyze takes: an export or a clerk's ledger.

      casegraph check 台账.xlsx
      casegraph check export/ --lang en --json
    """
    from casegraph.check import check as run

    report = run(source, judges, _options(None, max_rejected / 100))
    say(*report.lines(lang))
    # Before too_many_rejected raises, so that --json prints the counts on exit 3 too.
    emit({"source": report.source, "form": report.form, "input": report.what(), "list_name": report.list_name,
          "counts": report.counts, "usable": report.usable,
          "too_many": report.too_many, "limit": report.limit})
    too_many_rejected({t: {"rejected": n["rejected"], "rows": n["read"], "share": n["rejected"] / n["read"]}
                       for t, n in report.too_many.items()}, report.limit, "see the reasons above")
