"""`casegraph neo4j`, `load` and `query`: the shared store."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from casegraph.cli.common import _connection, _data_dir_option, _options, clerk_options, friendly, main, say_decisions


@main.group("neo4j")
def neo4j_group():
    """The local Neo4j server: on this machine only, with a login whose password it keeps in --data-dir."""



@neo4j_group.command("start")
@_data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), help="Bolt port (default: the last start's if free, else a free one).")
@click.option("--heap", default="2g", show_default=True, help="JVM heap, e.g. 4g.")
@click.option("--pagecache", default="2g", show_default=True, help="Neo4j page cache, e.g. 4g.")
@friendly
def neo4j_start(data_dir, port, heap, pagecache):
    """Start the local server (builds it with Maven the first time).

      casegraph neo4j start --heap 4g --pagecache 4g
    """
    from casegraph.engines.neo4j import server

    info = server.start(data_dir, port=port, heap=heap, pagecache=pagecache)
    _running(info)


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
    """Say whether the local server runs, where, and how to connect to it; exit 1 if it does not."""
    from casegraph.engines.neo4j import server

    info = server.status(data_dir)
    if info is None:
        click.echo(f"no local Neo4j runs on {server.default_data_dir() if data_dir is None else data_dir} "
                   "(casegraph neo4j start)")
        sys.exit(1)
    _running(info)


def _running(info) -> None:
    """Where the server is and how to reach it; never the password itself."""
    from casegraph.engines.neo4j import server

    secret = info.data_dir / server.PASSWORD_FILE
    click.echo(f"Neo4j runs at {info.uri} (pid {info.pid}, store in {info.data_dir})")
    click.echo(f"casegraph commands find it with --data-dir {info.data_dir} (or CASEGRAPH_NEO4J_DATA), "
               f"or with --uri {info.uri}: no password to type")
    click.echo(f"user {server.USER}, password in {secret} (readable by you only); for example:")
    click.echo(f"  NEO4J_PASSWORD=\"$(cat {shlex.quote(str(secret))})\" cypher-shell -a {info.uri} -u {server.USER}")


@main.command()
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--judges", type=click.Path(path_type=Path), help="Judges table (judge, team, capacity).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="A progress bar on long loads.")
@_connection
@clerk_options
@friendly
def load(export, judges, progress, uri, user, password, database, data_dir, decisions, rules):
    """Load EXPORT into Neo4j: cases, resolved parties, roles, assets, judges.

    Loading the same export again changes nothing; a newer export adds its
    cases and re-resolves parties with those already there. If a load is
    interrupted, run it again to finish it.

      casegraph load export/ --uri neo4j://127.0.0.1:7687
    """
    from casegraph import pipeline
    from casegraph.engines.neo4j import db as ne

    with ne.connect(uri, user, password, database, data_dir) as db:
        r = pipeline.load(db, export, judges, options=_options(None, rules), progress=progress, decisions=decisions)
        say_decisions(r.decisions)
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
def query(name, params, limit, uri, user, password, database, data_dir):
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
    with ne.connect(uri, user, password, database, data_dir) as db:
        table = ne.query(db, name, given)
    click.echo(ne.printable(table.head(limit)).to_string(index=False) if len(table) else "(no rows)")
    if len(table) > limit:
        click.echo(f"... {len(table)} rows in all (--limit)")
