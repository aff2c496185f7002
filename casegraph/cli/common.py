"""What every ``casegraph`` command shares: the group, one-line errors, common options.

A command made with ``@main.command()`` (or on a group of ``main``) gets,
without asking:

* ``-h``/``--help``, ``-q``/``--quiet`` (errors only: for cron),
  ``-v``/``--verbose`` (each step and its time on stderr) and ``--json``
  (the run's summary as one JSON object on stdout, nothing else there);
* a help that ends with its examples (the docstring's indented lines that
  start with ``casegraph``), the environment variables it reads and the exit
  codes;
* errors as one line on stderr with the exit code of their class
  (:mod:`casegraph.errors`), never a traceback (set CASEGRAPH_DEBUG=1 to see
  one); a closed pipe (``| head``) ends quietly.

A command prints through :func:`say` (lines for a person), :func:`emit`
(the summary ``--json`` prints) and asks :func:`progress` whether to draw a
bar. For example::

    @main.command()
    @click.argument("export")
    def count(export):
        '''Count the cases of EXPORT.

          casegraph count export/
        '''
        n = library_call(export)
        say(f"{n} cases")
        emit({"cases": n})
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import click

from casegraph import contract as C
from casegraph.errors import (EXIT_BAD_INPUT, EXIT_CLOSED_PIPE, EXIT_CODES, EXIT_FAILED, EXIT_INTERRUPTED,
                              CasegraphError)

# What each environment variable a command may read does, for the help's
# "Environment" section (an option's own envvar is found on the option).
ENVIRONMENT = {
    "NEO4J_URI": "the Neo4j server (else the local server casegraph started)",
    "NEO4J_USER": "Neo4j user (default neo4j)",
    "NEO4J_PASSWORD": "Neo4j password (never give it on the command line)",
    "NEO4J_DATABASE": "Neo4j database (default neo4j)",
    "CASEGRAPH_NEO4J_DATA": "the local server's folder (default ~/.local/share/casegraph/neo4j)",
    "CASEGRAPH_SECRET": "the key of the ID hashes: one per court, kept (else CASEGRAPH_KEY_FILE)",
    "CASEGRAPH_KEY_FILE": "the file holding that key (default ~/.config/casegraph/secret.key)",
    "CASEGRAPH_CACHE": "where the local server is built (default ~/.cache/casegraph)",
    "JAVA_HOME": "the Java 17+ that runs the local server",
    "CASEGRAPH_DEBUG": "1: a traceback instead of the one-line error",
}
# Read by every command that reads an export (the hashes of ID numbers).
EXPORT_ENV = ("CASEGRAPH_SECRET", "CASEGRAPH_KEY_FILE")

_VOICE = "casegraph.voice"


@dataclass
class Voice:
    """How loud this run is: set by -q/-v/--json, read by say/detail/emit."""

    quiet: bool = False
    verbose: bool = False
    as_json: bool = False
    emitted: bool = False
    command: str = "casegraph"
    started: float = field(default_factory=time.perf_counter)


def voice() -> Voice:
    """The current run's :class:`Voice` (a plain one outside a command)."""
    ctx = click.get_current_context(silent=True)
    return Voice() if ctx is None else ctx.meta.setdefault(_VOICE, Voice())


def say(*lines: str) -> None:
    """Lines for the person at the terminal: on stdout, unless --quiet or --json."""
    v = voice()
    if not (v.quiet or v.as_json):
        for line in lines:
            click.echo(line)


def detail(line: str) -> None:
    """A step for --verbose, on stderr with the time of day (a cron log's reader wants both)."""
    v = voice()
    if v.verbose:
        click.echo(f"{time.strftime('%H:%M:%S')} {v.command}: {line}", err=True)


def emit(summary: dict) -> None:
    """The run's summary: with --json, one JSON object on stdout (once)."""
    v = voice()
    seconds = summary.get("seconds") if isinstance(summary, dict) else None
    if isinstance(seconds, dict) and seconds:
        detail("took " + ", ".join(f"{k} {float(s):.1f} s" for k, s in seconds.items()))
    if v.as_json and not v.emitted:
        v.emitted = True
        click.echo(json.dumps(plain(summary), ensure_ascii=False, allow_nan=False))


def plain(value):
    """``value`` as JSON can hold it: numpy numbers as numbers, paths and
    dates as text, NaN as null.

    >>> import numpy as np
    >>> plain({"n": np.int64(3), "out": Path("r"), "x": float("nan"), "ids": {"b", "a"}})
    {'n': 3, 'out': 'r', 'x': None, 'ids': ['a', 'b']}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy and pandas scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def table_lines(table) -> list[str]:
    """A table of text cells as aligned lines; Chinese characters count two
    columns wide, as a terminal draws them."""
    import pandas as pd

    with pd.option_context("display.unicode.east_asian_width", True):
        return [line.rstrip() for line in table.to_string(index=False).splitlines()]


def progress(wanted: bool | None = True) -> bool:
    """Whether to draw a progress bar: only on a terminal's stderr (a
    redirected log would fill with carriage returns), never with --quiet."""
    return wanted is not False and not voice().quiet and sys.stderr.isatty()


def _fail(message: str, code: int = EXIT_BAD_INPUT):
    # One line even when a file name or a library's message holds a line break.
    line = " ".join(str(message).splitlines())
    v = voice()
    if v.as_json and not v.emitted:  # a scheduler reading stdout gets its one object
        v.emitted = True
        click.echo(json.dumps({"error": line, "exit_code": code}, ensure_ascii=False))
    click.echo(f"casegraph: error: {line}", err=True)
    sys.exit(code)


def _closed_pipe():
    """The reader went away (``| head``): stop without a word. Later writes,
    and Python's own flush at exit, go to nothing instead of raising again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a stdout without a file (tests): nothing to redirect
        pass
    sys.exit(EXIT_CLOSED_PIPE)


@contextlib.contextmanager
def _one_line_errors():
    debug = bool(os.environ.get("CASEGRAPH_DEBUG"))
    try:
        with warnings.catch_warnings():
            if not debug:  # a library's warning is noise on a clerk's screen
                warnings.simplefilter("ignore")
            yield
    except BrokenPipeError:
        _closed_pipe()
    except CasegraphError as e:
        if debug:
            raise
        _fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except (click.exceptions.Exit, click.ClickException):
        raise
    except Exception as e:  # noqa: BLE001 - the user gets one line, not a traceback
        if debug:
            raise
        _fail(_known_message(e) or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", EXIT_FAILED)


def friendly(fn):
    """Turn every failure into one line and an exit code (every command of
    ``main`` gets this already; kept for code that calls a callback itself)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _one_line_errors():
            return fn(*args, **kwargs)

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
    """The clerk's decisions: what was applied, and one line on stderr for
    each that was not (a warning, not an error: --quiet silences both)."""
    if not voice().quiet:
        for line in decided.get("problems", []):
            click.echo(f"casegraph: decisions: {' '.join(str(line).splitlines())}", err=True)
    applied = decided.get("applied", {})
    if sum(applied.values()):
        say(f"applied {sum(applied.values())} of the clerk's decisions ("
            + ", ".join(f"{n} {k}" for k, n in applied.items()) + ")")


# -- the options and help every command shares ----------------------------------

def _remember(attr: str):
    def callback(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            setattr(ctx.meta.setdefault(_VOICE, Voice()), attr, True)
    return callback


def _shared_options() -> list[click.Option]:
    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_remember("quiet"),
                     help="Print nothing but errors (for cron)."),
        click.Option(["-v", "--verbose"], is_flag=True, expose_value=False, callback=_remember("verbose"),
                     help="Say each step and how long it took, on stderr."),
        click.Option(["--json"], is_flag=True, expose_value=False, callback=_remember("as_json"),
                     help="Print the run's summary as one JSON object on stdout, and nothing else there."),
    ]


def needs_env(*names: str):
    """Name environment variables a command reads through the library (an
    option's own envvar is found without this), for its help."""
    def mark(fn):
        fn.__casegraph_env__ = tuple(getattr(fn, "__casegraph_env__", ())) + names
        return fn
    return mark


def split_examples(doc: str | None) -> tuple[str | None, list[str]]:
    """A docstring's paragraphs made of ``casegraph ...`` lines only are its
    examples: they leave the text (which click rewraps) for a section of
    their own, one line each.

    >>> text, examples = split_examples('''Load EXPORT; see casegraph query
    ...     for what it holds.
    ...
    ...       casegraph load export/
    ...       casegraph load today/ -q
    ...     ''')
    >>> text.splitlines(), examples
    (['Load EXPORT; see casegraph query', 'for what it holds.'], ['casegraph load export/', 'casegraph load today/ -q'])
    """
    if not doc:
        return doc, []
    text, examples = [], []
    for paragraph in inspect.cleandoc(doc).split("\n\n"):
        lines = [ln.strip() for ln in paragraph.strip("\n").splitlines()]
        if lines and all(ln.startswith("casegraph ") for ln in lines):
            examples += lines
        else:
            text.append(paragraph)
    return "\n\n".join(text).strip(), examples


def _exit_codes_line() -> str:
    return "Exit codes: " + ", ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items()) + "."


def _format_sections(formatter: click.HelpFormatter, examples: list[str], env: list[str]) -> None:
    if examples:
        with formatter.section("Examples"):
            for line in examples:  # as typed: click would join them into one paragraph
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")
    if env:
        with formatter.section("Environment"):
            formatter.write_dl([(name, ENVIRONMENT.get(name, "")) for name in env])
    formatter.write_paragraph()
    formatter.write_text(_exit_codes_line())


class Command(click.Command):
    """A casegraph command: the shared options, examples and environment in
    its help, one-line errors, and --verbose's start and end."""

    def __init__(self, *args, env: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.help, self.examples = split_examples(self.help)
        self.params += _shared_options()
        self.env = env

    def environment(self) -> list[str]:
        """The environment variables this command reads, options' first."""
        names = [e for p in self.params for e in ([p.envvar] if isinstance(p.envvar, str) else p.envvar or [])]
        names += getattr(self.callback, "__casegraph_env__", ()) + tuple(self.env) + ("CASEGRAPH_DEBUG",)
        return list(dict.fromkeys(names))

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _format_sections(formatter, self.examples, self.environment())

    def invoke(self, ctx: click.Context):
        v = ctx.meta.setdefault(_VOICE, Voice())
        v.command = ctx.command_path
        if v.quiet and v.verbose:
            raise click.UsageError("give --quiet or --verbose, not both", ctx)
        if v.verbose:
            logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
            logging.getLogger("casegraph").setLevel(logging.INFO)  # the library's own steps, if it logs any
        with _one_line_errors():
            detail("started")
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in Python's flush at exit
            detail(f"done in {time.perf_counter() - v.started:.1f} s")
        return result


def printable_streams() -> None:
    """Output that the terminal's or the file's encoding cannot hold becomes
    an escape (``\\U00020000``), never an error: on Windows, output sent to
    a file or a pipe (a scheduled task's log) is encoded in the ANSI code
    page (GBK on a Chinese Windows), and a name with a rare character (𠀀,
    in GB 18030 but not in GBK) would otherwise end the run with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(Exception):  # a stream that cannot be reconfigured keeps its errors
                stream.reconfigure(errors="backslashreplace")


class Group(click.Group):
    """``casegraph`` and its groups (``casegraph neo4j``): commands made on
    it are :class:`Command` s; a usage error is one line, as every error."""

    command_class = Command
    group_class = type  # a group made on it is a Group too

    def __init__(self, *args, examples: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.help, found = split_examples(self.help)
        self.examples = list(examples) or found

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        # casegraph -h names every variable; a command's help, those it reads
        _format_sections(formatter, self.examples, list(ENVIRONMENT) if ctx.parent is None else [])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        printable_streams()
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:  # a bare `casegraph`: the help is the answer
            e.show()
            sys.exit(e.exit_code)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx is not None else "casegraph"
            _fail(f"{e.format_message()} (see {where} -h)", e.exit_code)
        except click.ClickException as e:
            _fail(e.format_message(), e.exit_code)
        except click.Abort:
            _fail("interrupted", EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casegraph")
def main():
    """Related cases and party networks for a court's enforcement bureau.

    Every command takes -h (its options and examples), -q (errors only),
    -v (each step and its time on stderr) and --json (the run's summary as
    one JSON object on stdout).

      casegraph demo
      casegraph analyze export/ --out results/ --judges judges.csv
    """


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


# Writers (load, assign, flag, analyze --backend neo4j) take the database's
# lease one at a time (casegraph.engines.neo4j.lock); readers never wait.
_wait_option = click.option(
    "--wait", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
    help="If another casegraph writer holds the database, wait this long for it, then stop (exit 5) naming it.")
