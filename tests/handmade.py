"""Small hand-made exports for tests: each test draws its own situation.

``graph_of`` writes the rows as an export's CSV files and reads them back
(for tests of the reader, or that need the cleaned and resolved tables);
``court`` builds the same rows' CaseGraph in memory, on the same path from
normalise on (:func:`casegraph.graph.from_rows`).
"""
from __future__ import annotations

import csv
from pathlib import Path

from stdnum.cn import ric, uscc

from casegraph import contract as C
from casegraph.graph import from_rows
from casegraph.normalise.identity import mask  # noqa: F401  (tests import it from here)
from casegraph.pipeline import prepare


def rid(first17: str) -> str:
    """A valid resident ID from its first 17 digits."""
    return first17 + ric.calc_check_digit(first17 + "0")


def code(first17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return first17 + uscc.calc_check_digit(first17)


ZHANG = rid("11010519491231002")
WANG = rid("31011319800101123")
LI = rid("44030519751212555")
WANG_WEI_1 = rid("32050619880808111")
WANG_WEI_2 = rid("32050619900909222")
CO_A = code("91310000MA1FL0001")
CO_B = code("91310000MA1FL0002")
CO_C = code("91310000MA1FL0003")
BANK = code("91310000MA1FLBANK")


def case(no, cause="民间借贷纠纷", amount="1000", status="执行中", judge="", filed_on="2024-01-05"):
    return {"case_no": no, "filed_on": filed_on, "cause": cause, "amount": amount, "status": status, "judge": judge}


def party(no, role, name, id_no="", kind=""):
    if not kind:
        kind = "法人" if ("公司" in name or "银行" in name) else "自然人"
    return {"case_no": no, "role": role, "name": name, "id_no": id_no, "kind": kind}


def debt(no, creditor, debtor, amount="1000", cause="民间借贷纠纷", **kw):
    """A case in which ``creditor`` (name, id) applies against ``debtor``."""
    return ([case(no, cause=cause, amount=amount, **kw)],
            [party(no, "申请执行人", *creditor), party(no, "被执行人", *debtor)])


def write_export(folder: Path, cases, parties, assets=(), judges=(), encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in ((C.CASES, cases), (C.PARTIES, parties), (C.ASSETS, assets), (C.JUDGES, judges)):
        if not rows and table.optional_table:
            continue
        with open(folder / table.filename, "w", newline="", encoding=encoding) as f:
            w = csv.DictWriter(f, fieldnames=list(table.columns))
            w.writeheader()
            w.writerows(rows)
    return folder


def graph_of(tmp_path: Path, cases, parties, assets=(), judges=(), options=None):
    """(clean, resolved, graph) of a hand-made export."""
    return prepare(write_export(tmp_path / "export", cases, parties, assets, judges), options=options)


def court(*debts, assets=(), judges=(), options=None):
    """The CaseGraph of ``debt(...)`` rows, built in memory."""
    cases, parties = combine(*debts)
    return from_rows(cases, parties, assets, judges, options)


def combine(*debts):
    cases, parties = [], []
    for c, p in debts:
        cases += c
        parties += p
    return cases, parties
