"""The review panel: the candidates for review, and a clerk's confirm or reject.

A decision is added to the decisions file the explorer was started with
(``casegraph explore … --decisions FILE``), the same file ``analyze``,
``load`` and ``assign`` read with ``--decisions``
(:func:`casegraph.decisions.append`, with the candidate's names and case
numbers, which pin it to its records as the data grows). It takes effect at
the next run; the panel shows what is already decided.

Example::

    r = Review(views.Findings(engine), Path("decisions.csv"))
    r.decide({"candidate_id": "C0123456789", "decision": "same", "by": "书记员甲"})
"""
from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph import decisions
from casegraph.errors import InputError, NotFound
from casegraph.explore.views import Findings
from casegraph.write.files import text_cell

#: Longest ``by`` and ``note`` kept.
MAX_TEXT = 200


def _text(value, name: str) -> str:
    """One line of at most :data:`MAX_TEXT` characters; a cell Excel would
    run as a formula stays text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{name}: give text")
    text = " ".join(value.split())[:MAX_TEXT]
    return text_cell(text)


class Review:
    """The candidates (from the engine's findings) and the decisions file."""

    def __init__(self, findings: Findings, path: str | Path | None):
        self.findings = findings
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()

    def _table(self) -> pd.DataFrame:
        return self.findings.tables()["candidates"]

    def decided(self) -> dict[str, str]:
        """What the decisions file already says, by candidate_id."""
        if self.path is None or not self.path.exists():
            return {}
        rows, _ = decisions.read(self.path)
        return dict(zip(rows["candidate_id"], rows["decision"]))

    def candidates(self, offset: int = 0, limit: int = 50) -> dict:
        """``{"candidates": [...], "total", "file"}``: the strongest first, each
        with what is already decided of it (``decision``, or None)."""
        table = self._table()
        done = self.decided()
        page = table.iloc[offset:offset + limit]
        rows = [{"candidate_id": r.candidate_id, "kind": r.kind, "names": r.names, "n_cases": int(r.n_cases),
                 "case_nos": [c for c in str(r.case_nos).split(C.LIST_SEP) if c], "evidence": r.evidence,
                 "strength": float(r.strength), "decision": done.get(r.candidate_id)}
                for r in page.itertuples(index=False)]
        return {"candidates": rows, "total": len(table), "offset": offset,
                "file": self.path.name if self.path is not None else None}

    def cases_of(self, candidate_id: str) -> list[str]:
        """The case numbers of one candidate."""
        return [c for c in str(self._row(candidate_id)["case_nos"]).split(C.LIST_SEP) if c]

    def _row(self, candidate_id: str) -> pd.Series:
        table = self._table()
        hit = table[table["candidate_id"] == candidate_id]
        if hit.empty:
            raise NotFound(f"no candidate {str(candidate_id)[:40]!r} among the candidates for review")
        return hit.iloc[0]

    def decide(self, body: dict) -> dict:
        """Record ``{"candidate_id", "decision": "same"|"different", "by", "note"}``."""
        if self.path is None:
            raise InputError("no decisions file: start the explorer with --decisions FILE to record decisions")
        if not isinstance(body, dict):
            raise InputError("give a JSON object with candidate_id and decision")
        decision = C.DECISION_VALUES.get(str(body.get("decision", "")).strip().casefold())
        if decision is None:
            raise InputError(f"decision: {str(body.get('decision'))[:40]!r} is neither same nor different")
        row = self._row(str(body.get("candidate_id", "")))
        by, note = _text(body.get("by"), "by"), _text(body.get("note"), "note")
        with self._lock:
            decisions.append(self.path, row["candidate_id"], decision, by=by, note=note, names=row["names"],
                             case_nos=row["case_nos"])
        return {"candidate_id": row["candidate_id"], "decision": decision, "file": self.path.name}
