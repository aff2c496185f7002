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
from pathlib import Path

import click

from . import contract as C


def _fail(message: str, code: int = 2):
    click.echo(f"casegraph: error: {message}", err=True)
    sys.exit(code)


def friendly(fn):
    """Turn every failure into one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .read import InputError
        from .write import OutputError

        try:
            return fn(*args, **kwargs)
        except (InputError, OutputError) as e:
            _fail(str(e))
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except click.exceptions.Exit:
            raise
        except Exception as e:  # noqa: BLE001 - the user gets one line, not a traceback
            if os.environ.get("CASEGRAPH_DEBUG"):
                raise
            known = getattr(e, "casegraph_message", None) or _known_message(e)
            _fail(known or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", 1)

    return wrapper


def _known_message(e: Exception) -> str | None:
    try:
        from .server import ServerError
    except ImportError:  # pragma: no cover
        ServerError = ()
    if ServerError and isinstance(e, ServerError):
        return str(e)
    try:
        from .neo4j_engine import DatabaseError
    except ImportError:
        return None
    if isinstance(e, DatabaseError):
        return str(e)
    return None


def _options(hub_threshold: int | None) -> C.Options:
    return C.Options(hub_threshold=hub_threshold) if hub_threshold is not None else C.Options()


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
@friendly
def analyze(export, out, judges, hub_threshold, backend, uri, user, password, database):
    """Find related cases, common debtors, offsets and bundles in EXPORT.

    EXPORT is a folder with cases.csv and parties.csv (assets.csv and
    judges.csv optional) or an .xlsx workbook with those sheets.
    """
    from .analyze import analyze as run
    from .write import write_result

    args = {"uri": uri, "user": user, "password": password, "database": database} if backend == "neo4j" else {}
    result = run(export, judges=judges, options=_options(hub_threshold), backend=backend, **args)
    write_result(result, out)
    _write_report(result, out / "report")
    _report(result.summary, out)


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
@friendly
def sample(n_cases, out, seed, chinese_headers, encoding):
    """Write a realistic synthetic export, with its truth.json."""
    from .sample import make_sample

    truth = make_sample(n_cases, out, seed=seed, chinese_headers=chinese_headers, encoding=encoding)
    click.echo(f"wrote a sample of {n_cases} cases to {out}/ ({json.dumps(truth.get('counts', {}), ensure_ascii=False)})")


@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("casegraph-demo"), show_default=True)
@click.option("--cases", "n_cases", type=click.IntRange(min=100), default=2000, show_default=True)
@friendly
def demo(out, n_cases):
    """Make a sample export, analyse it, and say where the results are."""
    from .analyze import analyze as run
    from .sample import make_sample
    from .write import write_result

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
    from .clearing import plan_clearing, write_plan

    if export is None and backend == "embedded":
        _fail("give an EXPORT to read, or --backend neo4j to plan the cases in the database")
    args = {"uri": uri, "user": user, "password": password, "database": database} if backend == "neo4j" else {}
    plan = plan_clearing(export, backend=backend, **args)
    write_plan(plan, out)
    s = plan.summary
    click.echo(f"{s['cases_in_plan']} cases between {s['parties']} parties: {s['debt_before']:,.2f} yuan owed; "
               f"{s['cleared']:,.2f} can be extinguished at once ({s['cleared_bilateral']:,.2f} by bilateral set-off, "
               f"{s['cleared_multilateral']:,.2f} only with every party's agreement)")
    click.echo(f"{s['debt_after']:,.2f} remains (no plan can go below {s['floor']:,.2f}); {s['cases_cleared']} cases "
               f"shrink, {s['cases_extinguished']} are extinguished; {len(plan.left_out)} cases left out with a reason")
    click.echo(f"plan in {out}/")


def _write_report(result, folder: Path) -> None:
    from .report import write_report

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
    from . import show as S

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


if __name__ == "__main__":  # pragma: no cover
    main()
