"""`casegraph analyze`, `clearing` and `show`: results from an export (or the database)."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.cli.check import lang_option, max_rejected_option, too_many_rejected
from casegraph.cli.common import (EXPORT_ENV, _connection, _fail, _options, _wait_option, clerk_options, emit,
                                  friendly, main, progress, say, say_decisions)


@main.command(env=EXPORT_ENV)
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the results.")
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@click.option("--hub-threshold", type=click.IntRange(min=1), help="Applicants in more cases than this do not link their cases (default 20).")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True)
@click.option("--workbook/--no-workbook", default=True, show_default=True,
              help="Also write 结果.xlsx (every finding for a clerk; at a million cases the slowest file to write).")
@_connection
@_wait_option
@lang_option
@max_rejected_option
@clerk_options
@friendly
def analyze(export, out, judges, hub_threshold, backend, workbook, uri, user, password, database, data_dir, wait, lang,
            max_rejected,
            decisions, rules):
    """Find related cases, common debtors, offsets and bundles in EXPORT.

    EXPORT is a folder with cases.csv and parties.csv (assets.csv and
    judges.csv optional), a workbook with those sheets, or a clerk's
    ledger (台账: one sheet or CSV, one row per case). Run casegraph check
    on it first. With --backend neo4j the export is loaded into the
    database first, and the findings are those of everything the database
    holds.

      casegraph analyze export/ --out results/ --judges judges.csv
      casegraph analyze 台账.xlsx --out results/ --lang en --json
    """
    from casegraph.pipeline import analyze as run
    from casegraph.write.files import out_lock
    from casegraph.write.result import write_result

    options = _options(hub_threshold, max_rejected / 100, rules)
    extra = {"progress": progress()} if backend == "neo4j" else {}
    with out_lock(out):  # held from the start: a second run into the same folder is refused
        result = run(export, judges=judges, options=options, backend=backend, decisions=decisions,
                     uri=uri, user=user, password=password, database=database, data_dir=data_dir, wait=wait, **extra)
        say_decisions(result.summary["decisions"])
        write_result(result, out, lang=lang, workbook=workbook)
    say(f"report in {out / 'report' / 'index.html'}")
    _report(result.summary, out)
    too_many_rejected(result.summary["too_many_rejected"], options.max_rejected,
                      f"the results are in {out}/, the rows in {out / 'rejected.csv'}")


def _report(s: dict, out: Path) -> None:
    acc, rej = s["accepted"], s["rejected"]
    say(f"read {acc['cases']} cases, {acc['parties']} party rows -> {s['resolved_parties']} parties "
        f"({sum(rej.values())} rows rejected, {s['warnings']} warnings)")
    if "database" in s:
        db = s["database"]
        say(f"loaded them into {db['uri']} (database {db['database']}), which holds {db['cases']} cases: "
            "the findings below are the whole database's, not only this export's")
    across = f" ({s['cross_court_debtors']} across courts)" if s.get("cross_court_debtors") else ""
    applicant_side = "" if s.get("no_applicants") else \
        f"{s['repeat_applicants']} repeat applicants, {sum(s['offsets'].values())} offsets, "
    say(f"found {s['common_debtors']} common debtors{across}, {applicant_side}{s['shared_assets']} shared assets, "
        f"{s['bundles']} bundles holding {s['cases_in_bundles']} cases")
    if s.get("no_applicants"):
        say(s["no_applicants"])
    p = s["persons_without_id"]
    if p["records"]:
        say(f"{p['records']} person rows without a valid ID: {sum(p['linked'].values())} linked "
            f"({', '.join(f'{k} {n}' for k, n in p['linked'].items()) or 'by no rule'}), "
            f"{p['offered_for_review']} offered for review, {p['alone']} alone; "
            f"{sum(s['candidates'].values())} candidates in candidates.csv")
    if s.get("assigned") is not None:
        say(f"assigned {s['assigned']} cases ({s['unassigned']} without a judge with room)")
    say(f"results in {out}/")
    emit({**s, "out": out, "report": out / "report" / "index.html"})


@main.command(env=EXPORT_ENV)
@click.argument("export", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the plan (its own).")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="neo4j without EXPORT: plan the cases already in the database.")
@_connection
@friendly
def clearing(export, out, backend, uri, user, password, database, data_dir):
    """How much debt can be extinguished at once: the optimal multilateral
    clearing plan of the money cases in EXPORT (or in Neo4j).

      casegraph clearing export/ --out clearing/
      casegraph clearing --backend neo4j --out clearing/
    """
    from casegraph.pipeline import plan_clearing
    from casegraph.write.files import out_lock, write_plan

    if export is None and backend == "embedded":
        _fail("give an EXPORT to read, or --backend neo4j to plan the cases in the database")
    with out_lock(out):
        plan = plan_clearing(export, backend=backend, uri=uri, user=user, password=password, database=database,
                             data_dir=data_dir)
        write_plan(plan, out)
    s = plan.summary
    say(f"{s['cases_in_plan']} cases between {s['parties']} parties: {s['debt_before']:,.2f} yuan owed; "
        f"{s['cleared']:,.2f} can be extinguished at once ({s['cleared_bilateral']:,.2f} by bilateral set-off, "
        f"{s['cleared_multilateral']:,.2f} only with every party's agreement)",
        f"{s['debt_after']:,.2f} remains (no plan can go below {s['floor']:,.2f}); {s['cases_cleared']} cases "
        f"shrink, {s['cases_extinguished']} are extinguished; {len(plan.left_out)} cases left out with a reason",
        f"plan in {out}/")
    emit({**s, "left_out": len(plan.left_out), "out": out})


@main.command(env=EXPORT_ENV)
@click.argument("export", required=False, type=click.Path(path_type=Path))
@click.option("--case", "case_no", help="Case number (案号), as typed.")
@click.option("--party", help="party_id, ID number (full or masked) or exact name.")
@click.option("--hops", type=click.IntRange(min=0, max=12), default=2, show_default=True,
              help="Steps out from the start: 1 reaches a case's parties (a party's cases), 2 their other cases (parties).")
@click.option("--max-nodes", type=click.IntRange(min=10), default=200, show_default=True,
              help="Larger neighbourhoods are cut to their most connected part.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The page to write (FILE.html).")
@click.option("--inline", is_flag=True, help="Put vis-network inside the page (one file) instead of lib/ beside it.")
@_connection
@friendly
def show(export, case_no, party, hops, max_nodes, out, inline, uri, user, password, database, data_dir):
    """Draw the network around one case or party as an interactive page.

    With EXPORT (a folder or workbook) casegraph reads it; without, the Neo4j
    database loaded by `analyze --backend neo4j` answers. The page works
    offline: vis-network is written beside it (lib/) or, with --inline, into it.

      casegraph show export/ --party 王建国 --out wang.html
      casegraph show --case "(2024)沪0113执1号" --hops 3 --out case.html
    """
    from casegraph.pictures import counts_line
    from casegraph.pictures.show import show as draw

    if (case_no is None) == (party is None):
        _fail("give one of --case or --party")
    if out.suffix.lower() not in (".html", ".htm"):
        _fail(f"{out}: the page must end in .html")
    page, g = draw(out, export, case=case_no, party=party, hops=hops, max_nodes=max_nodes, inline=inline,
                   uri=uri, user=user, password=password, database=database, data_dir=data_dir)
    say(f"{g.graph['title']}: {counts_line(g)} -> {page}")
    if g.graph.get("cut"):
        say(f"cut to the {g.graph['shown_nodes']} most connected of {g.graph['total_nodes']} nodes (--max-nodes)")
    emit({"title": g.graph["title"], "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "page": page,
          **{k: g.graph[k] for k in ("cut", "shown_nodes", "total_nodes") if k in g.graph}})


# -- Neo4j: the local server, loading, and the queries of cypher/ ---------------
