"""Party resolution: which party records are the same person or company.

The rules are an ordered list of data (:data:`RULES`). Each record is taken
by the first rule that gives it a key; records with the same key are one
party. Every record keeps the rule's name and its (masked) key, so a clerk
can ask "why are these the same?" and read the answer in
``party_records.csv``.

>>> [r.name for r in RULES]
['same_resident_id', 'same_credit_code', 'org_name_of_one_code', 'masked_id_and_name', 'same_org_name', 'unidentified']
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casegraph import contract as C
from casegraph.cells import join_per_group, mode_per_group
from casegraph.normalise.identity import MASKED, RIC, USCC, keyed_hashes, secret_key

# 张某, 李某某, 欧阳某: a published judgment's stand-in identifies nobody.
# Organisations too: 上海某某贸易有限公司.
ANONYMISED = re.compile(r"某")


@dataclass(frozen=True)
class Rule:
    """A resolution rule: ``keys(records, taken)`` returns a key (or None)
    for each record not yet taken."""

    name: str
    why: str
    keys: Callable[[pd.DataFrame, pd.Series], pd.Series]


def _by_id(status: str, prefix: str):
    def keys(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
        return (prefix + r["id_key"]).where(r["id_status"] == status)
    return keys


def _is_org(r: pd.DataFrame) -> pd.Series:
    return r["kind"] != C.PERSON


def _named(r: pd.DataFrame) -> pd.Series:
    return ~r["name_norm"].str.contains(ANONYMISED)


def _org_name_of_one_code(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    coded = r[(r["id_status"] == USCC) & _is_org(r)]
    codes = coded.drop_duplicates(["name_norm", "id_key"])
    n_codes = codes["name_norm"].value_counts()
    only = codes[codes["name_norm"].map(n_codes) == 1].set_index("name_norm")["id_key"].map(lambda k: "uscc:" + k)
    cand = taken.isna() & _is_org(r) & _named(r) & (r["id_status"] != USCC)
    return r["name_norm"].where(cand).map(only)


def _masked_id_and_name(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    cand = r.loc[taken.isna() & (r["id_status"] == MASKED) & _named(r), ["name_norm", "id_masked"]]
    out = pd.Series(None, index=r.index, dtype=object)
    if cand.empty:
        return out
    # Full IDs are compared through their masked form: a record's full ID
    # never needs to be kept, here or in the database.
    known = r.loc[r["id_status"] == RIC, ["name_norm", "id_key", "id_masked"]].drop_duplicates(["name_norm", "id_key"])
    # Only the first 6 and last 4 characters of a full ID are kept (its masked
    # form), so a mask can be checked against them alone: one that shows
    # other characters cannot be verified and never joins. Joining on the
    # name and those ends also keeps common names (王伟) from pairing each
    # masked record with thousands of namesakes.
    cand = cand.rename_axis("rec").reset_index()
    cand["ends"] = cand["id_masked"].str.slice(0, 6) + cand["id_masked"].str.slice(-4)
    known = known.assign(ends=known["id_masked"].str.slice(0, 6) + known["id_masked"].str.slice(-4))
    shows_only_ends = cand["id_masked"].str.slice(6, -4).str.fullmatch(r"\*+") & ~cand["ends"].str.contains("*", regex=False)
    pairs = cand[shows_only_ends].merge(known, on=["name_norm", "ends"], suffixes=("", "_full"))
    if pairs.empty:
        return out
    a = _chars(pairs["id_masked"])
    b = _chars(pairs["id_masked_full"])
    star = ord("*")
    fits = pairs[((a == b) | (a == star) | (b == star)).all(axis=1)]
    n = fits.groupby("rec")["id_key"].nunique()
    one = fits[fits["rec"].isin(n[n == 1].index)].drop_duplicates("rec")
    out[one["rec"].to_numpy()] = ("id:" + one["id_key"]).to_numpy()
    return out


def _chars(s: pd.Series) -> np.ndarray:
    """Strings as a matrix of code points (padded with 0)."""
    width = max(int(s.str.len().max()), 1)
    return s.to_numpy(dtype=f"U{width}").view(np.uint32).reshape(len(s), width)


def _same_org_name(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    return ("orgname:" + r["name_norm"]).where(taken.isna() & _is_org(r) & _named(r))


def _unidentified(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    return "record:" + r["record_key"]


RULES: tuple[Rule, ...] = (
    Rule("same_resident_id", "the same valid resident ID (GB 11643 check character)", _by_id(RIC, "id:")),
    Rule("same_credit_code", "the same valid unified social credit code (GB 32100 check character)", _by_id(USCC, "uscc:")),
    Rule("org_name_of_one_code", "an organisation without a valid code, named exactly as the one coded organisation of that name",
         _org_name_of_one_code),
    Rule("masked_id_and_name", "a masked ID whose visible characters agree with exactly one identified person of the same name",
         _masked_id_and_name),
    Rule("same_org_name", "an organisation without a valid code: the same normalised name", _same_org_name),
    Rule("unidentified", "no rule applies (no valid ID; a person is never merged by name alone): a party of its own",
         _unidentified),
)




@dataclass
class Resolved:
    """``records``: one row per party row, with ``party_id``, ``rule``, ``key``
    (masked); ``parties``: one row per resolved party."""

    records: pd.DataFrame
    parties: pd.DataFrame


_KEY_PREFIX = {"same_resident_id": "id:", "masked_id_and_name": "id:", "same_credit_code": "uscc:",
               "org_name_of_one_code": "uscc:"}


def resolve(parties: pd.DataFrame, rules: tuple[Rule, ...] = RULES, key: bytes | None = None) -> Resolved:
    """Resolve clean party rows (from :func:`casegraph.normalise.normalise`),
    or records resolved before (columns ``id_key``, ``id_masked`` and
    ``record_key`` instead of ``id_canonical``), e.g. a database's records
    together with a newer export's, so that both are resolved as one.

    ``party_id`` is a keyed hash of the matching key: the same person gets
    the same id in every run and in both engines, and the id reveals no ID.
    """
    secret = key or secret_key()
    r = parties.copy()
    if "id_canonical" in r:
        ident = r["id_status"].isin([RIC, USCC])
        hashes = keyed_hashes(pd.unique(r.loc[ident, "id_canonical"]), secret)
        r["id_key"] = r["id_canonical"].map(hashes).where(ident, "")
        canonical = r["id_canonical"]
        r["id_masked"] = (canonical.str.slice(0, 6) + "********" + canonical.str.slice(-4)).where(
            ident, canonical.where(r["id_status"] == MASKED, ""))
        r = r.drop(columns=["id_canonical"])  # from here on, only the keyed hash and the masked form
        # A record's identity that survives re-exports (row numbers do not);
        # pandas' row hash has a fixed key, so it is the same in every run.
        content = r[["case_no", "role", "name_norm", "id_status"]].assign(id=r["id_key"].where(ident, r["id_masked"]))
        hashed = pd.util.hash_pandas_object(content, index=False).to_numpy()
        r["record_key"] = [f"R{h:016x}" for h in hashed]
    # else: records kept earlier (the Neo4j engine's PartyRecord nodes) already
    # carry id_key, id_masked and record_key, and never the ID itself.
    taken = pd.Series(None, index=r.index, dtype=object)
    rule_of = pd.Series(None, index=r.index, dtype=object)
    for rule in rules:
        k = rule.keys(r, taken)
        new = taken.isna() & k.notna()
        taken[new] = k[new]
        rule_of[new] = rule.name
    r["match_key"] = taken
    r["rule"] = rule_of
    uniq = pd.unique(r["match_key"])
    # One id per party, never per row: an identified party's id comes from the
    # keyed hash of its number; other keys are hashed here.
    identified = [k for k in uniq if k.startswith(("id:", "uscc:"))]
    ids = {k: "P" + k.partition(":")[2][:12] for k in identified}
    ids.update({k: "P" + h[:12] for k, h in keyed_hashes(set(uniq) - set(identified), secret).items()})
    r["party_id"] = r["match_key"].map(ids)

    # A party's name and kind: what most of its records say (ties: the first in sort order).
    pid = r["party_id"]
    name = mode_per_group(pid, r["name"]).sort_index()
    ident = r["id_status"].isin([RIC, USCC])
    id_masked = mode_per_group(pid[ident], r.loc[ident, "id_masked"]).reindex(name.index).fillna("")
    party_table = pd.DataFrame({
        "party_id": name.index, "name": name.to_numpy(),
        "kind": mode_per_group(pid, r["kind"]).reindex(name.index).to_numpy(),
        "id_masked": id_masked.to_numpy(),
        "n_records": pid.value_counts().reindex(name.index).to_numpy(),
        "rules": join_per_group(pid, r["rule"]).reindex(name.index).to_numpy(),
    })
    # Why a record joined its party, shown without the number: the rule's key, masked.
    prefix = r["rule"].map(_KEY_PREFIX)
    r["key"] = (prefix + pid.map(id_masked)).where(prefix.notna(), r["match_key"])
    return Resolved(r, party_table)


def why(resolved: Resolved, party_id: str) -> pd.DataFrame:
    """The records of one party and the rule that put each there.

    Example::

        why(resolved, "P1a2b3c4d5e6f")[["case_no", "name", "rule", "key"]]
    """
    cols = ["source", "row", "case_no", "role", "name", "id_masked", "party_id", "rule", "key"]
    rec = resolved.records.assign(source="parties")
    return rec.loc[rec["party_id"] == party_id, cols].reset_index(drop=True)
