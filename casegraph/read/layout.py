"""How an input was understood: which file or sheet became which table, and
which header became which column (with its unit).

The reader records one :class:`Layout` per file or sheet it reads, and
hands the tables over as :class:`Tables`, a dict of tables that also holds
the layouts and the reader's own warnings. ``casegraph check`` prints the
layouts; :mod:`casegraph.normalise` uses them to say where a rejected row
sits (sheet, Excel row, column header, cell).

>>> lay = Layout("台账.xlsx[Sheet1]", "ledger", 3, [Column("A", "序号", ""), Column("C", "执行标的（万元）", "amount", "万元")])
>>> lay.column("amount").header, lay.cell("amount", 12), lay.column("judge")
('执行标的（万元）', 'C12', None)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from casegraph import contract as C


def letter(index: int) -> str:
    """Excel's column letter of a 0-based column index.

    >>> letter(0), letter(25), letter(26), letter(702)
    ('A', 'Z', 'AA', 'AAA')
    """
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class Column:
    """One header cell: its Excel column, the header as typed, the table's
    column it became ('' when casegraph does not read it) and the unit of
    an amount header ('' when none)."""

    letter: str
    header: str
    field: str
    unit: str = ""


@dataclass
class Layout:
    """How one file or sheet became a table.

    ``source`` names it as the clerk sees it (``cases.csv``,
    ``台账.xlsx[2024年]``); ``table`` is the table it became (cases,
    parties, assets, judges, or ledger: one row per case, parties in role
    columns); ``header_row`` is the Excel row of the header (the lower one
    of two); ``rows`` counts the data rows under it and ``skipped`` the rows
    that hold no data (blank, total and title rows) by kind.
    """

    source: str
    table: str
    header_row: int
    columns: list[Column]
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def column(self, name: str) -> Column | None:
        """The header that became table column ``name``, if one did."""
        return next((c for c in self.columns if c.field == name), None)

    def cell(self, name: str, row: int) -> str:
        """The cell (``F12``) of column ``name`` in Excel row ``row``; '' if
        no header became that column."""
        c = self.column(name)
        return f"{c.letter}{row}" if c and c.letter else ""


class Tables(dict):
    """The tables read from one input, by name (cases, parties, assets,
    judges), each with ``row`` (the Excel row) and ``sheet`` (the
    :attr:`Layout.source` it came from); ``layouts`` holds how each file or
    sheet was understood, by source; ``form`` is ``export``, ``ledger`` or ``list``;
    ``form`` ``list`` is a published list of debtors (one per row, no
    applicants); ``warnings`` are the reader's own (an ID count that does not match the
    names of its cell), with contract.OUTPUTS['warnings'] columns."""

    def __init__(self, tables=(), layouts=None, form: str = "export", warnings: pd.DataFrame | None = None):
        super().__init__(tables)
        self.layouts: dict[str, Layout] = dict(layouts or {})
        self.form = form
        self.list_name = ""  # a published list's kind (失信被执行人名单…), when form is "list"
        self.warnings = warnings if warnings is not None else pd.DataFrame(columns=list(C.OUTPUTS["warnings"].columns))
