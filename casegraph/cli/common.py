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


def _options(hub_threshold: int | None) -> C.Options:
    return C.Options(hub_threshold=hub_threshold) if hub_threshold is not None else C.Options()


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
