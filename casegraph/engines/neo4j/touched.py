"""What a later export can change in the database, read through indexes.

A load resolves the export's records together with the database's
(:func:`casegraph.resolve.resolve`). Reading every record back grows with
the database; this module reads what the export's records can meet in
resolution and nothing more, in two parts:

* **members**: records whose party the export may change. The export's own
  cases' records; records met through an indexed key (:data:`MEETS`); the
  namesakes of a person in the same court who face one of its
  counterparties again (the repeat pairs of ``same_name_pair``, walked from
  the counterparty: ``cypher/load/read_records_pair_by_*.cypher``); and every record of the
  parties of those (a party's name and record count come from all of them).
  Members are resolved again and written.
* **context**: records read only as evidence for the members' repeat pairs:
  the other records of a member person's cases (its counterparties), every
  case in the court of a counterparty that the export's persons face, or
  that a member's possible pair faces (how many people face it decides
  whether a shared name may be chance), and a few applicant records of a
  mass applicant (so that it is known as one). Context is resolved with the
  members but never written: its parties are what the database says.

Found members lead to more (their namesakes, their parties' records) until
nothing new turns up; the context never leads anywhere, which keeps a day's
intake from walking, case by case and counterparty by counterparty, across
a whole province. A context record that the resolution puts into a member's
party becomes a member, and the reading goes on
(:func:`casegraph.engines.neo4j.load`). ``tests/test_store_scale.py`` checks
that a load through this module ends as a load compared with everything.

Example::

    from casegraph.engines.neo4j.touched import Touched
    t = Touched(db, resolved.records)      # the export's resolved records
    t.members, t.context                   # frames of the database's records
"""
from __future__ import annotations

import pandas as pd

from casegraph import contract as C
from casegraph.engines.neo4j.db import Database, statement
from casegraph.normalise.caseno import court_code
from casegraph.normalise.identity import IDENTIFIED, MASKED, RIC
from casegraph.resolve import ANONYMISED

BATCH = 10_000

# What a (:PartyRecord) keeps (casegraph.engines.neo4j.load): the columns every read_records_* query returns.
RECORD_INPUT = ["record_key", "case_no", "role", "name", "name_norm", "kind", "id_status", "id_key", "id_masked",
                "org_key", "org_mask"]
RECORD_PROPS = RECORD_INPUT + ["n", "party_id", "rule", "key"]

NAMED_STATUSES = (RIC, MASKED)

# How records meet in resolution (casegraph.resolve.RULES) through an indexed
# value, each looked up by cypher/load/read_records_by_<name>.cypher:
#   record_key  the export's own records, already held
#   org_name    organisations of the same name (org_name_of_one_code, same_org_name)
#   name_ends   a resident or masked ID's name and visible ends (masked_id_and_name)
#   name_masked the masked persons of a name (same_name_masked_id)
#   org_key     an organisation code's keyed hash, in a credit code or alone (same_org_code)
#   org_mask    an organisation code's shown first and last three (masked_credit_code)
#   decided     the records a clerk's decision names with these
#               (casegraph.engines.neo4j.decided)
# The repeat pairs (same_name_pair) meet through a person's name, court and
# counterparties (Touched._pairs). A rule keyed on something else adds its
# line here, its file, and its index in schema.cypher.
MEETS = {
    "record_key": lambda r: r["record_key"].tolist(),
    "org_name": lambda r: r.loc[r["kind"] != C.PERSON, "name_norm"].tolist(),
    "name_ends": lambda r: _name_ends(r[r["id_status"].isin(NAMED_STATUSES)]),
    "name_masked": lambda r: r.loc[(r["kind"] == C.PERSON) & (r["id_status"] == MASKED), "name_norm"].tolist(),
    "org_key": lambda r: _given(r["org_key"]),
    "org_mask": lambda r: [m for m in _given(r["org_mask"]) if "*" not in m.replace("***", "", 1)],
    "decided": lambda r: r["record_key"].tolist(),
}


def _given(values: pd.Series) -> list[str]:
    return [v for v in values.dropna().tolist() if v]


def _name_ends(r: pd.DataFrame) -> list[tuple[str, str, str]]:
    masked = r["id_masked"].fillna("")
    return list(zip(r["name_norm"], masked.str.slice(0, 6), masked.str.slice(-4)))


def empty_records() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RECORD_PROPS})


def frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Read results as one frame of records, one row per record_key."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_records()
    return pd.concat(parts, ignore_index=True).reindex(columns=RECORD_PROPS).drop_duplicates("record_key")


class Touched:
    """The database's records that ``new`` (an export's resolved records)
    can change (``members``) and those that are evidence for them
    (``context``); see the module's text. ``more(keys)`` makes context
    records members and reads on."""

    def __init__(self, db: Database, new: pd.DataFrame, batch: int = BATCH,
                 hub_threshold: int = C.Options().hub_threshold):
        self.db, self.batch, self.hub_threshold = db, batch, hub_threshold
        self.new = new.reindex(columns=RECORD_PROPS)
        self.asked: dict[str, set] = {k: set() for k in (*MEETS, "party_id", "pair", "case", "faced")}
        # Decisions are a clerk's, often none: then no record is named by one.
        self.meets = {k: f for k, f in MEETS.items()
                      if k != "decided" or bool(db.read(statement("load/has_decisions")).iloc[0, 0])}
        self.members = empty_records()
        self.context = empty_records()
        self._grow(self.new, first=True)

    # -- reading ------------------------------------------------------------------

    def _read(self, name: str, param: str, values: list, **extra) -> pd.DataFrame:
        """``cypher/load/read_records_<name>.cypher`` over ``values``, in batches."""
        query = statement(f"load/read_records_{name}")
        params = {"person": C.PERSON, "named_statuses": list(NAMED_STATUSES), "identified": list(IDENTIFIED),
                  "applicant": C.APPLICANT, **extra}
        return frame([self.db.read(query, {**params, param: [list(v) if isinstance(v, tuple) else v
                                                               for v in values[i:i + self.batch]]})
                      for i in range(0, len(values), self.batch)])

    def _fresh(self, kind: str, values) -> list:
        values = sorted(set(values) - self.asked[kind])
        self.asked[kind].update(values)
        return values

    def held(self) -> pd.DataFrame:
        """Every record known: the export's, the members and the context."""
        return frame([self.new, self.members, self.context])

    # -- members ------------------------------------------------------------------

    def _grow(self, frontier: pd.DataFrame, first: bool = False) -> None:
        """Members from ``frontier`` (records known to be touched), to a fixed point."""
        if first:
            # The export's own cases: a record the export no longer carries leaves its party.
            cases = self._read("in_cases", "case_nos", self._fresh("case", frontier["case_no"]))
            frontier = frame([frontier, cases])
        while len(frontier):
            parts = [self._read(f"by_{name}", "values", self._fresh(name, values_of(frontier)))
                     for name, values_of in self.meets.items()]
            parts.append(self._pairs(frontier, first))
            got = frame(parts)
            # The database's copy of an export's record is a member too: the load compares with it.
            known = set(self.members["record_key"])
            ids = self._fresh("party_id", set(got["party_id"].dropna()) | set(frontier["party_id"].dropna()))
            got = frame([got, self._read("of", "ids", ids)])
            frontier = got[~got["record_key"].isin(known)]
            if not len(frontier):
                frontier = self._faced()
            self.members = frame([self.members, frontier])
            first = False
        self.context = self.context[~self.context["record_key"].isin(
            set(self.members["record_key"]) | set(self.new["record_key"]))].reset_index(drop=True)

    def more(self, record_keys: set[str]) -> None:
        """Make these context records members, and read on."""
        moved = self.context[self.context["record_key"].isin(record_keys)]
        self.context = self.context[~self.context["record_key"].isin(record_keys)]
        self.members = frame([self.members, moved])
        self._grow(moved)

    # -- the repeat pairs -----------------------------------------------------------

    def _persons(self, r: pd.DataFrame, first: bool) -> pd.DataFrame:
        """The named persons of ``r`` that may form a repeat pair: without a
        valid ID, or with one only when new (a person the database holds
        already had its effect on its namesakes)."""
        persons = r[(r["kind"] == C.PERSON) & ~r["name_norm"].fillna("").str.contains(ANONYMISED)]
        if not first:
            persons = persons[~persons["id_status"].isin(IDENTIFIED)]
        return persons

    def _sides(self, persons: pd.DataFrame) -> pd.DataFrame:
        """Each person with the records on the other side of its case:
        columns court, name_norm, case_no, cp_id, cp_name. Reads the cases
        the database holds and that are not known whole yet (context)."""
        cases = self._fresh("case", persons["case_no"])
        self.context = frame([self.context, self._read("in_cases", "case_nos", cases)])
        held = self.held()
        pairs = persons[["case_no", "role", "name_norm"]].merge(
            held[["case_no", "role", "party_id", "name_norm", "kind", "id_status"]].rename(
                columns={"role": "cp_role", "party_id": "cp_id", "name_norm": "cp_name", "kind": "cp_kind",
                         "id_status": "cp_status"}), on="case_no")
        pairs = pairs[(pairs["role"] != pairs["cp_role"]) & ~pairs["cp_name"].fillna("").str.contains(ANONYMISED)]
        # An organisation the export resolved by itself may be another party in
        # the database (one code of its name): the database's parties of that name too.
        orgs = held.loc[held["kind"] != C.PERSON, ["name_norm", "party_id"]].drop_duplicates()
        also = pairs[pairs["cp_kind"] != C.PERSON].drop(columns="cp_id").merge(
            orgs.rename(columns={"name_norm": "cp_name", "party_id": "cp_id"}), on="cp_name")
        pairs = pd.concat([pairs, also], ignore_index=True).drop_duplicates()
        return pairs.assign(court=court_code(pairs["case_no"]))

    def _pairs(self, frontier: pd.DataFrame, first: bool) -> pd.DataFrame:
        """Namesakes in the same court facing one of a frontier person's
        counterparties in another case: walked from the counterparty's party
        (a mass applicant is none, and is not walked), and from its name for
        a person without a valid ID, whom the others know by name."""
        sides = self._sides(self._persons(frontier, first))
        sides = sides[sides["court"] != ""]
        if sides.empty:
            return empty_records()
        by_party = self._fresh("pair", {("id", n, c, i) for n, c, i in
                                        zip(sides["name_norm"], sides["court"], sides["cp_id"]) if isinstance(i, str)})
        unnamed = sides[(sides["cp_kind"] == C.PERSON) & ~sides["cp_status"].isin(IDENTIFIED)]
        by_name = self._fresh("pair", {("name", n, c, m) for n, c, m in
                                       zip(unnamed["name_norm"], unnamed["court"], unnamed["cp_name"])})
        return frame([self._read("pair_by_party", "values", [v[1:] for v in by_party],
                                 hub_threshold=self.hub_threshold),
                      self._read("pair_by_name", "values", [v[1:] for v in by_name])])

    def _faced(self) -> pd.DataFrame:
        """Evidence of how many people face a counterparty in a court: every
        case there of the counterparties the export's persons face, and of
        those a member's possible pair faces (a name and counterparty in two
        cases). A person in those cases who faces the same counterparty in
        two cases under one name may pair: it comes back as a member."""
        held = self.held()
        mine = set(self.members["record_key"]) | set(self.new["record_key"])
        sides = self._sides(self._persons(held[held["record_key"].isin(mine)], first=True))
        sides = sides[sides["court"] != ""]
        new_cases = set(self.new["case_no"])
        twice = sides.groupby(["court", "name_norm", "cp_id"])["case_no"].transform("nunique") >= 2
        twice |= sides.groupby(["court", "name_norm", "cp_name"])["case_no"].transform("nunique") >= 2
        faced = sides[twice | sides["case_no"].isin(new_cases)]
        by_id = self._fresh("faced", {("id", i, c) for i, c in zip(faced["cp_id"], faced["court"]) if isinstance(i, str)})
        # By name: a person without a valid ID is known to the others by name until a rule takes it.
        unnamed = faced[(faced["cp_kind"] == C.PERSON) & ~faced["cp_status"].isin(IDENTIFIED)]
        by_name = self._fresh("faced", {("name", n, c) for n, c in zip(unnamed["cp_name"], unnamed["court"])})
        hubs = self._read("of_hubs", "ids", sorted({i for _, i, _ in by_id}), hub_threshold=self.hub_threshold)
        hub_ids = set(hubs["party_id"])
        got = frame([hubs,
                     self._read("faced_by_party", "values", [(i, c) for _, i, c in by_id if i not in hub_ids]),
                     self._read("faced_by_name", "values", [(n, c) for _, n, c in by_name])])
        got = got[~got["record_key"].isin(set(held["record_key"]))]
        self.context = frame([self.context, got])
        # A person there facing the same counterparty in two cases under one name may pair.
        persons = self._persons(got, first=False)
        if persons.empty:
            return empty_records()
        s = self._sides(persons)
        again = (s.groupby(["court", "name_norm", "cp_id"])["case_no"].transform("nunique") >= 2) | (
            s.groupby(["court", "name_norm", "cp_name"])["case_no"].transform("nunique") >= 2)
        keys = set(persons["record_key"]) & set(
            persons.merge(s.loc[again, ["case_no", "name_norm"]], on=["case_no", "name_norm"])["record_key"])
        moved = self.context[self.context["record_key"].isin(keys)]
        self.context = self.context[~self.context["record_key"].isin(keys)]
        return moved
