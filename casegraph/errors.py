"""One error base for everything a clerk or operator can act on.

The CLI turns a :class:`CasegraphError` into one line on stderr and the
exit code of its class (``exit_code``); the library raises them with a
message that names the file, the row or the server, never a traceback's
worth of detail and never a full ID number.

The exit codes are one table (:data:`EXIT_CODES`, and the README's "Exit
codes"), so that a scheduler can tell "fix the input" from "try again
later":

>>> InputError.exit_code, DatabaseUnreachable.exit_code, LockHeld.exit_code
(2, 4, 5)
>>> EXIT_CODES[EXIT_TOO_MANY_REJECTED]
'too many rows rejected'
"""
from __future__ import annotations

EXIT_DONE = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_TOO_MANY_REJECTED = 3
EXIT_UNREACHABLE = 4
EXIT_LOCK_HELD = 5
EXIT_NO_JAVA = 6
EXIT_INTERRUPTED = 130
EXIT_CLOSED_PIPE = 141

# What each code means (the README's "Exit codes" says what to do about it).
EXIT_CODES = {
    EXIT_DONE: "done",
    EXIT_FAILED: "failed (the message says why)",
    EXIT_BAD_INPUT: "bad input or usage",
    EXIT_TOO_MANY_REJECTED: "too many rows rejected",
    EXIT_UNREACHABLE: "database unreachable",
    EXIT_LOCK_HELD: "another writer holds the lock",
    EXIT_NO_JAVA: "no Java 17+ for the Neo4j engine",
    EXIT_INTERRUPTED: "interrupted",
    EXIT_CLOSED_PIPE: "output closed by its reader (| head)",
}


class CasegraphError(Exception):
    """Something casegraph cannot do, said in one line."""

    exit_code = EXIT_FAILED


class InputError(CasegraphError):
    """Input that stops the run: one line a clerk can act on."""

    exit_code = EXIT_BAD_INPUT


class OutputError(CasegraphError):
    """The result could not be written (one line)."""


class DatabaseError(CasegraphError):
    """Neo4j could not do what was asked; the message is one line for a clerk."""


class DatabaseUnreachable(DatabaseError):
    """No Neo4j answers at the URI: the server is down, or the URI is wrong.
    Its own exit code, so that a nightly job can be retried later."""

    exit_code = EXIT_UNREACHABLE


class ServerError(CasegraphError):
    """Building, starting or stopping the local Neo4j server failed.

    The first line of the message says what failed; further lines, if any, are
    the end of the Maven or server output that explains why.
    """


class JavaMissing(ServerError):
    """The local Neo4j server needs Java 17+ and this machine has none (or an
    older one). Only the Neo4j engine needs Java: the embedded engine, and
    every command without ``--backend neo4j``, run without it."""

    exit_code = EXIT_NO_JAVA


class KitError(CasegraphError):
    """The offline install kit cannot be built or installed (one line: what
    is missing, or what pip said)."""


class LockHeld(CasegraphError):
    """Another casegraph run holds the lock on the database or folder this
    one would write; the message says which run and how to wait for it."""

    exit_code = EXIT_LOCK_HELD


class NotFound(CasegraphError):
    """The case or party asked for is not in the data (one line, for the CLI)."""


class TooManyRejected(CasegraphError):
    """More of a table's rows were rejected than the run allows
    (``Options.max_rejected``). The results were written all the same; the
    distinct exit code lets a script or a scheduler notice."""

    exit_code = EXIT_TOO_MANY_REJECTED
