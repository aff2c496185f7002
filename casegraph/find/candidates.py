"""Candidates for review (``candidates.csv``): groups of parties that may be
one, which no rule linked, weighed for a clerk to decide (:mod:`casegraph.decisions`).

Three kinds:

* ``person``: persons of the same name of whom at most one holds a valid ID
  number (the debtor without ID pursued by different creditors, the same
  name in several courts). Masked IDs that disagree are never in one
  candidate; anonymised names (张某) never are.
* ``org_variant``: organisations whose names differ only in their form or
  brackets (有限公司 / 有限责任公司 / 股份有限公司, ``（上海）``), at most one
  of them with a credit code.
* ``branch``: a branch (…分公司, …支行) and the organisation it is named after.

Mass applicants (more applicant cases than the hub threshold: a bank) are
never candidates: they are known, and their names say nothing about who
they sue.

How strong a person candidate is, Splink's way (term-frequency adjustment):
the rarer the name, the likelier its records are one person. A name's
frequency ``u`` is the largest of three estimates (:func:`frequencies`):
its share among the persons the data tells apart by their ID numbers (its
namesakes: identified persons of that name outside the candidate); its
surname's share times its given name's share among the data's persons
(Splink weighs surname and first name each by its own frequency), the
candidate's own parties left out so that a person's repeat cases do not
make their name look common; and its share in the population, estimated
from its shape (:func:`name_share`: the surname's share, and about 1 in 300
for a one-character given name, 1 in 3,000 for two; Splink's
``tf_minimum_u_value``). Among the people a court's parties come from
(:data:`POOL`, or the persons in the data if more), ``E = pool × u`` people
are expected to carry it. The odds that the ``k`` parties are one person
who came back rather than ``k`` namesakes are ``k! · ρ^(k−1) / E^(k−1)``
(``ρ`` = :data:`REPEAT`, the share of people who come back), times a factor
per piece of evidence: all cases in one court (×4), cases in different
provinces (×¼), masked IDs agreeing on their region digits (×8), a
counterparty shared by two of them (×4). ``strength`` is the probability,
rounded to 2 places. 欧阳振华 in three cases is strong; 王伟 in three cases
is weak.

Organisations: a name variant starts at 0.8, a branch at 0.5, and a shared
counterparty multiplies the odds by 4.

Both engines hand :func:`select` their parties and :func:`weigh` the
records and roles of the selected ones (the embedded engine through
:func:`find`, Neo4j through ``cypher/candidates_*.cypher``), so both give
the same rows; ``candidate_id`` derives from the member records' content
(case, role, name), so it is the same in every run on the same data.

>>> from casegraph.graph import from_rows
>>> no = "（2024）沪0113执{}号".format
>>> g = from_rows(cases=[(no(i), "民间借贷纠纷", 1000) for i in (1, 2, 3, 4, 5, 6)],
...               parties=[(no(1), "申请执行人", "上海甲有限公司"), (no(1), "被执行人", "欧阳振华"),
...                        (no(2), "申请执行人", "上海乙有限公司"), (no(2), "被执行人", "欧阳振华"),
...                        (no(3), "申请执行人", "上海丙有限公司"), (no(3), "被执行人", "王伟"),
...                        (no(4), "申请执行人", "上海丁有限公司"), (no(4), "被执行人", "王伟"),
...                        (no(5), "申请执行人", "上海戊有限公司"), (no(5), "被执行人", "张某"),
...                        (no(6), "申请执行人", "上海己有限公司"), (no(6), "被执行人", "张某")])
>>> c = find(g)
>>> c[["kind", "names", "n_cases", "strength"]].values.tolist()
[['person', '欧阳振华', 2, 0.98], ['person', '王伟', 2, 0.03]]
>>> c.at[1, "evidence"]
'2 persons named 王伟, none with a valid ID number, in 2 cases (debtor 2, applicant 0); the name is common: about 24 people of this name among 100,000; all cases in 沪0113'
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import polars as pl

from casegraph import contract as C
from casegraph.cells import content_id, join_per_group
from casegraph.columns import is_in
from casegraph.find.finish import Finish
from casegraph.names import name_share, split_name
from casegraph.normalise.caseno import court_code
from casegraph.resolve import ANONYMISED, disagreeing_masks

# The people a court's parties are drawn from: a district's litigants over
# the years, not only those of one export (a small export would make every
# name look rare).
POOL = 100_000
# The share of people who come back to the court in another case.
REPEAT = 0.1
FACTOR = {"one_court": 4.0, "provinces": 0.25, "region": 8.0, "counterparty": 4.0}
ORG_ODDS = {"org_variant": 4.0, "branch": 1.0}

KINDS = ("person", "org_variant", "branch")
# Company forms that name the same company; bracketed places (（上海）) too:
# (pattern, replacement, whether the pattern is a regex). Patterns as text,
# so that pandas replaces them in Arrow.
_FORMS = (("有限责任公司", "有限公司", False), ("股份有限公司", "有限公司", False), (r"\([^()]*\)", "", True))
# A branch named after its parent: 上海甲有限公司宝山分公司, 某银行股份有限公司宝山支行.
_BRANCH_WORDS = "分公司|支行|分行|营业部|分理处|办事处"
_BRANCH = re.compile(rf"^(.+?(?:公司|银行|集团))(.+?)({_BRANCH_WORDS})$")

finish = Finish("candidates", (("strength", False), ("n_cases", False), ("candidate_id", True)), ints=("n_cases",),
                yuan=(), sets=("case_nos", "names"))


def frequencies(names: pd.DataFrame, wanted: pd.DataFrame) -> pd.Series:
    """``u`` of each wanted name (see the module docstring). ``names``: the
    person parties of the data by name (``name``, ``n`` parties,
    ``identified`` of them with a valid ID); ``wanted``: ``name``, ``k`` (the
    candidate's parties) and ``namesakes``; indexed like ``wanted``.

    >>> names = pd.DataFrame({"name": ["王伟", "王芳", "李伟", "欧阳振华"], "n": [40, 30, 20, 3], "identified": [30, 30, 20, 0]})
    >>> u = frequencies(names, pd.DataFrame({"name": ["王伟", "欧阳振华"], "k": [3, 3], "namesakes": [27, 0]}))
    >>> [f"{x:.1e}" for x in u]
    ['4.4e-01', '1.7e-07']
    """
    named = names[~names["name"].str.contains(ANONYMISED)]
    persons, identified = int(named["n"].sum()), int(named["identified"].sum())
    parts = pd.DataFrame([split_name(n) for n in named["name"]], columns=["surname", "given"], index=named.index)
    per_surname = named["n"].groupby(parts["surname"]).sum()
    per_given = named["n"].groupby(parts["given"]).sum()
    mine = pd.DataFrame([split_name(n) for n in wanted["name"]], columns=["surname", "given"], index=wanted.index)
    k = wanted["k"].to_numpy()
    if persons:
        sur = (per_surname.reindex(mine["surname"]).fillna(0).to_numpy() - k).clip(0) / persons
        giv = (per_given.reindex(mine["given"]).fillna(0).to_numpy() - k).clip(0) / persons
        parts_u = np.where(mine["surname"] != "", sur * giv, 0.0)
    else:
        parts_u = np.zeros(len(wanted))
    told_apart = wanted["namesakes"].to_numpy() / identified if identified else np.zeros(len(wanted))
    shape = np.array([name_share(n) for n in wanted["name"]])
    return pd.Series(np.maximum.reduce([shape, told_apart, parts_u]), index=wanted.index)


def names_key(names: pd.Series) -> pd.Series:
    """Names as they are compared: without spaces."""
    return names.fillna("").astype(str).str.replace(" ", "", regex=False)


def loose_name(names: pd.Series) -> pd.Series:
    """An organisation's name without what varies between spellings of it.

    >>> loose_name(pd.Series(["上海甲贸易有限责任公司", "上海甲贸易(上海)有限公司", "上海甲贸易股份有限公司"])).tolist()
    ['上海甲贸易有限公司', '上海甲贸易有限公司', '上海甲贸易有限公司']
    """
    out = names_key(names)
    for pattern, repl, regex in _FORMS:
        out = out.str.replace(pattern, repl, regex=regex)
    return out


def select(parties: pd.DataFrame, options: C.Options | None = None) -> pd.DataFrame:
    """The groups of parties that may be one: ``group``, ``kind``,
    ``party_id``, ``name``, ``identified``, ``namesakes`` (identified persons
    of the name left out), ``parent`` (a branch's parent). ``parties``:
    party_id, name, kind, id_masked, n_applied (applicant cases); every
    party, or at least every person sharing a name with another person and
    every organisation.

    >>> parties = pd.DataFrame({"party_id": ["P1", "P2", "P3", "P4"], "name": ["王伟", "王伟", "上海甲有限公司", "上海甲有限公司宝山分公司"],
    ...                         "kind": ["自然人", "自然人", "法人", "非法人组织"], "id_masked": "", "n_applied": 0})
    >>> select(parties)[["kind", "party_id"]].values.tolist()
    [['branch', 'P3'], ['branch', 'P4'], ['person', 'P1'], ['person', 'P2']]
    """
    options = options or C.Options()
    cols = ["group", "kind", "party_id", "name", "identified", "namesakes", "parent"]
    p = parties.reset_index(drop=True)
    p = p.assign(identified=p["id_masked"].fillna("") != "", key=names_key(p["name"]))
    ok = ((p["n_applied"].fillna(0) <= options.hub_threshold) & ~p["name"].fillna("").str.contains(ANONYMISED)).to_numpy()
    is_person, identified = (p["kind"] == C.PERSON).to_numpy(), p["identified"].to_numpy()
    # Whole columns are counted, and only the rows chosen taken.
    at = np.flatnonzero(ok & is_person)
    n, n_id = _per_key(p["key"].iloc[at], identified[at])
    # A name nobody else has groups nobody; one identified person of the name
    # may be the others without an ID, two tell nothing apart.
    keep = (n >= 2) & (~identified[at] | (n_id == 1))
    person = p.iloc[at[keep]]
    person = person.assign(group="person\t" + person["key"], kind="person", parent="",
                           namesakes=np.where(n_id[keep] == 1, 0, n_id[keep]))
    at = np.flatnonzero(ok & ~is_person)
    exact = p["key"].iloc[at]
    loose = loose_name(exact)
    n, n_id = _per_key(loose, identified[at])
    # So too for organisations' names; of a name those without a code are
    # kept, and the one with a code if it is alone: a name kept once is
    # nobody's variant.
    keep = (~identified[at] | (n_id == 1)) & (n - n_id + (n_id == 1) >= 2)
    variant = p.iloc[at[keep]].assign(key=loose[keep])
    variant = variant.assign(group="org_variant\t" + variant["key"], kind="org_variant", parent="", namesakes=0)
    maybe = exact[exact.str.contains(_BRANCH_WORDS)]  # the few names that can be a branch's
    parent = maybe.str.extract(_BRANCH, expand=True)[0].dropna()
    named = exact[is_in(exact, parent)].value_counts()
    parent = parent[parent.map(named).eq(1)]  # one organisation of that name: the parent
    children = p.loc[parent.index].assign(parent=parent)
    held = exact[is_in(exact, children["parent"])]
    dad = p.loc[held.index, ["party_id", "identified"]].assign(parent=held)
    both = children.merge(dad, on="parent", suffixes=("", "_parent"))
    both = both[~(both["identified"] & both["identified_parent"])]
    pairs = pd.concat([both[["party_id", "name", "identified", "parent"]].assign(group="branch\t" + names_key(both["name"])),
                       pd.DataFrame({"party_id": both["party_id_parent"], "name": both["parent"],
                                     "identified": both["identified_parent"], "parent": both["parent"],
                                     "group": "branch\t" + names_key(both["name"])})], ignore_index=True)
    pairs = pairs.assign(kind="branch", namesakes=0).drop_duplicates(["group", "party_id"])
    out = pd.concat([g.reindex(columns=cols) for g in (person, variant, pairs)], ignore_index=True)
    out = out[_groups_worth_a_look(out, "group")]
    return out.sort_values(["group", "party_id"]).reset_index(drop=True)[cols] if len(out) else pd.DataFrame(columns=cols)


def _per_key(keys: pd.Series, identified: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row: how many rows share its key, and how many of them are identified."""
    codes, distinct = pd.factorize(keys, use_na_sentinel=False)
    n, n_id = np.bincount(codes, minlength=len(distinct)), np.bincount(codes[identified], minlength=len(distinct))
    return n[codes], n_id[codes]


def _groups_worth_a_look(rows: pd.DataFrame, by: str) -> pd.Series:
    """Rows of the groups (column ``by``) with two parties or more, one at least without an ID number."""
    size = rows.groupby(by)["party_id"].transform("nunique")
    unnumbered = (~rows["identified"].astype(bool)).groupby(rows[by]).transform("max")
    return (size >= 2) & unnumbered.astype(bool)


def weigh(selected: pd.DataFrame, records: pd.DataFrame, sides: pd.DataFrame, names: pd.DataFrame,
          apart: pd.DataFrame | None = None, options: C.Options | None = None, members: bool = False):
    """The candidates of ``selected`` (:func:`select`), finished as
    candidates.csv. ``records``: party_id, case_no, role, name_norm,
    id_status, id_masked of (at least) the selected parties; ``sides``:
    case_no, role, party_id, name, kind, id_masked, n_applied of every party
    of their cases; ``names``: the data's person parties by name (see
    :func:`frequencies`); ``apart``: decision_id, side, party_id of the clerk's
    ``different`` decisions (a candidate whose parties were all kept apart
    is not offered again). With ``members``: also (candidate_id, party_id)
    of every candidate."""
    options = options or C.Options()
    if selected.empty:
        return (finish(pd.DataFrame()), _no_members()) if members else finish(pd.DataFrame())
    sel = _split_masks(selected, records)
    rec = records[is_in(records["party_id"], sel["party_id"])]
    rec = rec.drop_duplicates(["party_id", "case_no", "role", "name_norm", "id_status", "id_masked"])
    m = sel[["cand", "party_id"]].merge(rec, on="party_id")
    m["court"] = court_code(m["case_no"])
    first = sel.drop_duplicates("cand").set_index("cand")
    out = pd.DataFrame({"cand": first.index, "kind": first["kind"].to_numpy()})
    content = m["case_no"] + "|" + m["role"] + "|" + m["name_norm"]
    joined = join_per_group(m["cand"], content).reindex(out["cand"])
    out["candidate_id"] = [content_id("C", f"{k}|{c}") for k, c in zip(out["kind"], joined)]
    out["names"] = join_per_group(sel["cand"], sel["name"]).reindex(out["cand"]).to_numpy()
    out["case_nos"] = join_per_group(m["cand"], m["case_no"]).reindex(out["cand"]).to_numpy()
    out["n_cases"] = m.groupby("cand")["case_no"].nunique().reindex(out["cand"]).fillna(0).astype(int).to_numpy()
    cand = out["cand"]
    k = sel.groupby("cand")["party_id"].nunique().reindex(cand)
    courts = _lists(m.loc[m["court"] != "", ["cand", "court"]])
    roles = m.drop_duplicates(["cand", "case_no", "role"]).groupby(["cand", "role"]).size().unstack(fill_value=0)
    roles = roles.reindex(index=cand, columns=[C.DEBTOR, C.APPLICANT], fill_value=0)
    numbered = set(sel.loc[sel["identified"].astype(bool), "cand"])
    person = (out["kind"] == "person").to_numpy()
    wanted = pd.DataFrame({"name": names_key(first["name"]).reindex(cand).to_numpy(), "k": k.to_numpy(),
                           "namesakes": first["namesakes"].reindex(cand).to_numpy()})
    pool = max(int(names["n"].sum()), POOL)
    expected = np.zeros(len(out))
    expected[person] = pool * frequencies(names, wanted[person]).to_numpy()
    facts = zip(out["kind"], first["name"].reindex(cand), k, out["n_cases"], out["names"], expected,
                first["namesakes"].reindex(cand), [c in numbered for c in cand], roles[C.DEBTOR], roles[C.APPLICANT],
                courts.reindex(cand), _region(m, sel).reindex(cand), _shared_counterparty(m, sides, options).reindex(cand))
    evidence, strength = zip(*(_weigh_one(*f, pool) for f in facts)) if len(out) else ((), ())
    out["evidence"], out["strength"] = list(evidence), list(strength)
    out = out[~out["cand"].isin(_kept_apart(sel, apart))]
    if not members:
        return finish(out)
    ids = sel[["cand", "party_id"]].merge(out[["cand", "candidate_id"]], on="cand")
    return finish(out), ids[["candidate_id", "party_id"]].drop_duplicates().reset_index(drop=True)


def _weigh_one(kind, name, k, n_cases, names, expected, namesakes, numbered, n_deb, n_app, courts, region,
               counterparty, pool) -> tuple[str, float]:
    """One candidate's evidence, in words, and strength (see the module docstring)."""
    says = []
    if kind == "person":
        odds = math.lgamma(k + 1) + (k - 1) * (math.log(REPEAT) - math.log(expected))
        says.append(f"{k} persons named {name}, {'one' if numbered else 'none'} with a valid ID number, in {n_cases} "
                    f"cases (debtor {n_deb}, applicant {n_app})")
        rarity = "rare" if expected < 0.1 else "uncommon" if expected < 1 else "common"
        says.append(f"the name is {rarity}: about {expected:.2g} people of this name among {pool:,}"
                    + (f", {int(namesakes)} namesakes with other ID numbers in the data" if namesakes else ""))
        where = courts if isinstance(courts, list) else []
        provinces = sorted({c[0] for c in where if re.match(r"^.\d", c)})
        if len(where) == 1 and n_cases >= 2:
            odds += math.log(FACTOR["one_court"])
            says.append(f"all cases in {where[0]}")
        elif len(provinces) > 1:
            odds += math.log(FACTOR["provinces"])
            says.append(f"cases in {len(provinces)} provinces ({', '.join(provinces)})")
        elif len(where) > 1:
            says.append(f"cases in {len(where)} courts ({', '.join(where)})")
        if isinstance(region, str):
            odds += math.log(FACTOR["region"])
            says.append(f"masked ID numbers agree on region {region}")
    elif kind == "branch":
        odds = math.log(ORG_ODDS[kind])
        says.append(f"{names.replace(C.LIST_SEP, ' and ')}: a branch and the organisation it is named after, "
                    f"in {n_cases} cases")
    else:
        odds = math.log(ORG_ODDS[kind])
        says.append(f"{k} organisations whose names differ only in form or brackets "
                    f"({names.replace(C.LIST_SEP, ' / ')}), in {n_cases} cases")
    if isinstance(counterparty, str):
        odds += math.log(FACTOR["counterparty"])
        says.append(f"two of them face {counterparty}")
    return "; ".join(says), round(1 / (1 + math.exp(-min(max(odds, -700), 700))), 2)


def _lists(pairs: pd.DataFrame) -> pd.Series:
    """The sorted distinct values (second column) of each key (first column), as lists, by key."""
    pairs = pairs.drop_duplicates().sort_values(list(pairs.columns))
    keys, values = pairs.iloc[:, 0].to_numpy(), pairs.iloc[:, 1].to_numpy(dtype=object)
    cut = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    if not len(keys):
        return pd.Series(dtype=object)
    return pd.Series([v.tolist() for v in np.split(values, cut)], index=keys[np.r_[0, cut]], dtype=object)


def _no_members() -> pd.DataFrame:
    return pd.DataFrame({"candidate_id": pd.Series(dtype=object), "party_id": pd.Series(dtype=object)})


def _split_masks(selected: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """``selected`` with ``cand``, its candidate: a person group whose masked
    ID numbers disagree is split by them (each mask with its own holders,
    those without a mask apart), keeping the pieces of two or more."""
    masks = records[records["id_status"].isin(["masked", "resident_id"]) & (records["id_masked"].fillna("") != "")]
    best = (masks.assign(stars=masks["id_masked"].str.count(r"\*")).sort_values(["party_id", "stars", "id_masked"])
            .drop_duplicates("party_id").set_index("party_id")["id_masked"])
    sel = selected.assign(mask=selected["party_id"].map(best).astype(object).fillna("").to_numpy())
    person = sel["kind"] == "person"
    shown = sel[person & (sel["mask"] != "")]
    bad = set(disagreeing_masks(pd.DataFrame({"comp": shown["group"], "mask": shown["mask"]})))
    split = person & sel["group"].isin(bad)
    sel["cand"] = sel["group"].where(~split, sel["group"] + "\t" + sel["mask"])
    return sel[_groups_worth_a_look(sel, "cand")].reset_index(drop=True)


def _shared_counterparty(m: pd.DataFrame, sides: pd.DataFrame, options: C.Options) -> pd.Series:
    """By candidate: the name of a counterparty (not a mass applicant) that
    two of its parties face; an unidentified person counts by name."""
    if sides.empty or m.empty:
        return pd.Series(dtype=object)
    other = m[["cand", "party_id", "case_no", "role"]].merge(
        sides.rename(columns={"party_id": "cp", "role": "cp_role", "name": "cp_name"}), on="case_no")
    other = other[(other["role"] != other["cp_role"]) & (other["n_applied"].fillna(0) <= options.hub_threshold)
                  & ~other["cp_name"].fillna("").str.contains(ANONYMISED)]
    unnamed = (other["kind"] == C.PERSON) & (other["id_masked"].fillna("") == "")
    other = other.assign(token=np.where(unnamed, "name:" + names_key(other["cp_name"]), "party:" + other["cp"]))
    n = other.groupby(["cand", "token"])["party_id"].nunique()
    two = n[n >= 2].reset_index()
    if two.empty:
        return pd.Series(dtype=object)
    names = other.drop_duplicates(["cand", "token"]).set_index(["cand", "token"])["cp_name"]
    two["cp_name"] = names.reindex(pd.MultiIndex.from_frame(two[["cand", "token"]])).to_numpy()
    return two.sort_values(["cand", "cp_name"]).drop_duplicates("cand").set_index("cand")["cp_name"]


def _region(m: pd.DataFrame, sel: pd.DataFrame) -> pd.Series:
    """By candidate: the region digits (first six) that the masked ID
    numbers of two or more of its parties show alike."""
    masks = sel[sel["mask"].str.match(r"^\d{6}")]
    per = masks.assign(region=masks["mask"].str.slice(0, 6)).groupby("cand")
    n, regions = per["party_id"].nunique(), per["region"].nunique()
    ok = n[(n >= 2) & (regions.reindex(n.index) == 1)].index
    return masks[masks["cand"].isin(ok)].drop_duplicates("cand").set_index("cand")["mask"].str.slice(0, 6)


def _kept_apart(sel: pd.DataFrame, apart: pd.DataFrame | None) -> set:
    """The candidates every two of whose parties a clerk kept apart."""
    if apart is None or apart.empty:
        return set()
    sides = apart.drop_duplicates(["decision_id", "side", "party_id"])
    touched = sel[sel["party_id"].isin(set(sides["party_id"]))]
    out = set()
    for cand, grp in sel[sel["cand"].isin(set(touched["cand"]))].groupby("cand"):
        members = sorted(set(grp["party_id"]))
        mine = sides[sides["party_id"].isin(members)]
        apart_pairs = {(a, b) for _, d in mine.groupby("decision_id") for a, sa in zip(d["party_id"], d["side"])
                       for b, sb in zip(d["party_id"], d["side"]) if sa != sb}
        if all((a, b) in apart_pairs for i, a in enumerate(members) for b in members[i + 1:]):
            out.add(cand)
    return out


def find(g, members: bool = False):
    """The candidates of a :class:`~casegraph.graph.CaseGraph` (the embedded
    engine's): its parties, the records of its resolution (or, for a graph
    of roles alone, records made of its roles and party names) and the
    clerk's ``different`` decisions applied to it."""
    roles = g.distinct_roles()
    parties = g.parties[["party_id", "name", "kind", "id_masked"]]
    parties = parties.assign(n_applied=_applied(roles, parties["party_id"]))
    selected = select(parties, g.options)
    if selected.empty:
        return (finish(pd.DataFrame()), _no_members()) if members else finish(pd.DataFrame())
    cols = ["party_id", "case_no", "role", "name_norm", "id_status", "id_masked", "record_key"]
    if g.resolved is not None:
        records = g.resolved.records
        records = records.loc[is_in(records["party_id"], selected["party_id"]), cols]
    else:
        mine = roles[is_in(roles["party_id"], selected["party_id"])].merge(parties, on="party_id")
        records = mine.assign(name_norm=names_key(mine["name"]), id_status="", id_masked="", record_key="")[cols]
    theirs = roles[is_in(roles["case_no"], records["case_no"])]
    sides = theirs.merge(parties[is_in(parties["party_id"], theirs["party_id"])], on="party_id")
    person = parties.loc[parties["kind"] == C.PERSON, ["name", "id_masked"]]
    names = pd.DataFrame({"name": names_key(person["name"]), "identified": person["id_masked"] != ""}).groupby(
        "name").agg(n=("identified", "size"), identified=("identified", "sum")).reset_index()
    apart = None
    if g.resolved is not None and len(g.resolved.decided):
        d = g.resolved.decided
        d = d[d["decision"] == C.DIFFERENT]
        key_party = g.resolved.records.drop_duplicates("record_key").set_index("record_key")["party_id"]
        apart = d.assign(party_id=d["record_key"].map(key_party)).dropna(subset=["party_id"])
    return weigh(selected, records, sides, names, apart, g.options, members)


def _applied(roles: pd.DataFrame, party_ids: pd.Series) -> np.ndarray:
    """How many cases each party applies in (``roles`` distinct: an applicant once per case)."""
    n = pl.from_pandas(roles.loc[roles["role"] == C.APPLICANT, "party_id"]).value_counts()
    ids = pl.DataFrame({"party_id": pl.from_pandas(party_ids)})
    return ids.join(n, on="party_id", how="left", maintain_order="left")["count"].fill_null(0).cast(pl.Int64).to_numpy()
