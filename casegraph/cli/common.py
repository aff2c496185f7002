"""What every ``casegraph`` command shares: the group, one-line errors, common options.

Each command parses its options, makes one library call and prints where
the results went. Errors are one line on stderr and a non-zero exit, never a
traceback (set CASEGRAPH_DEBUG=1 to see one).
"""
from __future__ import annotations

import functools
import os
import sys
import warnings
from pathlib import Path

import click

from casegraph import contract as C
from casegraph.errors import CasegraphError


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


def _options(hub_threshold: int | None, max_rejected: float | None = None,
             rules: tuple[str, ...] | None = None) -> C.Options:
    given = {"hub_threshold": hub_threshold, "max_rejected": max_rejected, "rules": rules}
    return C.Options(**{k: v for k, v in given.items() if v is not None})


def _rules(ctx, param, value: str | None) -> tuple[str, ...] | None:
    """--rules: 'all', 'none', evidence rules by name, or no-<rule> to leave one out of all."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    on = set() if names and not any(n == "all" or n.startswith("no-") for n in names) else set(C.EVIDENCE_RULES)
    for n in names:
        rule = n.removeprefix("no-")
        if n in ("all", "none"):
            on = set(C.EVIDENCE_RULES) if n == "all" else set()
        elif rule not in C.EVIDENCE_RULES:
            raise click.BadParameter(f"no evidence rule {rule!r} (there are: {', '.join(C.EVIDENCE_RULES)})")
        elif n.startswith("no-"):
            on.discard(rule)
        else:
            on.add(rule)
    return tuple(r for r in C.EVIDENCE_RULES if r in on)


def clerk_options(fn):
    """--decisions and --rules: the clerk's decisions on candidates for review, and the evidence rules in use."""
    fn = click.option("--rules", callback=_rules, metavar="RULES",
                      help="Evidence rules to use: all (default), none, names separated by commas, or no-NAME to leave "
                           f"one out ({', '.join(C.EVIDENCE_RULES)}).")(fn)
    return click.option("--decisions", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                        help="The clerk's decisions (CSV or .xlsx: candidate_id, decision same/different; "
                             "by, on, note optional), e.g. candidates.csv with a decision column.")(fn)


def say_decisions(decided: dict) -> None:
    """The clerk's decisions: what was applied, and one line on stderr for each that was not."""
    for line in decided.get("problems", []):
        click.echo(f"casegraph: decisions: {' '.join(str(line).splitlines())}", err=True)
    applied = decided.get("applied", {})
    if sum(applied.values()):
        click.echo(f"applied {sum(applied.values())} of the clerk's decisions ("
                   + ", ".join(f"{n} {k}" for k, n in applied.items()) + ")")


@click.group()
@click.version_option(package_name="casegraph")
def main():
    """Related cases and party networks for a court's enforcement bureau."""




_data_dir_option = click.option("--data-dir", type=click.Path(path_type=Path), envvar="CASEGRAPH_NEO4J_DATA",
                                help="The local server's folder (CASEGRAPH_NEO4J_DATA; default "
                                     "~/.local/share/casegraph/neo4j).")


def _connection(fn):
    """--uri/--user/--password/--database, as Neo4j's own tools take them, and
    --data-dir: every command finds the database the same way
    (casegraph.engines.neo4j.db.locate)."""
    for option in reversed((
        click.option("--uri", envvar="NEO4J_URI",
                     help="Neo4j URI (NEO4J_URI). Without it: the local server of --data-dir, with its password."),
        click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="(NEO4J_USER)"),
        click.option("--password", envvar="NEO4J_PASSWORD", default="", show_default=False,
                     help="(NEO4J_PASSWORD; a local server's own is found without it)"),
        click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True, help="(NEO4J_DATABASE)"),
        _data_dir_option,
    )):
        fn = option(fn)
    return fn
