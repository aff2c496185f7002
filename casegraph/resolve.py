"""Party resolution: which party records are the same person or company.

The rules are an ordered list of data (:data:`RULES`). Each record is taken
by the first rule that gives it a key; records with the same key are one
party. Every record keeps the rule's name and its (masked) key, so a clerk
can ask "why are these the same?" and read the answer in
``party_records.csv``.

>>> [r.name for r in RULES]
['same_resident_id', 'same_credit_code', 'same_org_code', 'masked_credit_code', 'org_name_of_one_code', 'masked_id_and_name', 'same_org_name', 'same_name_masked_id', 'same_name_pair', 'unidentified']

The evidence rules (``contract.EVIDENCE_RULES``) can be switched off
(``Options.rules``, ``--rules``): :func:`rules_for` gives the rules of a run.
A clerk's decisions (:mod:`casegraph.decisions`) come last: ``same`` links
records no rule linked (rule ``clerk_confirmed``), ``different`` keeps
records apart that a rule linked (``clerk_kept_apart``).

Keys, for anyone who indexes them (the Neo4j load): a record's match key is
``id:<keyed hash>`` (resident ID), ``uscc:<keyed hash>`` (credit code),
``org:<keyed hash>`` (an organisation code no credit code in the data
carries), ``masked:<name>\t<mask>`` (the same name and masked ID),
``orgname:<normalised name>``, ``pair:<court>\t<name>\t<counterparty>`` (the
repeat pair; ``<court>`` as :func:`casegraph.normalise.caseno.court_code`
gives it, ``<counterparty>`` the match key of the other side's record, or
``name:<its normalised name>``), ``record:<record_key>``, or
``apart:<decision>:<side>`` (a clerk's ``different``). The repeat pair is
decided within one court and one normalised person name: a load that
resolves only part of the records must hand it every record of that
(court, name) and of their counterparties.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from casegraph import contract as C
from casegraph.columns import arrow_text, distinct_rows, is_in, text_series
from casegraph.contract import LIST_SEP
from casegraph.names import name_share
from casegraph.normalise.caseno import court_code, court_codes
from casegraph.normalise.identity import (IDENTIFIED, MASKED, ORG, RIC, USCC, hex_column, keyed_hash_column, mask,
                                          org_of, secret_key)

# 张某, 李某某, 欧阳某: a published judgment's stand-in identifies nobody.
# Organisations too: 上海某某贸易有限公司.
ANONYMISED = re.compile(r"某")


@dataclass(frozen=True)
class Rule:
    """A resolution rule: ``keys(records, taken)`` returns a key (or None)
    for each record not yet taken; or a frame of ``key`` and ``shown``, the
    key as ``party_records.csv`` shows it when the match key is not for
    reading."""

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
    if _NAMED in r:  # worked out once for all the rules of a run (see resolve)
        return r[_NAMED]
    return ~r["name_norm"].str.contains(ANONYMISED)


_NAMED = "_named"


def _no_keys(r: pd.DataFrame) -> pd.DataFrame:
    """No key and nothing shown, for every record (what a rule fills in)."""
    return pd.DataFrame({"key": np.full(len(r), None, dtype=object), "shown": np.full(len(r), None, dtype=object)},
                        index=r.index)


def _same_org_code(r: pd.DataFrame, taken: pd.Series) -> pd.DataFrame:
    """An organisation code (组织机构代码) is the organisation whose credit
    code holds it in positions 9-17, when exactly one credit code of the
    data does; else the organisation of that code (``org:``). The key shows
    the code masked."""
    org = taken.isna() & (r["id_status"] == ORG)
    out = _no_keys(r)
    if not org.any():
        return out
    coded = r.loc[r["id_status"] == USCC, ["org_key", "id_key"]].drop_duplicates()
    n = coded.groupby("org_key")["id_key"].nunique()
    one = coded[coded["org_key"].map(n) == 1].drop_duplicates("org_key").set_index("org_key")["id_key"]
    own = r.loc[org, "id_key"]
    linked = own.map(one).astype(object)
    out.loc[org, "key"] = np.where(linked.notna(), "uscc:" + linked.fillna(""), "org:" + own)
    out.loc[org, "shown"] = "org:" + r.loc[org, "id_masked"]
    return out


# How many shown characters a masked credit code and a known code must both
# show, and agree on, before the code can be said to fit.
CODE_AGREES = 6


def _code_patterns(r: pd.DataFrame, taken: pd.Series) -> pd.DataFrame:
    """Every known code of the data (credit codes, organisation codes) as 18
    characters in a credit code's places, what the records keep of it shown
    and the rest ``*``, with the key of its organisation: what a masked
    credit code is compared with."""
    known = r[r["id_status"].isin([USCC, ORG]) & taken.notna()]
    m, om = known["id_masked"].fillna(""), known["org_mask"].fillna("")
    pattern = np.where(known["id_status"] == USCC, m.str.slice(0, 6) + "**" + om + m.str.slice(-1), "********" + om + "*")
    return pd.DataFrame({"pattern": pattern, "key": taken[known.index].to_numpy()}).drop_duplicates()


def _masked_credit_code(r: pd.DataFrame, taken: pd.Series) -> pd.DataFrame:
    """A masked credit code (``91230199744***927K``) is the organisation of
    the one known code whose kept characters agree with every character the
    mask shows, on :data:`CODE_AGREES` places or more; two codes that fit
    leave it unjoined. The key shows the mask."""
    out = _no_keys(r)
    cand = taken.isna() & (r["id_status"] == MASKED) & _is_org(r) & (r["id_masked"].fillna("").str.len() == 18)
    if not cand.any():
        return out
    known = _code_patterns(r, taken)
    masks = pd.DataFrame({"rec": r.index[cand.to_numpy()], "mask": r.loc[cand, "id_masked"].to_numpy()})
    # Blocked on the organisation code's last three, which every kept form shows.
    masks["block"], known["block"] = masks["mask"].str.slice(14, 17), known["pattern"].str.slice(14, 17)
    pairs = masks[~masks["block"].str.contains("*", regex=False)].merge(known, on="block")
    if pairs.empty:
        return out
    a, b = _chars(pairs["mask"]), _chars(pairs["pattern"])
    star = ord("*")
    both = (a != star) & (b != star)
    fits = pairs[~(both & (a != b)).any(axis=1) & (both.sum(axis=1) >= CODE_AGREES)]
    n = fits.groupby("rec")["key"].nunique()
    one = fits[fits["rec"].map(n) == 1].drop_duplicates("rec")
    out.loc[one["rec"].to_numpy(), "key"] = one["key"].to_numpy()
    out.loc[one["rec"].to_numpy(), "shown"] = ("masked:" + one["mask"]).to_numpy()
    return out


def _org_name_of_one_code(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    # The organisations a code (credit or organisation code) made, by the key it gave them.
    coded = r["id_status"].isin([USCC, ORG]) & _is_org(r) & taken.notna()
    coded = pl.DataFrame({"name_norm": polars_text(r.loc[coded, "name_norm"]),
                          "code": polars_text(taken[coded])}).unique()
    only = coded.filter(pl.col("name_norm").is_unique())  # names that one code carries
    cand = taken.isna() & _is_org(r) & _named(r) & ~r["id_status"].isin([USCC, ORG])
    names = pl.DataFrame({"name_norm": polars_text(r.loc[cand, "name_norm"])})
    code = names.join(only, on="name_norm", how="left", maintain_order="left")["code"]
    out = pd.Series(None, index=r.index, dtype=object)
    out[cand.to_numpy()] = code.to_numpy()
    return out


def _masked_id_and_name(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    cand = r.loc[taken.isna() & (r["id_status"] == MASKED) & _named(r), ["name_norm", "id_masked"]]
    out = pd.Series(None, index=r.index, dtype=object)
    if cand.empty:
        return out
    # Full IDs are compared through their masked form: a record's full ID
    # never needs to be kept, here or in the database.
    # (only the identified persons of a name some masked record carries: a few among a million)
    ric = (r["id_status"] == RIC).to_numpy() & is_in(r["name_norm"], arrow_text(cand["name_norm"]))
    known = r.loc[ric, ["name_norm", "id_key", "id_masked"]]
    known = known.loc[distinct_rows(known[["name_norm", "id_key"]]).index]
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


# Among how many people a namesake showing the same mask is looked for: a
# county's (what a shown region code, the first six characters, pins down;
# about 3,000 codes for the country), else those a court, a province or the
# country draws on. Cases in one court make one person likelier, cases in
# other provinces less (as candidates weigh it: casegraph.find.candidates.FACTOR).
PEOPLE = {"region": 500_000, "court": 1_000_000, "province": 100_000_000, "country": 1_400_000_000}
SCOPE_FACTOR = {"court": 0.25, "province": 1.0, "country": 4.0}


def masked_coincidence(name: str, pattern: str, courts: list[str]) -> float:
    """How many people other than the one meant are expected to carry
    ``name`` and a number showing ``pattern``'s characters: the people it is
    looked for among (:data:`PEOPLE`) × the name's share
    (:func:`casegraph.names.name_share`) × the chance of each shown
    character after the region (19/20 of a century together 1 in 2; any
    other digit 1 in 10; a check character 1 in 11) × the courts' factor
    (:data:`SCOPE_FACTOR`).

    >>> f"{masked_coincidence('王文林', '63282219750***1812', ['北法']):.1e}"
    '1.3e-07'
    >>> masked_coincidence('王伟', '632822************', ['沪0113']) > 1
    True
    """
    courts = sorted(set(courts))
    coded = all(re.match(r"^.\d", c) for c in courts)  # 2016 court codes: the first character is the province
    scope = "court" if len(courts) == 1 else "province" if coded and len({c[0] for c in courts}) == 1 else "country"
    region = len(pattern) >= 15 and "*" not in pattern[:6]
    chance = name_share(name) * SCOPE_FACTOR[scope]
    shown = [i for i, c in enumerate(pattern) if c != "*" and i >= 6]
    for i in shown:
        if len(pattern) == 18 and i == 17:
            chance /= 11
        elif len(pattern) == 18 and i in (6, 7) and {6, 7} <= set(shown):
            chance /= 2 ** 0.5  # 19 or 20: the two together say 1 bit
        else:
            chance /= 10
    return PEOPLE["region" if region else "court" if scope == "court" else scope] * chance


def _same_name_masked_id(r: pd.DataFrame, taken: pd.Series) -> pd.DataFrame:
    """Persons of the same name whose masked IDs agree wherever both show a
    character are one person, when a coincidence is unlikely: with ``λ``
    namesakes expected to show the same (:func:`masked_coincidence`), the
    records link if ``1 / (1 + λ)`` is at least :data:`PAIR_CONFIDENCE`.
    Masks of one name that cannot all be one number (they disagree
    somewhere) link only with an identical mask; an anonymised name (张某)
    never links. What is not linked stays for review (candidates.csv).
    The key holds the name and the masks' shown characters, nothing more."""
    out = _no_keys(r)
    cand = taken.isna() & (r["kind"] == C.PERSON) & (r["id_status"] == MASKED) & _named(r)
    if cand.sum() < 2:
        return out
    rec = pd.DataFrame({"name": r.loc[cand, "name_norm"].to_numpy(), "mask": r.loc[cand, "id_masked"].to_numpy(),
                        "court": court_code(r.loc[cand, "case_no"]).to_numpy()}, index=r.index[cand.to_numpy()])
    rec = rec[rec["name"].duplicated(keep=False)]
    distinct = rec.drop_duplicates(["name", "mask"])
    # Each distinct (name, mask) to the pattern of the person it belongs to:
    # the masks of a name that agree merged into one; where they disagree,
    # only the identical mask. Over all names at once.
    comp = pd.factorize(distinct["name"])[0]
    bad = np.isin(comp, disagreeing_masks(pd.DataFrame({"comp": comp, "mask": distinct["mask"].to_numpy()})))
    pattern = distinct["mask"].to_numpy(dtype=object).copy()
    good = ~bad
    if good.any():
        pattern[good] = _merged_per(comp[good], distinct["mask"][good])
    pattern_of = dict(zip(zip(distinct["name"], distinct["mask"]), pattern))
    rec["pattern"] = [pattern_of[(n, m)] for n, m in zip(rec["name"], rec["mask"])]
    per = rec.groupby(["name", "pattern"], sort=False)
    size = per["mask"].transform("size")
    rec = rec[size >= 2]
    if rec.empty:
        return out
    people = rec.groupby(["name", "pattern"], sort=False).agg(courts=("court", lambda c: sorted(set(c) - {""})),
                                                              masks=("mask", lambda m: sorted(set(m))))
    likely = {k for k, c, m in zip(people.index, people["courts"], people["masks"])
              if 1 / (1 + masked_coincidence(k[0], _shown_by_all(m, k[1]), c)) >= PAIR_CONFIDENCE}
    rec = rec[np.array([k in likely for k in zip(rec["name"], rec["pattern"])], dtype=bool)]
    out.loc[rec.index, "key"] = ("masked:" + rec["name"] + "\t" + rec["pattern"]).to_numpy()
    out.loc[rec.index, "shown"] = (rec["name"] + "|" + rec["pattern"]).to_numpy()
    return out


def _merged_per(comp: np.ndarray, masks: pd.Series) -> np.ndarray:
    """For masks that agree within each group ``comp`` (and are of one
    length there), each mask's group merged into one: every character any
    of them shows.

    >>> _merged_per(np.array([0, 0, 1]), pd.Series(["12**", "*2*4", "9***"])).tolist()
    ['12*4', '12*4', '9***']
    """
    chars = _chars(masks).copy()
    star = ord("*")
    chars[chars == star] = 0
    merged = pd.DataFrame(chars).groupby(comp).max().to_numpy().copy()
    merged[merged == 0] = star
    out = merged[pd.Index(np.unique(comp)).get_indexer(comp)]
    n = masks.str.len().to_numpy()
    return np.array([row[:k].tobytes().decode("utf-32-le") for row, k in zip(out.astype("<u4"), n)], dtype=object)


def _shown_by_all(masks: list[str], pattern: str) -> str:
    """The characters every mask of a person shows (what a namesake must match)."""
    if len({len(m) for m in masks}) != 1:
        return pattern
    return "".join(chars[0] if len(set(chars)) == 1 else "*" for chars in zip(*masks))


def _same_name_pair(r: pd.DataFrame, taken: pd.Series, hub_threshold: int = C.Options().hub_threshold) -> pd.DataFrame:
    """Persons without a valid ID, of the same normalised name, facing the
    same counterparty (the same resolved party, or the same name) in cases
    of the same court: the parent back for child support again and again,
    the debtor pursued by the same creditor. Groups (court, name,
    counterparty) that share a record are one person; see :data:`RULES`.

    A group also holding identified persons of that name joins the one ID
    among them (never two: then it stays apart); masked IDs in a group must
    agree where both show a character; an anonymised name (张某) is neither
    a person here nor a counterparty; a mass applicant (a resolved party in
    more applicant cases than ``hub_threshold``) is no counterparty.

    Nor is a counterparty facing so many people in that court that two of
    them may well share the name: a company sued by thirty home buyers, two
    of them 王伟. With ``n`` people facing it, ``(n - 1) × u`` namesakes are
    expected among them (``u``: :func:`casegraph.names.name_share`); the
    group links only if that leaves the person who came back at least
    :data:`PAIR_CONFIDENCE` likely, given that one in ten people comes back
    (:data:`casegraph.find.candidates.REPEAT`'s value). Otherwise the
    records are offered for review.

    Once one side of a pair is linked, it is one resolved party facing the
    other: a second pass links the other side through it (the parent whose
    ex-spouse's name is too common to count by name alone), and the
    records of a name left over join the person of that name the first
    pass made, when exactly one faces the same counterparty.
    """
    keys, shown = np.full(len(r), None, dtype=object), np.full(len(r), None, dtype=object)
    now = polars_text(taken)  # what each record is taken by, in polars from pass to pass
    # What every pass asks of each record, worked out once.
    base = _pair_base(r)
    r = r[["case_no", "id_status", "id_masked"]]
    for _ in range(3):
        k = _pair_pass(r, now, hub_threshold, base)
        found = k["key"].to_numpy(dtype=object)
        new = np.flatnonzero(pd.notna(found) & now.is_null().to_numpy())
        if not len(new):
            break
        keys[new], shown[new] = found[new], k["shown"].to_numpy(dtype=object)[new]
        now = now.scatter(new, pl.Series(found[new].tolist(), dtype=pl.String))
    return pd.DataFrame({"key": keys, "shown": shown}, index=r.index)


def _pair_base(r: pd.DataFrame) -> pl.DataFrame:
    """The columns of the records every pass of :func:`_same_name_pair` reads."""
    named = _named(r).to_numpy()
    text = {c: polars_text(r[src]) for c, src in (("case_no", "case_no"), ("role", "role"), ("name", "name_norm"))}
    return pl.DataFrame({"i": np.arange(len(r)), **text, "court": court_codes(text["case_no"].to_arrow()),
                         "named": named, "named_person": named & (r["kind"] == C.PERSON).to_numpy()})


def polars_text(s: pd.Series) -> pl.Series:
    """A text column as polars text, missing values as null (pandas' Arrow
    text is handed over as it is, without a copy)."""
    if hasattr(s.array, "__arrow_array__"):
        return pl.from_arrow(s.array.__arrow_array__()).cast(pl.String)
    return pl.Series(pa.array(s.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True))


def _pair_pass(r: pd.DataFrame, taken: pl.Series, hub_threshold: int, base: pl.DataFrame) -> pd.DataFrame:
    """One pass of :func:`_same_name_pair` over the records not yet taken
    (``base``: each record's case, role, name, court, and whether it is a
    named person, from :func:`_pair_base`). The records are many and the
    pairs few: polars finds the pairs, pandas weighs them."""
    out = pd.DataFrame({"key": pd.Series(None, index=r.index, dtype=object),
                        "shown": pd.Series(None, index=r.index, dtype=object)})
    rec = base.with_columns(taken=taken).with_columns(
        subject=pl.col("named_person") & pl.col("taken").is_null(),
        # Persons already one party (by ID, or by a pair of an earlier pass) that others of their name may join.
        anchor=pl.col("named_person") & pl.col("taken").str.contains("^(?:id|pair|masked):").fill_null(False),
        # Each record as the other side sees it: its party's key, else its name.
        token=pl.when(pl.col("taken").is_not_null()).then(pl.col("taken"))
        .when(pl.col("named")).then(pl.lit("name:") + pl.col("name")))
    if not rec["subject"].any():
        return out
    sides = rec.filter(pl.col("token").is_not_null()).select("i", "case_no", "role", "name", "token")
    applied = (sides.filter((pl.col("role") == C.APPLICANT) & ~pl.col("token").str.starts_with("name:"))
               .unique(["case_no", "token"]).group_by("token").len())
    hubs = applied.filter(pl.col("len") > hub_threshold)["token"]
    sides = sides.filter(~pl.col("token").is_in(hubs.implode()))
    me = rec.filter(pl.col("subject") | pl.col("anchor")).select("i", "case_no", "role", "name", "court", "subject")
    # Only a (court, name) some record to link carries can make a group that
    # counts: the identified persons of every other name never pair here.
    me = me.join(me.filter("subject").select("court", "name").unique(), on=["court", "name"], how="semi",
                 maintain_order="left")
    pairs = me.join(sides.rename({"i": "j", "role": "cp_role", "name": "cp_name"}), on="case_no",
                    maintain_order="left_right")
    pairs = pairs.filter((pl.col("role") != pl.col("cp_role")) & (pl.col("court") != ""))
    if pairs.is_empty():
        return out
    pairs = pairs.with_columns(group=pl.col("court") + "\t" + pl.col("name") + "\t" + pl.col("token"))
    # A group is evidence only when it spans two cases and holds a record to link.
    g = pairs.group_by("group").agg(n_cases=pl.col("case_no").n_unique(), n_subjects=pl.col("subject").sum())
    g = g.filter((pl.col("n_cases") >= 2) & (pl.col("n_subjects") >= 1))["group"]
    pairs = pairs.filter(pl.col("group").is_in(g.implode()))
    pairs = pairs.filter(_not_by_chance(pairs, rec))
    pairs = pd.DataFrame({c: pairs[c].to_numpy() if pairs[c].dtype != pl.String else
                          pairs[c].to_pandas().to_numpy(dtype=object) for c in pairs.columns})
    subj = pairs[pairs["subject"]]
    if subj.empty:
        return out
    # Records sharing a group are one person: components of records and groups.
    rec_codes, rec_index = pd.factorize(subj["i"])
    grp_codes, grp_index = pd.factorize(subj["group"])
    size = len(rec_index) + len(grp_index)
    adj = coo_matrix((np.ones(len(subj), np.int8), (rec_codes, len(rec_index) + grp_codes)), shape=(size, size))
    label = connected_components(adj, directed=False)[1]
    comp_of_group = pd.Series(label[len(rec_index):], index=grp_index)
    members = pd.DataFrame({"i": rec_index.to_numpy(), "comp": label[:len(rec_index)]})
    # The parties of that name in a component's groups: one is joined, two keep it apart.
    anchors = pairs[~pairs["subject"]]
    ids = pd.DataFrame({"comp": comp_of_group.reindex(anchors["group"]).to_numpy(),
                        "id": taken.gather(anchors["i"].to_numpy()).to_numpy(),
                        "mask": r["id_masked"].iloc[anchors["i"].to_numpy()].to_numpy(dtype=object),
                        "case_no": anchors["case_no"].to_numpy()}).dropna(subset=["comp"])
    ids["comp"] = ids["comp"].astype(int)
    n_ids = ids.groupby("comp")["id"].nunique()
    one_id = ids[ids["comp"].map(n_ids) == 1].drop_duplicates("comp").set_index("comp")
    cases = pd.concat([pd.DataFrame({"comp": members["comp"], "case_no": r["case_no"].iloc[members["i"].to_numpy()].to_numpy(dtype=object)}),
                       ids[["comp", "case_no"]]]).groupby("comp")["case_no"].nunique()
    masked = r["id_status"].iloc[members["i"].to_numpy()].to_numpy(dtype=object) == MASKED
    masks = pd.concat([pd.DataFrame({"comp": members["comp"][masked],
                                     "mask": r["id_masked"].iloc[members["i"].to_numpy()[masked]].to_numpy(dtype=object)}),
                       one_id["mask"].rename_axis("comp").reset_index()], ignore_index=True)
    masks = masks[masks["mask"].fillna("") != ""]
    ok = (cases >= 2) & ~cases.index.isin(n_ids.index[n_ids.to_numpy() >= 2]) & ~cases.index.isin(disagreeing_masks(masks))
    members = members[members["comp"].isin(ok.index[ok.to_numpy()])]
    first = subj.assign(comp=label[rec_codes]).sort_values("group").drop_duplicates("comp").set_index("comp")
    key = ("pair:" + first["group"]).where(~first.index.isin(one_id.index), one_id["id"].reindex(first.index))
    cp = first["token"].str.extract(r"^(?:id|uscc):(.{12})", expand=False)
    shown = first["court"] + "|" + first["name"] + "|" + first["cp_name"] + ("|P" + cp).fillna("")
    rows = r.index[members["i"].to_numpy()]
    out.loc[rows, "key"] = key.reindex(members["comp"]).to_numpy()
    out.loc[rows, "shown"] = shown.reindex(members["comp"]).to_numpy()
    return out


# How likely a repeat pair must be one person who came back, not two namesakes.
PAIR_CONFIDENCE = 0.95
_COMES_BACK = 0.1


def _not_by_chance(pairs: pl.DataFrame, rec: pl.DataFrame) -> np.ndarray:
    """Which rows of ``pairs`` (record, court, name, counterparty token) are
    in groups whose counterparty faces few enough people in the court for
    the name to be unlikely twice (see :func:`_same_name_pair`)."""
    if pairs.is_empty():
        return np.zeros(0, bool)
    faced = rec.filter(pl.col("token").is_in(pairs["token"].unique().implode())).select("case_no", "role", "token",
                                                                                          "court")
    # Everyone facing those counterparties: by their party's key, or by name.
    others = (rec.filter(pl.col("case_no").is_in(faced["case_no"].unique().implode()))
              .select("case_no", my_role="role", me="token"))
    opp = faced.join(others, on="case_no").filter((pl.col("role") != pl.col("my_role")) & pl.col("me").is_not_null())
    n = opp.unique(["court", "token", "me"]).group_by(["court", "token"]).len()
    n_faced = (pairs.select("court", "token").join(n, on=["court", "token"], how="left", maintain_order="left")["len"]
               .fill_null(1).to_numpy())
    names = pairs["name"].to_numpy()
    shares = {name: name_share(name) for name in pd.unique(names)}
    expected = (n_faced - 1) * np.array([shares[x] for x in names], dtype=float)
    return _COMES_BACK / (_COMES_BACK + expected) >= PAIR_CONFIDENCE


def disagreeing_masks(masks: pd.DataFrame) -> pd.Index:
    """The groups (``comp``) whose masked IDs cannot be one number: other
    lengths, or other characters where both show one."""
    if masks.empty:
        return pd.Index([])
    comp = masks["comp"].to_numpy()
    lengths = pd.Series(masks["mask"].str.len().to_numpy()).groupby(comp).nunique()
    bad = set(lengths.index[lengths.to_numpy() > 1])
    # Per group and place, the least and the most character shown ("*" not
    # counted): two different ones where both show a character disagree.
    chars = _chars(masks["mask"]).astype(np.int64)
    shown = chars != ord("*")
    per = pd.DataFrame(np.where(shown, chars, np.nan)).groupby(comp)
    lo, hi = per.min().to_numpy(), per.max().to_numpy()
    differ = ((lo != hi) & ~np.isnan(lo)).any(axis=1)
    bad |= set(per.min().index[differ])
    return pd.Index(sorted(bad))


def _unidentified(r: pd.DataFrame, taken: pd.Series) -> pd.Series:
    return "record:" + r["record_key"]


RULES: tuple[Rule, ...] = (
    Rule("same_resident_id", "the same valid resident ID (GB 11643 check character)", _by_id(RIC, "id:")),
    Rule("same_credit_code", "the same valid unified social credit code (GB 32100 check character)", _by_id(USCC, "uscc:")),
    Rule("same_org_code", "a valid organisation code (GB 11714): the organisation of the one credit code holding it "
         "in positions 9-17, else of that code", _same_org_code),
    Rule("masked_credit_code", "a masked credit code whose shown characters agree with exactly one known code",
         _masked_credit_code),
    Rule("org_name_of_one_code", "an organisation without a valid code, named exactly as the one coded organisation of that name",
         _org_name_of_one_code),
    Rule("masked_id_and_name", "a masked ID whose visible characters agree with exactly one identified person of the same name",
         _masked_id_and_name),
    Rule("same_org_name", "an organisation without a valid code: the same normalised name", _same_org_name),
    Rule("same_name_masked_id", "persons of the same name whose masked IDs agree, where namesakes showing the same are "
         "unlikely (by the name's frequency, the characters shown, one court or region); never an anonymised name",
         _same_name_masked_id),
    Rule("same_name_pair", "a person without a valid ID, of the same name, facing the same counterparty in cases of "
         "the same court (the repeat pair); never an anonymised name, never through a mass applicant",
         _same_name_pair),
    Rule("unidentified", "no rule applies (no valid ID and no repeat pair; a person is never merged by name alone): "
         "a party of its own", _unidentified),
)


def rules_for(options: C.Options | None = None) -> tuple[Rule, ...]:
    """The rules of a run: the evidence rules ``options.rules`` names (all by
    default) and every other rule, in :data:`RULES`' order.

    >>> [r.name for r in rules_for(C.Options(rules=("same_org_name",)))]
    ['same_resident_id', 'same_credit_code', 'same_org_name', 'unidentified']
    >>> set(C.EVIDENCE_RULES) < {r.name for r in RULES}
    True
    """
    options = options or C.Options()
    unknown = sorted(set(options.rules) - set(C.EVIDENCE_RULES))
    if unknown:
        raise ValueError(f"no evidence rule {unknown[0]!r} (there are: {', '.join(C.EVIDENCE_RULES)})")
    out = []
    for rule in RULES:
        if rule.name in C.EVIDENCE_RULES and rule.name not in options.rules:
            continue
        if rule.keys is _same_name_pair:
            rule = Rule(rule.name, rule.why, functools.partial(_same_name_pair, hub_threshold=options.hub_threshold))
        out.append(rule)
    return tuple(out)




# A clerk's decisions as records (casegraph.decisions makes them): one row per
# record a decision names, with the decision's id, ``same`` or ``different``,
# the side the record is on (a ``different`` keeps its sides apart) and what
# party_records.csv shows as the key of a record the decision moved.
DECIDED_COLUMNS = ["decision_id", "decision", "side", "record_key", "shown"]


def no_decisions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=int if c == "side" else object) for c in DECIDED_COLUMNS})


@dataclass
class Resolved:
    """``records``: one row per party row, with ``party_id``, ``rule``, ``key``
    (masked); ``parties``: one row per resolved party; ``decided``: the
    clerk's decisions applied (:data:`DECIDED_COLUMNS`), ``problems`` the
    decisions that could not be, one line each."""

    records: pd.DataFrame
    parties: pd.DataFrame
    decided: pd.DataFrame = field(default_factory=no_decisions)
    problems: list = field(default_factory=list)


_KEY_PREFIX = {"same_resident_id": "id:", "masked_id_and_name": "id:", "same_credit_code": "uscc:",
               "org_name_of_one_code": "uscc:"}
CLERK_RULES = (C.CLERK_CONFIRMED, C.CLERK_KEPT_APART)


def resolve(parties: pd.DataFrame, rules: tuple[Rule, ...] | None = None, key: bytes | None = None,
            options: C.Options | None = None, decided: pd.DataFrame | None = None) -> Resolved:
    """Resolve clean party rows (from :func:`casegraph.normalise.normalise`),
    or records resolved before (columns ``id_key``, ``id_masked`` and
    ``record_key`` instead of ``id_canonical``), e.g. a database's records
    together with a newer export's, so that both are resolved as one.

    ``rules`` default to :func:`rules_for` ``(options)``; ``decided`` (see
    :data:`DECIDED_COLUMNS`) are applied after them, as :func:`settle` does.

    ``party_id`` is a keyed hash of the matching key: the same person gets
    the same id in every run and in both engines, and the id reveals no ID.
    """
    secret = key or secret_key()
    r = parties.copy(deep=False)  # copy-on-write: the caller's table is never changed, and never copied
    if "id_canonical" in r:
        ident = r["id_status"].isin(IDENTIFIED)
        canonical = r["id_canonical"]
        r["id_key"] = keyed_hash_column(canonical, secret, where=ident)
        c, status = polars_text(canonical), polars_text(r["id_status"])
        org = (status == ORG).fill_null(False).to_numpy()
        masked = pl.select(pl.when(pl.lit(ident.to_numpy() & ~org)).then(c.str.slice(0, 6) + "********" + c.str.slice(-4))
                           .when(status == MASKED).then(c).otherwise(pl.lit(""))).to_series()
        r["id_masked"] = text_series(masked.to_arrow(), r.index)
        if org.any():
            r.loc[org, "id_masked"] = canonical[org].map(mask)
        _org_columns(r, c, status, secret)
        r = r.drop(columns=["id_canonical"])  # from here on, only the keyed hash and the masked form
        # A record's identity that survives re-exports (row numbers do not);
        # pandas' row hash has a fixed key, so it is the same in every run.
        content = r[["case_no", "role", "name_norm", "id_status"]].assign(
            case_no=text_series(arrow_text(r["case_no"]), r.index),  # Arrow text hashes each distinct value once, in C
            id=r["id_key"].where(ident, r["id_masked"]))
        hashed = pd.util.hash_pandas_object(content, index=False).to_numpy()
        r["record_key"] = hex_column(hashed.astype(">u8").view(np.uint8).reshape(-1, 8), "R").set_axis(r.index)
    # else: records kept earlier (the Neo4j engine's PartyRecord nodes) already
    # carry id_key, id_masked and record_key, and never the ID itself.
    for c in ("org_key", "org_mask"):  # records of a database loaded before organisation codes were read
        r[c] = r[c].fillna("") if c in r else ""
    r[_NAMED] = _named(r)
    taken = pd.Series(None, index=r.index, dtype=object)
    # Filled in as numpy arrays of Python objects: a rule's few new keys are
    # written in place, not through pandas' alignment of millions of rows.
    keys, rule_of, shown = (np.full(len(r), None, dtype=object) for _ in range(3))
    free = np.ones(len(r), dtype=bool)  # records no rule has taken yet
    for rule in rules_for(options) if rules is None else rules:
        k = rule.keys(r, taken)
        if isinstance(k, pd.DataFrame):
            k, why_shown = k["key"], k["shown"]
        else:
            why_shown = None
        new = free & k.notna().to_numpy(bool)
        free &= ~new
        k = k.to_numpy(dtype=object)
        keys[new] = k[new]
        rule_of[new] = rule.name
        if why_shown is not None:
            shown[new] = why_shown.to_numpy(dtype=object)[new]
        taken = pd.Series(keys, index=r.index, dtype=object, copy=True)
    r = r.drop(columns=[_NAMED])
    r["match_key"] = taken
    r["rule"] = pd.Series(rule_of, index=r.index, dtype=object)
    r["shown"] = pd.Series(shown, index=r.index, dtype=object)
    return _settled(r, decided, secret)


def _org_columns(r: pd.DataFrame, canonical: pl.Series, status: pl.Series, secret: bytes) -> None:
    """What an organisation's number says of its organisation code (GB 11714),
    kept beside the keyed hash: ``org_key``, the keyed hash of the code (of
    a credit code's positions 9-17, of an organisation code itself), and
    ``org_mask``, the code's first and last three (of a masked credit code,
    what it shows there)."""
    uscc, org = (status == USCC).fill_null(False), (status == ORG).fill_null(False)
    has = uscc | org
    code = pl.select(pl.when(org).then(canonical).when(uscc).then(canonical.str.slice(8, 9))
                     .otherwise(pl.lit(""))).to_series()
    r["org_key"] = keyed_hash_column(text_series(code.to_arrow(), r.index), secret, where=pd.Series(has.to_numpy(), r.index))
    shown = polars_text(r["id_masked"])
    masked_org = (status == MASKED) & pl.Series((r["kind"] != C.PERSON).to_numpy()) & (shown.str.len_chars() == 18)
    masked_org = masked_org.fill_null(False)
    code = pl.select(pl.when(has).then(code).when(masked_org).then(shown.str.slice(8, 9))
                     .otherwise(pl.lit(""))).to_series()
    org_mask = pl.select(pl.when(has | masked_org).then(code.str.slice(0, 3) + "***" + code.str.slice(6, 3))
                         .otherwise(pl.lit(""))).to_series()
    r["org_mask"] = text_series(org_mask.to_arrow(), r.index)


def settle(resolved: Resolved, decided: pd.DataFrame, key: bytes | None = None) -> Resolved:
    """A resolution by the rules alone (:func:`resolve` without ``decided``)
    with a clerk's decisions applied: ``same`` first, each linking the
    parties of its records (the moved records' rule is ``clerk_confirmed``),
    unless that would join two different ID numbers; then ``different``,
    each moving the records of a side that shares a party with another side
    to a party of their own (``clerk_kept_apart``). Keeping apart wins.
    """
    r = resolved.records
    if r["rule"].isin(CLERK_RULES).any():
        raise ValueError("settle() takes a resolution by the rules alone")
    return _settled(r.drop(columns=["party_id", "key"]), decided, key or secret_key())


def _settled(r: pd.DataFrame, decided: pd.DataFrame | None, secret: bytes) -> Resolved:
    decided = no_decisions() if decided is None else decided
    problems = _decide(r, decided) if len(decided) else []
    # One id per party, never per row: an identified party's id comes from the
    # keyed hash of its number; other keys are hashed here.
    match = polars_text(r["match_key"])
    kind = match.str.extract(r"^(id|uscc|org):", 1)
    identified = kind.is_not_null()
    keyed = polars_text(keyed_hash_column(text_series(match.to_arrow()), secret, "P", 12,
                                          where=pd.Series((~identified).to_numpy())))
    party_id = pl.select(pl.when(identified).then(pl.lit("P") + match.str.slice(kind.str.len_chars() + 1, 12))
                         .otherwise(keyed)).to_series()
    r["party_id"] = text_series(party_id.to_arrow(), r.index)
    party_table, party_mask = _parties(r, party_id, r["id_status"].isin(IDENTIFIED))
    # Why a record joined its party, shown without the number: the rule's key, masked.
    prefix = polars_text(r["rule"]).replace_strict(_KEY_PREFIX, default=None, return_dtype=pl.String)
    key = pl.select(pl.when(prefix.is_not_null()).then(prefix + party_mask)
                    .otherwise(polars_text(r["shown"]).fill_null(match))).to_series()
    r["key"] = text_series(key.to_arrow(), r.index)
    return Resolved(r, party_table, decided.reset_index(drop=True), problems)


def _parties(r: pd.DataFrame, party_id: pl.Series, ident: pd.Series) -> tuple[pd.DataFrame, pl.Series]:
    """One row per party (by party_id): its name and kind are what most of
    its records say (ties: the first in sort order), its masked ID what most
    of its identified records show, its rules those its records came by; and
    that masked ID for each record. In polars: millions of records, grouped
    by :func:`_party_number`."""
    # The rules a party's records came by, as bits: a few names, millions of parties.
    codes, rules = pd.factorize(r["rule"].to_numpy(dtype=object), use_na_sentinel=False)
    rules = [str(x) for x in rules]
    names = sorted(set(rules))
    bit = np.array([names.index(x) for x in rules], dtype=np.int64)
    rec = pl.DataFrame({"pk": _party_number(party_id), "party_id": party_id, "name": polars_text(r["name"]),
                        "kind": polars_text(r["kind"]), "id_masked": polars_text(r["id_masked"]).fill_null(""),
                        "rule": np.left_shift(1, bit[codes]), "ident": ident.to_numpy(bool)},
                       schema_overrides={"party_id": pl.String, "name": pl.String, "kind": pl.String,
                                         "id_masked": pl.String, "rule": pl.Int64, "ident": pl.Boolean})
    joined = {b: LIST_SEP.join(n for i, n in enumerate(names) if b >> i & 1) for b in range(1, 1 << len(names))}
    # Most parties have one record, which says everything; count only for the others.
    many = rec["pk"].is_duplicated()
    one = rec.filter(~many).select("pk", "party_id", "name", "kind",
                                   pl.when("ident").then("id_masked").otherwise(pl.lit("")).alias("id_masked"),
                                   n_records=pl.lit(1, pl.Int64), rules="rule")
    rec_many = rec.filter(many)
    counted = (rec_many.group_by("pk").agg(party_id=pl.col("party_id").first(), n_records=pl.len().cast(pl.Int64),
                                           rules=pl.col("rule").bitwise_or())
               .join(_mode(rec_many, "name"), on="pk").join(_mode(rec_many, "kind"), on="pk")
               .join(_mode(rec_many.filter("ident"), "id_masked"), on="pk", how="left")
               .with_columns(pl.col("id_masked").fill_null("")))
    cols = ["party_id", "name", "kind", "id_masked", "n_records", "rules"]
    table = pl.concat([one.select("pk", *cols), counted.select("pk", *cols)]).sort("pk").with_columns(
        pl.col("rules").replace_strict(joined, return_dtype=pl.String))
    per_record = rec.select("pk").join(table.select("pk", "id_masked"), on="pk", how="left",
                                       maintain_order="left")["id_masked"]
    parties = pd.DataFrame({c: table[c].to_numpy() if table[c].dtype == pl.Int64 else table[c].to_pandas() for c in cols})
    return parties, per_record


def _party_number(ids: pl.Series) -> pl.Series:
    """Party ids as something to group, join and sort by in their order:
    ids are ``P`` and 12 hex digits, whose order is that of the 48-bit
    numbers they spell (faster than text); ids of another form stay text.

    >>> _party_number(pl.Series(["P00000000000b", "P00000000000a"])).to_list()
    [11, 10]
    >>> _party_number(pl.Series(["Px", "P1"])).to_list()
    ['Px', 'P1']
    """
    if not ids.str.contains(r"^P[0-9a-f]{12}$").all():
        return ids
    return ids.str.slice(1).str.to_integer(base=16)


def _mode(rec: pl.DataFrame, col: str) -> pl.DataFrame:
    """The most frequent ``col`` of each party (ties: the smallest)."""
    counts = rec.group_by("pk", col).len()
    return (counts.sort(["pk", "len", col], descending=[False, True, False])
            .unique("pk", keep="first", maintain_order=True).select("pk", col))


def _decide(r: pd.DataFrame, decided: pd.DataFrame) -> list[str]:
    """Apply ``decided`` to the records' match keys in place (see
    :func:`settle`); the decisions that could not be applied, one line each.
    Decisions are few (a clerk's): plain Python over them, pandas over records."""
    problems = []
    named = r[r["record_key"].isin(set(decided["record_key"]))]
    key_of = dict(zip(named["record_key"], named["match_key"]))
    parent: dict[str, str] = {}  # a party's key -> the key of the party it was linked into
    shown_of: dict[str, str] = {}

    def root(k: str) -> str:
        while k in parent:
            k = parent[k]
        return k

    for did, rows in decided[decided["decision"] == C.SAME].groupby("decision_id", sort=False):
        keys = {root(key_of[k]) for k in rows["record_key"] if k in key_of}
        numbered = sorted(k for k in keys if k.startswith(("id:", "uscc:", "org:")))
        if len(numbered) > 1:
            problems.append(f"{did}: not linked: its records carry {len(numbered)} different ID numbers")
            continue
        top = numbered[0] if numbered else min(keys, default="")
        for k in keys - {top}:
            parent[k] = top
            shown_of[k] = rows["shown"].iloc[0]
    mk = r["match_key"]
    linked = mk.isin(parent.keys())
    if linked.any():
        r.loc[linked, "match_key"] = mk[linked].map(root)
        r.loc[linked, "rule"] = C.CLERK_CONFIRMED
        r.loc[linked, "shown"] = mk[linked].map(shown_of)
    final = {k: root(v) for k, v in key_of.items()}
    apart: dict[str, tuple[str, str]] = {}  # record_key -> (its own key, shown)
    for did, rows in decided[decided["decision"] == C.DIFFERENT].groupby("decision_id", sort=False):
        sides = [(side, [k for k in grp["record_key"] if k in final]) for side, grp in rows.groupby("side")]
        used: set[str] = set()
        for side, keys in sorted(sides, key=lambda s: (-len(s[1]), s[0])):
            mine = {final[k] for k in keys}
            if mine & used:
                mine = {f"apart:{did}:{side}"}
                for k in keys:
                    final[k] = f"apart:{did}:{side}"
                    apart[k] = (final[k], rows["shown"].iloc[0])
            used |= mine
    if apart:
        rk = r["record_key"]
        kept = rk.isin(apart.keys())
        r.loc[kept, "match_key"] = rk[kept].map(lambda k: apart[k][0])
        r.loc[kept, "rule"] = C.CLERK_KEPT_APART
        r.loc[kept, "shown"] = rk[kept].map(lambda k: apart[k][1])
    return problems


def why(resolved: Resolved, party_id: str) -> pd.DataFrame:
    """The records of one party and the rule that put each there.

    Example::

        why(resolved, "P1a2b3c4d5e6f")[["case_no", "name", "rule", "key"]]
    """
    cols = ["source", "row", "case_no", "role", "name", "id_masked", "party_id", "rule", "key"]
    rec = resolved.records.assign(source="parties")
    return rec.loc[rec["party_id"] == party_id, cols].reset_index(drop=True)
