"""The ``casegraph`` command: a thin layer over the library.

Each command parses its options, makes one library call and prints where
the results went. Errors are one line on stderr and a non-zero exit, never a
traceback (set CASEGRAPH_DEBUG=1 to see one).
"""
from __future__ import annotations

import functools
import json
import os
import sys
import warnings
from pathlib import Path

import click

from casegraph import contract as C
from casegraph.errors import CasegraphError, TooManyRejected


def _fail(message: str, code: int = 2):
    # One line even when a file name or a library's message holds a line break.
    click.echo(f"casegraph: error: {' '.join(str(message).splitlines())}", err=True)
    sys.exit(code)


def friendly(fn):
    """Turn every failure into one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        debug = bool(os.environ.get("CASEGRAPH_DEBUG"))
        try:
            with warnings.catch_warnings():
                if not debug:  # a library's warning is noise on a clerk's screen
                    warnings.simplefilter("ignore")
                return fn(*args, **kwargs)
        except CasegraphError as e:
            if debug:
                raise
            _fail(str(e), e.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except click.exceptions.Exit:
            raise
        except Exception as e:  # noqa: BLE001 - the user gets one line, not a traceback
            if debug:
                raise
            _fail(_known_message(e) or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", 1)

    return wrapper


def _known_message(e: Exception) -> str | None:
    if isinstance(e, OSError) and e.strerror and e.filename:  # a full disk, a folder that cannot be written
        return f"{e.filename}: {e.strerror}"
    if isinstance(e, MemoryError):
        return "not enough memory for this export"
    return None


def _options(hub_threshold: int | None, max_rejected: float | None = None) -> C.Options:
    given = {k: v for k, v in (("hub_threshold", hub_threshold), ("max_rejected", max_rejected)) if v is not None}
    return C.Options(**given)


# --lang and --max-rejected: how a clerk's results speak, and how much loss is too much.
_lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                            help="Language of the reasons a clerk reads (rejections, warnings, assignments).")
_max_rejected_option = click.option(
    "--max-rejected", type=click.FloatRange(0, 100), default=C.Options().max_rejected * 100, show_default=True,
    help="Percent of a table's rows that may be rejected; above it the run exits with code "
         f"{TooManyRejected.exit_code} (the results are still written).")


def _too_many_rejected(too_many: dict, limit: float, where: str) -> None:
    """One loud line and TooManyRejected's exit code, when some table lost
    more rows than ``limit`` (a share)."""
    if too_many:
        parts = [f"{n['rejected']} of {n['rows']} {table} rows ({n['share']:.0%})" for table, n in too_many.items()]
        raise TooManyRejected(f"too many rows rejected: {', '.join(parts)}, more than {limit:.0%}; {where}")


@click.group()
@click.version_option(package_name="casegraph")
def main():
    """Related cases and party networks for a court's enforcement bureau."""


@main.command()
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the results.")
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not link their cases (default 20).")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True)
@click.option("--uri", envvar="NEO4J_URI", help="Neo4j URI for --backend neo4j (NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True)
@click.option("--password", envvar="NEO4J_PASSWORD", default="", show_default=False)
@click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True)
@_lang_option
@_max_rejected_option
@friendly
def analyze(export, out, judges, hub_threshold, backend, uri, user, password, database, lang, max_rejected):
    """Find related cases, common debtors, offsets and bundles in EXPORT.

    EXPORT is a folder with cases.csv and parties.csv (assets.csv and
    judges.csv optional), a workbook with those sheets, or a clerk's
    ledger (台账: one sheet or CSV, one row per case). Run casegraph check
    on it first.
    """
    from casegraph.pipeline import analyze as run
    from casegraph.write.files import write_result

    options = _options(hub_threshold, max_rejected / 100)
    result = run(export, judges=judges, options=options, backend=backend,
                 uri=uri, user=user, password=password, database=database)
    write_result(result, out, lang=lang)
    _write_report(result, out / "report")
    _report(result.summary, out)
    _too_many_rejected(result.summary["too_many_rejected"], options.max_rejected,
                       f"the results are in {out}/, the rows in {out / 'rejected.csv'}")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@_lang_option
@_max_rejected_option
@friendly
def check(source, judges, lang, max_rejected):
    """Say how SOURCE is understood, before analysing it: which sheet became
    which table, which header which column (and unit), how many rows are
    used, set aside or rejected and why, and the first rows as read (IDs
    masked). Exits 0 when SOURCE is usable.

      casegraph check 台账.xlsx
    """
    from casegraph.check import check as run

    report = run(source, judges, _options(None, max_rejected / 100))
    for line in report.lines(lang):
        click.echo(line)
    _too_many_rejected({t: {"rejected": n["rejected"], "rows": n["read"], "share": n["rejected"] / n["read"]}
                        for t, n in report.too_many.items()}, report.limit, "see the reasons above")


def _report(s: dict, out: Path) -> None:
    acc, rej = s["accepted"], s["rejected"]
    click.echo(f"read {acc['cases']} cases, {acc['parties']} party rows -> {s['resolved_parties']} parties "
               f"({sum(rej.values())} rows rejected, {s['warnings']} warnings)")
    click.echo(f"found {s['common_debtors']} common debtors, {s['repeat_applicants']} repeat applicants, "
               f"{sum(s['offsets'].values())} offsets, {s['shared_assets']} shared assets, "
               f"{s['bundles']} bundles holding {s['cases_in_bundles']} cases")
    if s.get("assigned") is not None:
        click.echo(f"assigned {s['assigned']} cases ({s['unassigned']} without a judge with room)")
    click.echo(f"results in {out}/")


@main.command()
@click.option("--cases", "n_cases", type=click.IntRange(min=10), default=1000, show_default=True)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--chinese-headers", is_flag=True, help="Write Chinese column headers (案号, 当事人…).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "gbk"]), default="utf-8", show_default=True)
@click.option("--ledger", "ledger_format", type=click.Choice(["xlsx", "csv"]), default=None, is_flag=False,
              flag_value="xlsx", help="Write a clerk's ledger (台账, one row per case) instead: ledger.xlsx (or .csv), "
                                      "judges.csv and ledger_truth.json.")
@friendly
def sample(n_cases, out, seed, chinese_headers, encoding, ledger_format):
    """Write a realistic synthetic export, with its truth.json."""
    if ledger_format:
        from casegraph.sample.ledger import make_ledger

        enc = "utf-8-sig" if encoding == "utf-8" else encoding  # Excel opens a CSV with a BOM as Chinese
        truth = make_ledger(n_cases, out, seed=seed, fmt=ledger_format, encoding=enc)
        click.echo(f"wrote a ledger of {truth['rows']['cases']} cases (and {len(truth['rows']['malformed'])} rows "
                   f"typed wrong) to {out / truth['file']}, with judges.csv and ledger_truth.json")
        return
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
    from casegraph.write.files import write_result

    make_sample(n_cases, out / "export")
    result = run(out / "export")
    write_result(result, out / "results")
    _write_report(result, out / "results" / "report")
    _report(result.summary, out / "results")
    click.echo(f"the export is in {out / 'export'}/; start with {out / 'results' / 'common_debtors.csv'}")


@main.command()
@click.argument("export", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the plan (its own).")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="neo4j without EXPORT: plan the cases already in the database.")
@click.option("--uri", envvar="NEO4J_URI", help="Neo4j URI for --backend neo4j (NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True)
@click.option("--password", envvar="NEO4J_PASSWORD", default="", show_default=False)
@click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True)
@friendly
def clearing(export, out, backend, uri, user, password, database):
    """How much debt can be extinguished at once: the optimal multilateral
    clearing plan of the money cases in EXPORT (or in Neo4j)."""
    from casegraph.find.clearing import write_plan
    from casegraph.pipeline import plan_clearing

    if export is None and backend == "embedded":
        _fail("give an EXPORT to read, or --backend neo4j to plan the cases in the database")
    plan = plan_clearing(export, backend=backend, uri=uri, user=user, password=password, database=database)
    write_plan(plan, out)
    s = plan.summary
    click.echo(f"{s['cases_in_plan']} cases between {s['parties']} parties: {s['debt_before']:,.2f} yuan owed; "
               f"{s['cleared']:,.2f} can be extinguished at once ({s['cleared_bilateral']:,.2f} by bilateral set-off, "
               f"{s['cleared_multilateral']:,.2f} only with every party's agreement)")
    click.echo(f"{s['debt_after']:,.2f} remains (no plan can go below {s['floor']:,.2f}); {s['cases_cleared']} cases "
               f"shrink, {s['cases_extinguished']} are extinguished; {len(plan.left_out)} cases left out with a reason")
    click.echo(f"plan in {out}/")


def _write_report(result, folder: Path) -> None:
    from casegraph.write.report import write_report

    write_report(result, folder)
    click.echo(f"report in {folder / 'index.html'}")


@main.command()
@click.argument("export", required=False, type=click.Path(path_type=Path))
@click.option("--case", "case_no", help="Case number (案号), as typed.")
@click.option("--party", help="party_id, ID number (full or masked) or exact name.")
@click.option("--hops", type=click.IntRange(min=0, max=12), default=2, show_default=True,
              help="Steps out from the start: 1 reaches a case's parties (a party's cases), 2 their other cases (parties).")
@click.option("--max-nodes", type=click.IntRange(min=10), default=200, show_default=True,
              help="Larger neighbourhoods are cut to their most connected part.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The page to write (FILE.html).")
@click.option("--inline", is_flag=True, help="Put vis-network inside the page (one file) instead of lib/ beside it.")
@click.option("--uri", envvar="NEO4J_URI", help="Neo4j URI when there is no EXPORT (NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True)
@click.option("--password", envvar="NEO4J_PASSWORD", default="", show_default=False)
@click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True)
@friendly
def show(export, case_no, party, hops, max_nodes, out, inline, uri, user, password, database):
    """Draw the network around one case or party as an interactive page.

    With EXPORT (a folder or workbook) casegraph reads it; without, the Neo4j
    database loaded by `analyze --backend neo4j` answers. The page works
    offline: vis-network is written beside it (lib/) or, with --inline, into it.

      casegraph show export/ --party 王建国 --out wang.html
    """
    from casegraph.pictures import show as S

    if (case_no is None) == (party is None):
        _fail("give one of --case or --party")
    if out.suffix.lower() not in (".html", ".htm"):
        _fail(f"{out}: the page must end in .html")
    if export is not None:
        page, g = S.show(export, out, case=case_no, party=party, hops=hops, max_nodes=max_nodes, inline=inline)
    else:
        if not uri:
            _fail("without EXPORT, show asks Neo4j: give --uri or set NEO4J_URI")
        g = S.neighbourhood_from_neo4j(uri, case=case_no, party=party, hops=hops, max_nodes=max_nodes, user=user,
                                       password=password, database=database)
        page = S.render(g, out, inline=inline)
    click.echo(f"{g.graph['title']}: {S.counts_line(g)} -> {page}")
    if g.graph.get("cut"):
        click.echo(f"cut to the {g.graph['shown_nodes']} most connected of {g.graph['total_nodes']} nodes (--max-nodes)")


# -- Neo4j: the local server, loading, and the queries of cypher/ ---------------

def _connection(fn):
    """--uri/--user/--password/--database, as Neo4j's own tools take them."""
    for option in reversed((
        click.option("--uri", envvar="NEO4J_URI", help="Neo4j URI (NEO4J_URI; default: the local server)."),
        click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="(NEO4J_USER)"),
        click.option("--password", envvar="NEO4J_PASSWORD", default="", show_default=False, help="(NEO4J_PASSWORD)"),
        click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True, help="(NEO4J_DATABASE)"),
    )):
        fn = option(fn)
    return fn


@main.group("neo4j")
def neo4j_group():
    """The local Neo4j server (a development server on this machine, no login)."""


_data_dir_option = click.option("--data-dir", type=click.Path(path_type=Path),
                                help="Where the store lives ($CASEGRAPH_NEO4J_DATA or ~/.local/share/casegraph/neo4j).")


@neo4j_group.command("start")
@_data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), help="Bolt port (default: a free one).")
@click.option("--heap", default="2g", show_default=True, help="JVM heap, e.g. 4g.")
@click.option("--pagecache", default="2g", show_default=True, help="Neo4j page cache, e.g. 4g.")
@friendly
def neo4j_start(data_dir, port, heap, pagecache):
    """Start the local server (builds it with Maven the first time).

      casegraph neo4j start --heap 4g --pagecache 4g
    """
    from casegraph.engines.neo4j import server

    info = server.start(data_dir, port=port, heap=heap, pagecache=pagecache)
    click.echo(f"Neo4j runs at {info.uri} (pid {info.pid}, store in {info.data_dir}); casegraph load, analyze "
               f"--backend neo4j and query find it there, Neo4j Browser too")


@neo4j_group.command("stop")
@_data_dir_option
@friendly
def neo4j_stop(data_dir):
    """Stop the local server cleanly."""
    from casegraph.engines.neo4j import server

    click.echo("stopped" if server.stop(data_dir) else "no local Neo4j was running")


@neo4j_group.command("status")
@_data_dir_option
@friendly
def neo4j_status(data_dir):
    """Say whether the local server runs, and where; exit 1 if it does not."""
    from casegraph.engines.neo4j import server

    info = server.status(data_dir)
    if info is None:
        click.echo(f"no local Neo4j runs on {server.default_data_dir() if data_dir is None else data_dir} "
                   "(casegraph neo4j start)")
        sys.exit(1)
    click.echo(f"Neo4j runs at {info.uri} (pid {info.pid}, store in {info.data_dir})")


@main.command()
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="A progress bar on long loads.")
@_connection
@friendly
def load(export, judges, progress, uri, user, password, database):
    """Load EXPORT into Neo4j: cases, resolved parties, roles, assets, judges.

    Loading the same export again changes nothing; a newer export adds its
    cases and re-resolves parties with those already there. If a load is
    interrupted, run it again to finish it.

      casegraph load export/ --uri neo4j://127.0.0.1:7687
    """
    from casegraph import pipeline
    from casegraph.engines.neo4j import db as ne

    with ne.connect(uri, user, password, database) as db:
        r = pipeline.load(db, export, judges, progress=progress)
        w, removed = r.written, r.removed
        click.echo(f"loaded {r.cases} cases into {db.uri} (database {db.database}) in {r.total_seconds:.1f} s"
                   + (" after finishing an interrupted load" if r.recovered else ""))
        click.echo(f"wrote {w['cases']} cases, {w['parties']} parties, {w['records']} party records, {w['roles']} "
                   f"roles, {w['assets']} assets, {w['judges']} judges; removed {removed['parties']} merged parties")


def _param(text: str) -> tuple[str, object]:
    import json as _json

    if "=" not in text:
        raise click.BadParameter(f"{text!r}: write --param name=value")
    k, v = text.split("=", 1)
    try:
        return k.strip(), _json.loads(v)
    except ValueError:
        return k.strip(), v


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter; numbers, true/false and JSON lists are taken as such, anything else as text.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Rows to print.")
@_connection
@friendly
def query(name, params, limit, uri, user, password, database):
    """Run NAME from cypher/ against Neo4j and print the table (without NAME: list them).

      casegraph query common_debtors
      casegraph query related_cases --param case_no=（2024）沪0113执1号
    """
    from casegraph.engines.neo4j import db as ne

    if name is None:
        for n in ne.cypher_names():
            first = next((ln.lstrip("/ ").strip() for ln in ne.cypher(n).splitlines() if ln.strip()), "")
            click.echo(f"{n:20} {first}")
        return
    ne.cypher(name)  # an unknown name fails before connecting
    given = dict(_param(p) for p in params)
    with ne.connect(uri, user, password, database) as db:
        table = ne.query(db, name, given)
    click.echo(ne.printable(table.head(limit)).to_string(index=False) if len(table) else "(no rows)")
    if len(table) > limit:
        click.echo(f"... {len(table)} rows in all (--limit)")


@main.command("assign")
@click.argument("new_input", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Write the routes to FILE: .csv (Excel opens it) or .xlsx. Without it they are printed.")
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity), if it changed.")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not tie their cases (default 20).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="A progress bar while routing.")
@_connection
@friendly
def assign_command(new_input, out, judges, hub_threshold, progress, uri, user, password, database):
    """Add the day's new cases (NEW_INPUT, as for load) to Neo4j and route
    each one to a judge: the judge of the bundle it joins, the minors' team,
    or the least-loaded judge with room. Cases that already have a judge keep
    it. If it is interrupted, run it again to finish.

      casegraph assign today/ --out routes.xlsx
    """
    from casegraph.engines.neo4j import db as ne
    from casegraph.jobs.route import ROUTES, assign_new, write_routes

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        _fail(f"{out}: the routes file must end in .csv or .xlsx")
    with ne.connect(uri, user, password, database) as db:
        routing = assign_new(db, new_input, judges, _options(hub_threshold), progress=progress)
        where = f"{db.uri} (database {db.database})"
    s, r = routing.summary, routing.routes
    if out is not None:
        write_routes(r, out)
    elif len(r):
        cols = ["case_no", "judge", "rule", "related_cases", "conflict"]
        click.echo(ne.printable(r[cols], width=40).to_string(index=False))
    click.echo(f"{s['cases']} cases loaded into {where}; {s['routed_now']} routed now"
               + (f" ({s['route_ms_p95']} ms per case at p95)" if s["routed_now"] else ""))
    click.echo(", ".join(f"{k} {v}" for k, v in s["rules"].items())
               + f"; {s['conflicts']} conflicts for a person to decide; {s['without_judge']} without a judge")
    if out is not None:
        click.echo(f"routes in {out} ({', '.join(ROUTES.columns[:5])}, ...)")


@main.command("flag")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("flags"), show_default=True,
              help="Folder for flags_*.csv, flags.xlsx and summary.json.")
@click.option("--min-open-cases", type=click.IntRange(min=1), default=3, show_default=True,
              help="Centralised enforcement (集中执行): debtors with at least this many open cases.")
@click.option("--min-no-property", type=click.IntRange(min=1), default=3, show_default=True,
              help="执转破 / debt consolidation: debtors with at least this many cases closed for lack of property (终本).")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not tie their cases into bundles (default 20).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="A progress bar while it works.")
@_connection
@friendly
def flag_command(out, min_open_cases, min_no_property, hub_threshold, progress, uri, user, password, database):
    """Scan the whole database and flag candidates for centralised
    enforcement: debtors with many open cases, debtors closed for lack of
    property again and again (执转破), offsets, and bundles split between
    judges. Flags go back into Neo4j (replacing the last run's) and to files.
    Safe to run again; exits non-zero only if it could not do the job.

      casegraph flag --out flags/ --min-open-cases 5
    """
    from casegraph.engines.neo4j import db as ne
    from casegraph.jobs.flag import FlagOptions, flag_all, summary_lines, write_flags

    options = FlagOptions(min_open_cases=min_open_cases, min_no_property=min_no_property,
                          options=_options(hub_threshold))
    with ne.connect(uri, user, password, database) as db:
        run = flag_all(db, options, progress=progress)
    write_flags(run, out)
    for line in summary_lines(run.summary, out):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
