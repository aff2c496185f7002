"""`casegraph explore`: the live explorer, served on this machine."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.cli.common import EXPORT_ENV, _connection, _fail, _options, _rules, emit, friendly, main, voice


@main.command("explore", env=EXPORT_ENV)
@click.argument("source", required=False, type=click.Path(path_type=Path))
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="neo4j without SOURCE: explore the cases in the database.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port on 127.0.0.1 (0: a free one).")
@click.option("--no-browser", is_flag=True, help="Print the address only; do not open a browser.")
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity), with SOURCE.")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this link nothing (default 20).")
@click.option("--rules", callback=_rules, metavar="RULES", help="Evidence rules to use, as for analyze (default all).")
@click.option("--decisions", type=click.Path(path_type=Path, dir_okay=False),
              help="The clerk's decisions file: applied to SOURCE, and where the review panel records confirm and "
                   "reject (made if new; analyze, load and assign read it with --decisions).")
@_connection
@friendly
def explore_command(source, backend, port, no_browser, judges, hub_threshold, rules, decisions, uri, user,
                    password, database, data_dir):
    """Explore SOURCE (an export folder or workbook), or with --backend neo4j
    the database, in the browser: search, expand, filter, find how two
    parties or cases are connected, open a bundle or a debtor's web.

    It listens on 127.0.0.1 only and prints its address, with this run's
    secret token, on the first line; the browser opens it unless
    --no-browser. Stop it with Ctrl-C.

      casegraph explore export/ --decisions decisions.csv
      casegraph explore --backend neo4j --no-browser
    """
    from casegraph.explore.serve import explore

    if source is not None and backend == "neo4j":
        _fail("give SOURCE to explore an export, or --backend neo4j for the database, not both")
    if source is None and backend == "embedded":
        _fail("give SOURCE (an export folder or workbook), or --backend neo4j to explore the database")
    v = voice()

    def ready(url: str) -> None:
        # The address is the one thing every run prints, even with --quiet: without it nobody gets in.
        if v.as_json:
            emit({"url": url})
        else:
            click.echo(url)

    def note(line: str) -> None:
        if not v.quiet:
            click.echo(line, err=True)

    explore(source, backend=backend, port=port, open_browser=not no_browser, judges=judges,
            options=_options(hub_threshold, rules=rules), decisions=decisions, on_ready=ready, say=note,
            uri=uri, user=user, password=password, database=database, data_dir=data_dir)
