"""Where a picture starts: the case or party a user typed, found in either engine.

Clerks type case numbers in any bracket style (``(2024)沪0113执1号``) and name
a party by its party_id, a full or masked ID number, or its exact name. The
rules for reading what they typed are here, once; each engine answers two
small questions (a :class:`Directory`: does this case exist, which parties
have this key).

Example::

    from casegraph.pictures.from_graph import GraphSource
    find_party(GraphSource(graph, resolved.records), "310113198001011234")
    # 'P3f62007d74fd'
"""
from __future__ import annotations

from typing import Protocol

import pandas as pd

from casegraph.errors import NotFound
from casegraph.normalise.caseno import parse_case_no
from casegraph.normalise.identity import MASKED, RIC, USCC, keyed_hash, parse_id

#: How a party may be named, in the order they are tried.
PARTY_KEYS = ("party_id", "id_key", "id_masked", "name")


class Directory(Protocol):
    """What an engine answers so that a typed case or party can be found."""

    #: Where the data is, for messages: ``"the export"`` or ``"the database"``.
    where: str

    def has_case(self, case_no: str) -> bool:
        """Whether the official case number ``case_no`` is there."""

    def parties_by(self, key: str, value: str) -> pd.DataFrame:
        """The parties whose ``key`` (one of :data:`PARTY_KEYS`; ``id_key`` is
        the keyed hash of a full ID number) is ``value``: party_id, kind,
        id_masked, n_cases; most cases first, then by party_id."""


def find_case(source: Directory, text: str) -> str:
    """The official case number for what a user typed.

    >>> class One:
    ...     where = "the export"
    ...     def has_case(self, case_no): return case_no == "（2024）沪0113执1号"
    >>> find_case(One(), "(2024)沪0113执1号")
    '（2024）沪0113执1号'
    """
    parsed = parse_case_no(text)
    official = parsed.official if parsed else str(text).strip()
    if not source.has_case(official):
        raise NotFound(f"case {text!r} is not in {source.where}")
    return official


def find_party(source: Directory, text: str) -> str:
    """The party_id for a party id (``P…``), a full or masked ID number, or a name.

    A full ID number is matched through its keyed hash (nothing keeps the
    number itself). A name or masked ID shared by several parties is refused
    with the candidates listed, since 王伟 in one case is rarely 王伟 in
    another; the message shows masked IDs only.
    """
    text = str(text).strip()
    if len(source.parties_by("party_id", text)):
        return text
    parsed = parse_id(text)
    if parsed.status in (RIC, USCC):
        hits = source.parties_by("id_key", keyed_hash(parsed.canonical))
        if hits.empty:
            # Never repeat the number: messages end up in logs.
            raise NotFound(f"no party has that ID number in {source.where}")
        return _one(hits, "ID number")
    if parsed.status == MASKED:
        hits = source.parties_by("id_masked", parsed.canonical)
        if len(hits):
            return _one(hits, text)
    hits = source.parties_by("name", text)
    if hits.empty:
        raise NotFound(f"no party named {text!r} in {source.where} (give a party_id, ID number or exact name)")
    return _one(hits, text)


def start_of(source: Directory, case: str | None = None, party: str | None = None) -> tuple[str | None, str | None]:
    """``(case_no, None)`` or ``(None, party_id)`` for one of ``case`` or ``party`` as typed."""
    if (case is None) == (party is None):
        raise ValueError("give one of case or party")
    return (find_case(source, case), None) if case is not None else (None, find_party(source, party))


def _one(hits: pd.DataFrame, what: str) -> str:
    if len(hits) == 1:
        return hits["party_id"].iloc[0]
    listed = "; ".join(f"{r.party_id} {r.kind} {r.id_masked or 'no ID'} ({int(r.n_cases)} cases)"
                       for r in hits.head(8).itertuples())
    raise NotFound(f"{len(hits)} parties match {what!r}: {listed}; pass one party_id")
