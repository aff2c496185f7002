"""`casegraph neo4j`, `load` and `query`: the shared store."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from casegraph.cli.common import (EXPORT_ENV, _connection, _data_dir_option, _fail, _options, _wait_option,
                                  clerk_options, emit, friendly, main, progress, say, say_decisions, table_lines, voice)


@main.group("neo4j")
def neo4j_group():
    """The local Neo4j server: on this machine only, with a login whose password it keeps in --data-dir.

      casegraph neo4j start
      casegraph neo4j status
    """


@neo4j_group.command("start", env=("CASEGRAPH_NEO4J_DATA", "CASEGRAPH_CACHE", "JAVA_HOME"))
@_data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), help="Bolt port (default: the last start's if free, else a free one).")
@click.option("--heap", default="2g", show_default=True, help="JVM heap, e.g. 4g.")
@click.option("--pagecache", default="2g", show_default=True, help="Neo4j page cache, e.g. 4g.")
@friendly
def neo4j_start(data_dir, port, heap, pagecache):
    """Start the local server (builds it with Maven the first time).

      casegraph neo4j start --heap 4g --pagecache 4g
      casegraph neo4j start --data-dir /srv/casegraph/neo4j
    """
    from casegraph.engines.neo4j import server

    info = server.start(data_dir, port=port, heap=heap, pagecache=pagecache)
    _running(info)


@neo4j_group.command("stop", env=("CASEGRAPH_NEO4J_DATA",))
@_data_dir_option
@friendly
def neo4j_stop(data_dir):
    """Stop the local server cleanly.

      casegraph neo4j stop
    """
    from casegraph.engines.neo4j import server

    stopped = server.stop(data_dir)
    say("stopped" if stopped else "no local Neo4j was running")
    emit({"stopped": stopped})


@neo4j_group.command("status", env=("CASEGRAPH_NEO4J_DATA",))
@_data_dir_option
@friendly
def neo4j_status(data_dir):
    """Say whether the local server runs, where, and how to connect to it; exit 1 if it does not.

      casegraph neo4j status
    """
    from casegraph.engines.neo4j import server

    info = server.status(data_dir)
    if info is None:
        say(f"no local Neo4j runs on {server.default_data_dir() if data_dir is None else data_dir} "
            "(casegraph neo4j start)")
        emit({"running": False})
        sys.exit(1)
    _running(info)


def _running(info) -> None:
    """Where the server is and how to reach it; never the password itself."""
    from casegraph.engines.neo4j import server

    secret = info.data_dir / server.PASSWORD_FILE
    say(f"Neo4j runs at {info.uri} (pid {info.pid}, store in {info.data_dir})",
        f"casegraph commands find it with --data-dir {info.data_dir} (or CASEGRAPH_NEO4J_DATA), "
        f"or with --uri {info.uri}: no password to type",
        f"user {server.USER}, password in {secret} (readable by you only); for example:",
        f"  NEO4J_PASSWORD=\"$(cat {shlex.quote(str(secret))})\" cypher-shell -a {info.uri} -u {server.USER}")
    emit({"running": True, "uri": info.uri, "pid": info.pid, "data_dir": info.data_dir,
          "user": server.USER, "password_file": secret})


@main.command(env=EXPORT_ENV)
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@click.option("--progress/--no-progress", "progress_bar", default=True, show_default=True,
              help="A progress bar on long loads (only on a terminal).")
@_wait_option
@_connection
@clerk_options
@friendly
def load(export, judges, progress_bar, wait, uri, user, password, database, data_dir, decisions, rules):
    """Load EXPORT into Neo4j: cases, resolved parties, roles, assets, judges.

    Loading the same export again changes nothing; a newer export adds its
    cases and re-resolves parties with those already there. If a load is
    interrupted, run it again to finish it.

      casegraph load export/
      casegraph load export/ --uri neo4j://127.0.0.1:7687 --json
    """
    from casegraph import pipeline
    from casegraph.engines.neo4j import db as ne

    with ne.connect(uri, user, password, database, data_dir) as db:
        r = pipeline.load(db, export, judges, options=_options(None, rules), progress=progress(progress_bar),
                          decisions=decisions, wait=wait)
        say_decisions(r.decisions)
        w, removed = r.written, r.removed
        say(f"loaded {r.cases} cases into {db.uri} (database {db.database}) in {r.total_seconds:.1f} s"
            + (" after finishing an interrupted load" if r.recovered else ""),
            f"wrote {w['cases']} cases, {w['parties']} parties, {w['records']} party records, {w['roles']} "
            f"roles, {w['assets']} assets, {w['judges']} judges; removed {removed['parties']} merged parties")
        say(*judge_change_lines(r.judges_changed))
        emit({"cases": r.cases, "uri": db.uri, "database": db.database, "written": w, "removed": removed,
              "recovered": r.recovered, "decisions": r.decisions, "seconds": r.seconds})


def judge_change_lines(changed, show: int = 5) -> list[str]:
    """What ``load`` and ``assign`` say when an export gives cases another judge."""
    if changed is None or not len(changed):
        return []
    first = "; ".join(f"{c} {b} -> {j}" for c, b, j in changed.head(show).itertuples(index=False))
    more = f"; ... ({len(changed)} in all)" if len(changed) > show else ""
    return [f"the export gave {len(changed)} case{'s' if len(changed) != 1 else ''} another judge: {first}{more}"]


def _param(text: str) -> tuple[str, object]:
    import json as _json

    if "=" not in text:
        raise click.BadParameter(f"{text!r}: write --param name=value", param_hint="--param")
    k, v = text.split("=", 1)
    try:
        return k.strip(), _json.loads(v)
    except ValueError:
        return k.strip(), v


@main.command()
@click.argument("source", required=False, metavar="[NAME | FILE.cypher]")
@click.option("-e", "--execute", "text", metavar="CYPHER", help="Run this Cypher text instead of a file.")
@click.option("--list", "list_queries", is_flag=True, help="List the queries of cypher/: parameters and purpose.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter; numbers, true/false, null and JSON lists are taken as such, anything else "
                   "as text. Case numbers may be typed with any brackets.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV (all of them, unless --limit).")
@click.option("--limit", type=click.IntRange(min=1), help="Rows to print (default: 50 on screen, all with --csv or --json).")
@click.option("--write", "writes", is_flag=True, help="FILE or -e changes the database: run it as a write.")
@_connection
@friendly
def query(source, text, list_queries, params, as_csv, limit, writes, uri, user, password, database,
          data_dir):
    """Run a query against Neo4j and print its rows: NAME from cypher/, an
    analyst's FILE.cypher, or -e 'CYPHER'. A file's `// :param name => value`
    comments give examples; a parameter the query uses must be given, and one
    it does not use is an error. Money prints as yuan with two decimals.

      casegraph query related_cases --param case_no="(2024)沪0113执1号"
      casegraph query my_report.cypher --csv > report.csv
      casegraph query -e 'MATCH (c:Case) RETURN count(c) AS n' --json
    """
    from casegraph.engines.neo4j import db as ne
    from casegraph.write.files import text_cells

    if list_queries or (source is None and text is None):
        return _list(ne.queries())
    if (source is None) == (text is None):
        _fail("give NAME, FILE.cypher or -e 'CYPHER', not both")
    if as_csv and voice().as_json:
        _fail("give --csv or --json, not both")
    q = ne.Query("the -e query", text, writes) if text is not None else ne.Query.find(source, writes)
    bound = q.bind(dict(_param(p) for p in params))  # a wrong parameter fails before connecting
    with ne.connect(uri, user, password, database, data_dir) as db:
        table = q.run(db, bound)
    shown = table.head(limit) if limit else table
    if as_csv:
        click.echo(text_cells(ne.printable(shown, width=None)).to_csv(index=False), nl=False)
    elif not len(table):
        say("(no rows)")
    else:
        screen = table.head(limit or 50)
        say(*table_lines(ne.printable(screen)))
        if len(table) > len(screen):
            say(f"... {len(table)} rows in all (--limit, --csv)")
    emit({"query": q.name, "parameters": sorted(bound), "columns": list(table.columns), "rows": ne.records(shown),
          "total_rows": len(table)})


def _list(queries) -> None:
    for q in queries:
        say(f"{q.name}({', '.join(map(str, q.parameters()))})", f"    {q.purpose}")
    emit({"queries": [{"name": q.name, "purpose": q.purpose,
                       "parameters": [{"name": p.name, "required": p.required, "value": p.value}
                                      for p in q.parameters()]} for q in queries]})
