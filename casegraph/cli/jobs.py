"""`casegraph assign` and `flag`: the morning routing and the nightly flags."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph import contract as C
from casegraph.cli.check import lang_option
from casegraph.cli.common import _connection, _fail, _options, clerk_options, friendly, main, say_decisions


@main.command("assign")
@click.argument("new_input", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Write the routes to FILE: .csv (Excel opens it) or .xlsx. Without it they are printed.")
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity), if it changed.")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not tie their cases (default 20).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="A progress bar while routing.")
@lang_option
@_connection
@clerk_options
@friendly
def assign_command(new_input, out, judges, hub_threshold, progress, lang, uri, user, password, database, data_dir,
                   decisions, rules):
    """Add the day's new cases (NEW_INPUT, as for load) to Neo4j and route
    each one to a judge: the judge of the bundle it joins, the minors' team,
    or the least-loaded judge with room. Cases that already have a judge keep
    it. If it is interrupted, run it again to finish.

      casegraph assign today/ --out routes.xlsx
    """
    from casegraph.engines import open_engine
    from casegraph.engines.neo4j import db as ne
    from casegraph.jobs.route import assign_new, write_routes

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        _fail(f"{out}: the routes file must end in .csv or .xlsx")
    with open_engine("neo4j", options=_options(hub_threshold, rules), uri=uri, user=user, password=password,
                     database=database, data_dir=data_dir) as engine:
        routing = assign_new(engine, new_input, judges, progress=progress, decisions=decisions)
        where = f"{engine.db.uri} (database {engine.db.database})"
    say_decisions(routing.load.decisions)
    s, r = routing.summary, routing.routes
    if out is not None:
        write_routes(r, out, lang)
    elif len(r):
        cols = ["case_no", "judge", "rule", "related_cases", "conflict"]
        click.echo(ne.printable(r[cols], width=40).to_string(index=False))
    click.echo(f"{s['cases']} cases loaded into {where}; {s['routed_now']} routed now"
               + (f" ({s['route_ms_p95']} ms per case at p95)" if s["routed_now"] else ""))
    click.echo(", ".join(f"{k} {v}" for k, v in s["rules"].items())
               + f"; {s['conflicts']} conflicts for a person to decide; {s['without_judge']} without a judge")
    if out is not None:
        click.echo(f"routes in {out} ({', '.join(C.ROUTES.columns[:5])}, ...)")


@main.command("flag")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("flags"), show_default=True,
              help="Folder for flags_*.csv, flags.xlsx and summary.json.")
@click.option("--min-open-cases", type=click.IntRange(min=1), default=3, show_default=True,
              help="Centralised enforcement (集中执行): debtors with at least this many open cases.")
@click.option("--min-no-property", type=click.IntRange(min=1), default=3, show_default=True,
              help="执转破 / debt consolidation: debtors with at least this many cases closed for lack of property (终本).")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not tie their cases into bundles (default 20).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="A progress bar while it works.")
@lang_option
@_connection
@friendly
def flag_command(out, min_open_cases, min_no_property, hub_threshold, progress, lang, uri, user, password, database,
                 data_dir):
    """Scan the whole database and flag candidates for centralised
    enforcement: debtors with many open cases, debtors closed for lack of
    property again and again (执转破), offsets, and bundles split between
    judges. Flags go back into Neo4j (replacing the last run's) and to files.
    Safe to run again; exits non-zero only if it could not do the job.

      casegraph flag --out flags/ --min-open-cases 5
    """
    from casegraph.engines import open_engine
    from casegraph.jobs.flag import FlagOptions, flag_all, write_flags

    options = FlagOptions(min_open_cases=min_open_cases, min_no_property=min_no_property)
    with open_engine("neo4j", options=_options(hub_threshold), uri=uri, user=user, password=password,
                     database=database, data_dir=data_dir) as engine:
        run = flag_all(engine, options, progress=progress)
    write_flags(run, out, lang)
    for line in flag_summary_lines(run.summary, out):
        click.echo(line)


def flag_summary_lines(s: dict, out: Path | None = None) -> list[str]:
    """The one screen ``casegraph flag`` prints, from a run's summary."""
    from casegraph.jobs.flag import BANKRUPTCY, CONSOLIDATION, TITLES, WORKBOOK

    f = s["flags"]
    lines = [f"flag run {s['run_id']} on {s['database']}: {s['cases']:,} cases scanned in "
             f"{sum(s['seconds'].values()):.1f} s"]
    top = s["centralised_top"]
    lines.append(f"  {TITLES['centralised']}: {f['centralised']} debtors with {s['thresholds']['min_open_cases']}+ "
                 f"open cases ({s['centralised_open_cases']} cases)"
                 + (f"; first: {top['name']} ({top['party_id']}), {top['n_open_cases']} open cases, "
                    f"{top['open_amount']:,.2f} yuan" if top else ""))
    routes = s["bankruptcy_routes"]
    lines.append(f"  {TITLES['bankruptcy']}: {f['bankruptcy']} debtors with {s['thresholds']['min_no_property']}+ "
                 f"cases closed for lack of property (终本): {routes[BANKRUPTCY]} {BANKRUPTCY}, "
                 f"{routes[CONSOLIDATION]} {CONSOLIDATION}")
    o = s["offsets"]
    lines.append(f"  {TITLES['offset']}: {f['offset']} ({o['bilateral']} bilateral, {o['multilateral']} cycles that "
                 f"need every party's agreement), {o['amount']:,.2f} yuan")
    lines.append(f"  {TITLES['split_bundle']}: {f['split_bundle']} bundles ({s['split_bundle_cases']} cases)")
    replaced = s["replaced_runs"]
    lines.append("flags written to Neo4j (:Flag, run " + s["run_id"]
                 + (f", replacing {len(replaced)} earlier run{'s' if len(replaced) != 1 else ''}" if replaced else "")
                 + ")" + (f" and to {out}/ (flags_*.csv, {WORKBOOK}, {C.SUMMARY_FILE})" if out is not None else ""))
    return lines
