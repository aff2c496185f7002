"""One error base for everything a clerk or operator can act on.

The CLI turns a :class:`CasegraphError` into one line on stderr and the
exit code of its class (``exit_code``); the library raises them with a
message that names the file, the row or the server, never a traceback's
worth of detail and never a full ID number.
"""
from __future__ import annotations


class CasegraphError(Exception):
    """Something casegraph cannot do, said in one line."""

    exit_code = 1


class InputError(CasegraphError):
    """Input that stops the run: one line a clerk can act on."""

    exit_code = 2


class OutputError(CasegraphError):
    """The result could not be written (one line)."""

    exit_code = 2


class DatabaseError(CasegraphError):
    """Neo4j could not do what was asked; the message is one line for a clerk."""


class ServerError(CasegraphError):
    """Building, starting or stopping the local Neo4j server failed.

    The first line of the message says what failed; further lines, if any, are
    the end of the Maven or server output that explains why.
    """


class NotFound(CasegraphError):
    """The case or party asked for is not in the data (one line, for the CLI)."""


class TooManyRejected(CasegraphError):
    """More of a table's rows were rejected than the run allows
    (``Options.max_rejected``). The results were written all the same; the
    distinct exit code lets a script or a scheduler notice."""

    exit_code = 3
