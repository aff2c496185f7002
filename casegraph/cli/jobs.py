"""`casegraph assign` and `flag`: the morning routing and the nightly flags."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph import contract as C
from casegraph.cli.check import lang_option
from casegraph.cli.common import (EXPORT_ENV, _connection, _fail, _options, _wait_option, clerk_options, emit,
                                  friendly, main, progress, say, say_decisions, table_lines)


@main.command("assign", env=EXPORT_ENV)
@click.argument("new_input", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Write the routes to FILE: .csv (Excel opens it) or .xlsx.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Routes to print, by judge then case (0: all).")
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity), if it changed.")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not tie their cases (default 20).")
@click.option("--progress/--no-progress", "progress_bar", default=True, show_default=True,
              help="A progress bar while routing (only on a terminal).")
@_wait_option
@lang_option
@_connection
@clerk_options
@friendly
def assign_command(new_input, out, limit, judges, hub_threshold, progress_bar, wait, lang, uri, user, password, database,
                   data_dir,
                   decisions, rules):
    """Add the day's new cases (NEW_INPUT, as for load) to Neo4j and route
    each one to a judge: the judge of the bundle it joins, the minors' team,
    or the least-loaded judge with room. Cases that already have a judge keep
    it. If it is interrupted, run it again to finish.

      casegraph assign today/ --out routes.xlsx
      casegraph assign today/ --out routes.csv --quiet
    """
    from casegraph.engines import open_engine
    from casegraph.cli.store import judge_change_lines
    from casegraph.jobs.route import assign_new, write_routes

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        _fail(f"{out}: the routes file must end in .csv or .xlsx")
    with open_engine("neo4j", options=_options(hub_threshold, rules=rules), uri=uri, user=user, password=password,
                     database=database, data_dir=data_dir) as engine:
        routing = assign_new(engine, new_input, judges, progress=progress(progress_bar), decisions=decisions, wait=wait)
        where = f"{engine.db.uri} (database {engine.db.database})"
    say_decisions(routing.load.decisions)
    s, r = routing.summary, routing.routes
    if out is not None:
        write_routes(r, out, lang)
    if len(r):
        say(*routes_on_screen(r, limit, out))
    say(f"{s['cases']} cases loaded into {where}; {s['routed_now']} routed now"
        + (f" ({s['route_ms_p95']} ms per case at p95)" if s["routed_now"] else ""),
        ", ".join(f"{k} {v}" for k, v in s["rules"].items())
        + f"; {s['conflicts']} conflicts for a person to decide; {s['without_judge']} without a judge")
    if out is not None:
        say(f"routes in {out} ({', '.join(C.ROUTES.columns[:5])}, ...)")
    say(*judge_change_lines(routing.load.judges_changed))
    emit({**s, "where": where, "out": out, "decisions": routing.load.decisions,
          **({"routes": r.to_dict("records")} if out is None else {})})


def routes_on_screen(routes, limit: int, out: Path | None) -> list[str]:
    """The routes as a table to read: by judge (cases without one last),
    then case; whole cells; the first ``limit`` rows (0: all), and where the
    rest are.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"case_no": ["（2024）沪0113执10号", "（2024）沪0113执9号", "（2024）沪0113执1号"],
    ...                   "judge": ["李四", "张三", ""], "rule": ["least_loaded"] * 3,
    ...                   "related_cases": ["", "", ""], "conflict": ["", "", ""]})
    >>> print("\\n".join(routes_on_screen(r, 2, None)))
                 case_no judge         rule related_cases conflict
     （2024）沪0113执9号  张三 least_loaded
    （2024）沪0113执10号  李四 least_loaded
    ... and 1 more; --out FILE.xlsx writes them all
    """
    from casegraph.engines.neo4j import db as ne

    cols = ["case_no", "judge", "rule", "related_cases", "conflict"]
    order = routes.assign(_last=routes["judge"] == "", _seq=routes["case_no"].map(_case_order))
    shown = order.sort_values(["_last", "judge", "_seq", "case_no"])[cols]
    lines = table_lines(ne.printable(shown if not limit else shown.head(limit), width=None))
    rest = len(shown) - len(lines) + 1
    if rest > 0:
        lines.append(f"... and {rest} more; " + (f"all of them in {out}" if out is not None
                                                   else "--out FILE.xlsx writes them all"))
    return lines


def _case_order(case_no: str) -> tuple:
    # Case numbers in the order clerks count them: 执9号 before 执10号.
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", case_no))


@main.command("flag")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("flags"), show_default=True,
              help="Folder for flags_*.csv, flags.xlsx and summary.json.")
@click.option("--min-open-cases", type=click.IntRange(min=1), default=3, show_default=True,
              help="Centralised enforcement (集中执行): debtors with at least this many open cases.")
@click.option("--min-no-property", type=click.IntRange(min=1), default=3, show_default=True,
              help="执转破 / debt consolidation: debtors with at least this many cases closed for lack of property (终本).")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not tie their cases into bundles (default 20).")
@click.option("--progress/--no-progress", "progress_bar", default=True, show_default=True,
              help="A progress bar while it works (only on a terminal).")
@_wait_option
@lang_option
@_connection
@friendly
def flag_command(out, min_open_cases, min_no_property, hub_threshold, progress_bar, wait, lang, uri, user, password,
                 database, data_dir):
    """Scan the whole database and flag candidates for centralised
    enforcement: debtors with many open cases, debtors closed for lack of
    property again and again (执转破), offsets, and bundles split between
    judges. Flags go back into Neo4j (replacing the last run's) and to files.
    Safe to run again; exits non-zero only if it could not do the job.

      casegraph flag --out flags/ --min-open-cases 5
      casegraph flag --out /srv/court/flags --quiet
    """
    from casegraph.engines import open_engine
    from casegraph.jobs.flag import FlagOptions, flag_all

    options = FlagOptions(min_open_cases=min_open_cases, min_no_property=min_no_property)
    with open_engine("neo4j", options=_options(hub_threshold), uri=uri, user=user, password=password,
                     database=database, data_dir=data_dir) as engine:
        run = flag_all(engine, options, progress=progress(progress_bar), out=out, wait=wait, lang=lang)
    say(*flag_summary_lines(run.summary, out))
    emit({**run.summary, "out": out})


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
    lines.append(f"  {TITLES['cross_court']}: {f['cross_court']} debtors ({s['cross_court_cases']} cases)")
    replaced = s["replaced_runs"]
    lines.append("flags written to Neo4j (:Flag, run " + s["run_id"]
                 + (f", replacing {len(replaced)} earlier run{'s' if len(replaced) != 1 else ''}" if replaced else "")
                 + ")" + (f" and to {out}/ (flags_*.csv, {WORKBOOK}, {C.SUMMARY_FILE})" if out is not None else ""))
    return lines
