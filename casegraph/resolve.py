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
import polars as pl

from casegraph import contract as C
from casegraph.contract import LIST_SEP
from casegraph.normalise.identity import MASKED, RIC, USCC, hex_column, keyed_hash_column, secret_key

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
    coded = pl.from_pandas(r.loc[(r["id_status"] == USCC) & _is_org(r), ["name_norm", "id_key"]]).unique()
    only = coded.filter(pl.col("name_norm").is_unique())  # names that one code carries
    cand = taken.isna() & _is_org(r) & _named(r) & (r["id_status"] != USCC)
    names = pl.from_pandas(r.loc[cand, ["name_norm"]])
    code = names.join(only, on="name_norm", how="left", maintain_order="left")["id_key"]
    out = pd.Series(None, index=r.index, dtype=object)
    out[cand.to_numpy()] = ("uscc:" + code).to_numpy()
    return out


def _masked_id_and_name(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    cand = r.loc[taken.isna() & (r["id_status"] == MASKED) & _named(r), ["name_norm", "id_masked"]]
    out = pd.Series(None, index=r.index, dtype=object)
    if cand.empty:
        return out
    # Full IDs are compared through their masked form: a record's full ID
    # never needs to be kept, here or in the database.
    named_so = pl.from_pandas(r["name_norm"]).is_in(pl.from_pandas(cand["name_norm"]).implode()).to_numpy()
    known = r.loc[(r["id_status"] == RIC).to_numpy() & named_so, ["name_norm", "id_key", "id_masked"]]
    known = known.drop_duplicates(["name_norm", "id_key"])
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
        canonical = r["id_canonical"]
        r["id_key"] = keyed_hash_column(canonical[ident], secret).reindex(r.index, fill_value="")
        r["id_masked"] = (canonical.str.slice(0, 6) + "********" + canonical.str.slice(-4)).where(
            ident, canonical.where(r["id_status"] == MASKED, ""))
        r = r.drop(columns=["id_canonical"])  # from here on, only the keyed hash and the masked form
        # A record's identity that survives re-exports (row numbers do not);
        # pandas' row hash has a fixed key, so it is the same in every run.
        content = r[["case_no", "role", "name_norm", "id_status"]].assign(id=r["id_key"].where(ident, r["id_masked"]))
        hashed = pd.util.hash_pandas_object(content, index=False).to_numpy()
        r["record_key"] = hex_column(hashed.astype(">u8").view(np.uint8).reshape(-1, 8), "R").set_axis(r.index)
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
    # One id per party, never per row: an identified party's id comes from the
    # keyed hash of its number; other keys are hashed here.
    match = taken.astype("str")
    identified = match.str.startswith(("id:", "uscc:"))
    hashed_key = np.where(match.str.startswith("id:"), match.str.slice(3, 15), match.str.slice(5, 17))
    r["party_id"] = ("P" + pd.Series(hashed_key, index=r.index, dtype="str")).where(identified, "")
    r.loc[~identified, "party_id"] = keyed_hash_column(match[~identified], secret, "P", 12)
    party_table, party_mask = _parties(r, r["id_status"].isin([RIC, USCC]))
    # Why a record joined its party, shown without the number: the rule's key, masked.
    prefix = r["rule"].map(_KEY_PREFIX)
    r["key"] = (prefix + party_mask).where(prefix.notna(), r["match_key"])
    return Resolved(r, party_table)


def _parties(r: pd.DataFrame, ident: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """One row per party (by party_id): its name and kind are what most of
    its records say (ties: the first in sort order), its masked ID what most
    of its identified records show; and that masked ID for each record."""
    # The rules a party's records came by, as bits: a few names, millions of parties.
    names = sorted(pd.unique(r["rule"]))
    rec = pl.DataFrame({"party_id": r["party_id"], "name": r["name"], "kind": r["kind"],
                        "id_masked": r["id_masked"],
                        "rule": np.left_shift(1, pd.Categorical(r["rule"], names).codes.astype(np.int64)),
                        "ident": ident.to_numpy(bool)})
    joined = {b: LIST_SEP.join(n for i, n in enumerate(names) if b >> i & 1) for b in range(1, 1 << len(names))}
    # Most parties have one record, which says everything; count only for the others.
    many = rec["party_id"].is_duplicated()
    one = rec.filter(~many).select("party_id", "name", "kind", pl.when("ident").then("id_masked").otherwise(pl.lit("")),
                                  n_records=pl.lit(1, pl.Int64), rules="rule")
    rec_many = rec.filter(many)
    counted = (rec_many.group_by("party_id").agg(n_records=pl.len().cast(pl.Int64), rules=pl.col("rule").bitwise_or())
               .join(_mode(rec_many, "name"), on="party_id").join(_mode(rec_many, "kind"), on="party_id")
               .join(_mode(rec_many.filter("ident"), "id_masked"), on="party_id", how="left")
               .with_columns(pl.col("id_masked").fill_null("")))
    cols = ["party_id", "name", "kind", "id_masked", "n_records", "rules"]
    table = (pl.concat([one.select(cols), counted.select(cols)]).sort("party_id")
             .with_columns(pl.col("rules").replace_strict(joined, return_dtype=pl.String)))
    per_record = rec.select("party_id").join(table.select("party_id", "id_masked"), on="party_id", how="left",
                                             maintain_order="left")["id_masked"]
    return _to_pandas(table), pd.Series(per_record.to_arrow(), index=r.index, dtype="str")


def _mode(rec: pl.DataFrame, col: str) -> pl.DataFrame:
    """The most frequent ``col`` of each party (ties: the smallest)."""
    counts = rec.group_by("party_id", col).len()
    return (counts.sort(["party_id", "len", col], descending=[False, True, False])
            .unique("party_id", keep="first", maintain_order=True).select("party_id", col))


def _to_pandas(df: pl.DataFrame) -> pd.DataFrame:
    """A polars table as pandas, text columns as pandas' own text dtype."""
    return pd.DataFrame({c: pd.array(df[c].to_arrow(), dtype="str") if df[c].dtype == pl.String else df[c].to_numpy()
                         for c in df.columns})


def why(resolved: Resolved, party_id: str) -> pd.DataFrame:
    """The records of one party and the rule that put each there.

    Example::

        why(resolved, "P1a2b3c4d5e6f")[["case_no", "name", "rule", "key"]]
    """
    cols = ["source", "row", "case_no", "role", "name", "id_masked", "party_id", "rule", "key"]
    rec = resolved.records.assign(source="parties")
    return rec.loc[rec["party_id"] == party_id, cols].reset_index(drop=True)
