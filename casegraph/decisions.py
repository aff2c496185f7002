"""A clerk's decisions on the candidates for review: read, checked, applied, kept.

The decisions file is a CSV (or .xlsx) with at least ``candidate_id`` and
``decision`` (``same`` or ``different``; 同一人 / 不同 too), and optionally
``by``, ``on`` and ``note``. The quickest way to make one: open
``candidates.csv``, add a ``decision`` column, fill it in where you have
decided, save. Its ``names`` and ``case_nos`` columns then come along and
pin each decision to its records, so that it still holds when later
exports bring more cases (a candidate's id is derived from its records, and
changes when a new record joins it).

What a decision does (:func:`casegraph.resolve.settle`):

* ``same``: the candidate's parties are one from then on (their records'
  rule is ``clerk_confirmed``, their key the decision). Never two
  different ID numbers: that decision is reported and left out.
* ``different``: they stay apart from then on, even where a rule would link
  them (``clerk_kept_apart``), and the candidate is not offered again. (A
  decision pinned by ``names`` and ``case_nos`` whose records a rule has
  linked since keeps each of its cases apart.)
* A link a rule made is split by naming one record of it: ``candidate_id``
  ``<party_id>@<case_no>`` (the party as party_records.csv names it, the
  case as written there) with ``different`` takes that party's record in
  that case out of the party, and keeps it out.

Every row that cannot be used (an unknown id, a value that is neither same
nor different, a candidate whose records are gone) is one line in
``problems``; the other rows are applied. The Neo4j engine keeps each
decision with the records it named (:mod:`casegraph.engines.neo4j.decided`),
so that the morning routing and the nightly flags honour it.

>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "decisions.csv"
>>> append(path, "C0123456789", "same", by="书记员甲", note="同一父亲")
>>> append(path, "C9876543210", "maybe")
>>> rows, problems = read(path)
>>> rows[["candidate_id", "decision", "by"]].values.tolist(), problems
([['C0123456789', 'same', '书记员甲']], ["decisions.csv row 3: decision 'maybe' is neither same nor different"])
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.errors import InputError
from casegraph.find import candidates as K
from casegraph.graph import CaseGraph
from casegraph.normalise.caseno import official_case_nos
from casegraph.read.files import read_csv, read_sheet, workbook_sheets
from casegraph.resolve import DECIDED_COLUMNS, Resolved, no_decisions, settle

COLUMNS = list(C.DECISIONS.columns)
# A link a rule made, named by one of its records: <party_id>@<case_no>.
LINK = re.compile(r"^(P[0-9a-f]{12})@(.+)$")


def read(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The usable rows of a decisions file (columns of ``contract.DECISIONS``
    and ``row``; ``decision`` as ``same`` / ``different``; the last row wins
    for an id given twice) and one line for each row left out."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such decisions file")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        sheets = workbook_sheets(path)
        aliases = [a.casefold() for a in C.DECISIONS.sheet_aliases]
        # The decisions sheet by name, else the workbook's first sheet (candidates.xlsx with a column added).
        name = next((s for s in sheets if str(s).strip().casefold() in aliases), next(iter(sheets)))
        raw, _ = read_sheet(path, sheets[name], C.DECISIONS)
    else:
        raw, _ = read_csv(path, C.DECISIONS)
    rows = raw.reindex(columns=["row", *COLUMNS]).fillna("")
    for c in COLUMNS:
        rows[c] = rows[c].astype(str).str.strip()
    where = f"{path.name} row "
    found = []  # (row, line), put in the file's order at the end
    if "read_error" in raw:
        bad = raw["read_error"].fillna("") != ""
        found += [(r, f"{where}{r}: {e}") for r, e in zip(raw.loc[bad, "row"], raw.loc[bad, "read_error"])]
        rows = rows[~bad.to_numpy()]
    rows = rows[(rows["candidate_id"] != "") | (rows["decision"] != "")]  # blank lines
    value = rows["decision"].str.casefold().map(C.DECISION_VALUES)
    for r, typed in zip(rows["row"][value.isna()], rows["decision"][value.isna()]):
        found.append((r, f"{where}{r}: decision '{typed}' is neither same nor different" if typed
                      else f"{where}{r}: no decision (same or different)"))
    no_id = value.notna() & (rows["candidate_id"] == "")
    found += [(r, f"{where}{r}: no candidate_id") for r in rows["row"][no_id]]
    problems = [line for _, line in sorted(found, key=lambda f: int(f[0]))]
    rows = rows[value.notna() & ~no_id].assign(decision=value[value.notna() & ~no_id])
    return rows.drop_duplicates("candidate_id", keep="last").reset_index(drop=True), problems


def append(path: str | Path, candidate_id: str, decision: str, by: str = "", note: str = "", on: str | None = None,
           names: str = "", case_nos: str = "") -> None:
    """Add one decision to a decisions file (made with its header if new),
    as a clerk's screen (the explorer) records it; ``on`` defaults to today.
    The value is kept as given: :func:`read` judges it. A file a clerk saved
    is added to in its own encoding and column order (a column its header
    lacks is left out)."""
    path = Path(path)
    row = {"candidate_id": candidate_id, "decision": decision, "by": by, "on": on or _dt.date.today().isoformat(),
           "note": note, "names": names, "case_nos": case_nos}
    if not path.exists() or path.stat().st_size == 0:
        with open(path, "w", newline="", encoding=C.CSV_ENCODING) as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            w.writerow(row)
        return
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "gb18030"  # saved by Excel on a Chinese Windows: add to it in its own encoding
    header = next(csv.reader([data.decode(encoding).lstrip("\ufeff").splitlines()[0]]))
    order = [C.header_to_column(C.DECISIONS, h) for h in header]
    with open(path, "a", newline="", encoding=encoding) as f:
        if not data.endswith((b"\n", b"\r")):
            f.write("\r\n")
        csv.writer(f).writerow([row.get(c, "") if c else "" for c in order])


def candidates_of(resolved: Resolved, options: C.Options | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidates of a resolution and their members (candidate_id,
    party_id): what a decision's candidate_id is looked up in."""
    roles = resolved.records[["case_no", "party_id", "role"]].drop_duplicates().reset_index(drop=True)
    empty = pd.DataFrame(columns=["case_no", "asset_id", "asset_type", "action"])
    g = CaseGraph(pd.DataFrame(columns=["case_no"]), roles, empty, resolved.parties, pd.DataFrame(),
                  options or C.Options(), resolved)
    return K.find(g, members=True)


def interpret(rows: pd.DataFrame, resolved: Resolved, options: C.Options | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The decisions of ``rows`` (:func:`read`) as records (see
    :data:`casegraph.resolve.DECIDED_COLUMNS`), looked up in a resolution by
    the rules alone; and one line for each row that names nothing here."""
    if rows.empty:
        return no_decisions(), []
    table, members = candidates_of(resolved, options)
    rec = resolved.records
    names = rec["name_norm"]
    out, problems = [], []
    for r in rows.itertuples(index=False):
        did = r.candidate_id
        shown = " ".join([did] + ([f"by {r.by}"] if r.by else []) + ([f"on {r.on}"] if r.on else []))
        link = LINK.match(did)
        if did in set(members["candidate_id"]):
            parties = sorted(members.loc[members["candidate_id"] == did, "party_id"])
            mine = rec[rec["party_id"].isin(parties)]
            sides = mine["party_id"].map({p: i for i, p in enumerate(parties)})
        elif link:
            if r.decision == C.SAME:
                problems.append(f"{did}: a link a rule made is already one party; to split it, decide 'different'")
                continue
            case_no = official_case_nos(pd.Series([link[2]])).iloc[0] or link[2]
            mine = rec[rec["party_id"] == link[1]]
            here = mine["case_no"] == case_no
            if not here.any() or here.all():
                problems.append(f"{did}: party {link[1]} has no record in case {case_no} beside others "
                                "(the data changed?)")
                continue
            sides = here.map({True: 0, False: 1})
        elif r.names and r.case_nos:
            wanted = set(K.names_key(pd.Series(r.names.split(C.LIST_SEP))))
            cases = set(official_case_nos(pd.Series(r.case_nos.split(C.LIST_SEP))).dropna())
            mine = rec[names.isin(wanted).to_numpy() & rec["case_no"].isin(cases).to_numpy()]
            parties = sorted(set(mine["party_id"]))
            if not parties:
                problems.append(f"{did}: its records ({r.names}) are not in this data")
                continue
            if len(parties) == 1 and r.decision == C.DIFFERENT:
                # A rule has linked them since: keep each case's records apart.
                sides = pd.Series(pd.factorize(mine["case_no"], sort=True)[0], index=mine.index)
            else:
                sides = mine["party_id"].map({p: i for i, p in enumerate(parties)})
        else:
            problems.append(f"{did}: no such candidate in this data (a candidate's id changes when its records "
                            "do: keep its names and case_nos columns from candidates.csv)")
            continue
        out.append(pd.DataFrame({"decision_id": did, "decision": r.decision, "side": sides.astype(int).to_numpy(),
                                 "record_key": mine["record_key"].to_numpy(), "shown": shown}))
    decided = pd.concat(out, ignore_index=True).drop_duplicates() if out else no_decisions()
    return decided[DECIDED_COLUMNS], problems


def apply(resolved: Resolved, path: str | Path | None, options: C.Options | None = None,
          key: bytes | None = None) -> Resolved:
    """A resolution by the rules alone with the decisions of the file at
    ``path`` applied (unchanged without one); ``problems`` tells what
    could not be."""
    if path is None:
        return resolved
    rows, problems = read(path)
    decided, more = interpret(rows, resolved, options)
    settled = settle(resolved, decided, key)
    settled.problems = problems + more + settled.problems
    return settled


def summary(resolved: Resolved) -> dict:
    """How many decisions were applied, by kind, and the lines of those that were not."""
    d = resolved.decided.drop_duplicates("decision_id")
    return {"applied": {k: int((d["decision"] == k).sum()) for k in (C.SAME, C.DIFFERENT)},
            "problems": list(resolved.problems)}
