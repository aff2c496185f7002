"""The bulk: all but a few % of the cases, one-off cases between fresh
parties, built with numpy in a few vectorised passes.

Every ID, credit code, company name and asset number is drawn without
replacement (:class:`~casegraph.sample.identities.Fresh`), so the only links
between cases are the planted ones and related-case bundles stay small at
any size. Noise the reader must undo is put on a few % of rows (``_ID_NOISE``;
company rows without their code or with half-width brackets).

>>> import numpy as np
>>> cases = bulk_cases(np.random.default_rng(0), 5)
>>> sorted(cases), len(cases["amount"])
(['amount', 'cause', 'court', 'ctype', 'old', 'status', 'year'], 5)
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from casegraph.contract import LEGAL, PERSON, UNINCORPORATED
from casegraph.sample.identities import (accounts, certs, names_from_ints, person_names, plates, ric_from_ints,
                                         sample_accounts, sample_certs, sample_codes, sample_names, sample_people,
                                         sample_plates, uscc_from_ints)
from casegraph.sample.vocabulary import (APP, ASSET_P, ASSET_TYPES, BANK_LOAN, CAUSES, COURT_P, COURTS, DEB,
                                         FULLWIDTH, OLD_COURTS, SURNAME_P, SURNAMES, TYPE_P, TYPES, YEAR_P, YEARS)

_EQUITY_PCT = (5, 10, 15, 20, 30, 40, 49, 51, 60, 70, 100)


def bulk_cases(rng, n):
    cause = rng.choice(len(CAUSES), n, p=np.array([c[1] for c in CAUSES]) / sum(c[1] for c in CAUSES))
    ctype = rng.choice(len(TYPES), n, p=TYPE_P)
    old = rng.random(n) < 0.003
    year = np.where(old, rng.integers(2012, 2016, n), rng.choice(YEARS, n, p=YEAR_P))
    court = np.where(old, rng.integers(0, len(OLD_COURTS), n), rng.choice(len(COURTS), n, p=COURT_P))
    ctype[old] = 0
    u = rng.random(n)
    recent = year >= 2025
    status = np.where(recent, np.where(u < 0.7, 0, np.where(u < 0.85, 1, 2)),
                      np.where(u < 0.15, 0, np.where(u < 0.6, 1, 2)))
    status[old] = np.where(u[old] < 0.5, 0, 1)
    med = np.array([np.nan if c[2] is None else c[2] for c in CAUSES])[cause]
    amount = np.round(np.clip(med * rng.lognormal(0, 0.9, n), 500, 5e7), 2)
    return dict(cause=cause, ctype=ctype, old=old, year=year, court=court, status=status, amount=amount)


_ID_NOISE = (  # label, share of natural-person rows in the bulk
    ("empty", 0.03), ("masked", 0.02), ("id15", 0.015), ("fullwidth", 0.01), ("spaces", 0.01),
    ("invalid", 0.005), ("anonymised", 0.01),
)


def bulk_parties(rng, r, fresh, case_ids, cases):
    nb = len(case_ids)
    napp = 1 + (rng.random(nb) < 0.04)
    ndeb = rng.choice([1, 2, 3], nb, p=[0.78, 0.17, 0.05])
    per = napp + ndeb
    case = np.repeat(case_ids, per)
    n = len(case)
    pos = np.arange(n) - np.repeat(np.cumsum(per) - per, per)
    napp_r = np.repeat(napp, per)
    is_app = pos < napp_r
    cause = cases["cause"][case]
    p_org = np.where(is_app, np.array([c[3] for c in CAUSES])[cause], np.array([c[4] for c in CAUSES])[cause])
    p_org = np.where(~is_app & (pos > napp_r), np.minimum(p_org, 0.3), p_org)  # guarantors are mostly people
    org = rng.random(n) < p_org
    lender = org & is_app & (cause == BANK_LOAN)
    uninc = org & ~lender & (rng.random(n) < 0.12)
    legal = org & ~lender & ~uninc

    name = np.empty(n, object)
    id_no = np.empty(n, object)
    kind = np.where(org, np.where(uninc, UNINCORPORATED, LEGAL), PERSON).astype(object)
    noise = Counter()

    # natural persons
    ip = np.flatnonzero(~org)
    ids = ric_from_ints(fresh.many("ric", sample_people, len(ip)))
    name[ip] = person_names(rng, len(ip))
    u = rng.random(len(ip))
    edges = np.cumsum([s for _, s in _ID_NOISE])
    which = np.searchsorted(edges, u, side="right")  # len(_ID_NOISE) = clean
    lower = rng.random(len(ip)) < 0.25
    bad = r.choice
    for j, (idn, w) in enumerate(zip(ids, which.tolist())):
        if w == len(_ID_NOISE):
            if idn[17] == "X" and lower[j]:
                idn = idn[:17] + "x"
                noise["lower_x"] += 1
            ids[j] = idn
            continue
        label = _ID_NOISE[w][0]
        if label == "id15" and int(idn[6:10]) > 1984:  # 15-digit cards were replaced before 2000
            continue
        noise[label] += 1
        if label in ("empty", "anonymised"):
            ids[j] = ""
        elif label == "masked":
            ids[j] = idn[:6] + "********" + idn[14:]
        elif label == "id15":
            ids[j] = idn[:6] + idn[8:17]
        elif label == "fullwidth":
            ids[j] = idn.translate(FULLWIDTH)
        elif label == "spaces":
            ids[j] = f"{idn[:6]} {idn[6:14]} {idn[14:]}"
        elif label == "invalid":
            ids[j] = idn[:17] + bad([ch for ch in "0123456789X" if ch != idn[17]])
    id_no[ip] = ids
    anon = ip[which == [lab for lab, _ in _ID_NOISE].index("anonymised")]
    if len(anon):
        name[anon] = (np.array(SURNAMES, object)[rng.choice(len(SURNAMES), len(anon), p=SURNAME_P)]
                      + np.where(rng.random(len(anon)) < 0.5, "某", "某某").astype(object))

    # organisations: unique names, codes, some rows without code or with half-width brackets
    for mask, sample in ((legal, lambda g, k: sample_names(g, k, LEGAL)),
                         (uninc, lambda g, k: sample_names(g, k, UNINCORPORATED)),
                         (lender, lambda g, k: sample_names(g, k, LEGAL, lender=True))):
        idx = np.flatnonzero(mask)
        name[idx] = names_from_ints(fresh.many("name", sample, len(idx)))
    io = np.flatnonzero(org)
    codes = np.array(uscc_from_ints(fresh.many("uscc", sample_codes, len(io))), object)
    nocode = rng.random(len(io)) < 0.04
    codes[nocode] = ""
    noise["no_code"] += int(nocode.sum())
    id_no[io] = codes
    half = io[rng.random(len(io)) < 0.3]
    for j in half.tolist():
        if "（" in name[j]:
            name[j] = name[j].replace("（", "(").replace("）", ")")
            noise["halfwidth_brackets"] += 1
    role = np.where(is_app, APP, DEB).astype(object)
    return dict(case=case, role=role, name=name, id_no=id_no, kind=kind), noise


def bulk_assets(rng, fresh, case_ids, cases):
    no_prop = cases["status"][case_ids] == 1
    p_none = np.array([0.4, 0.3, 0.18, 0.12]), np.array([0.6, 0.3, 0.08, 0.02])
    k = np.where(no_prop, rng.choice(4, len(case_ids), p=p_none[1]), rng.choice(4, len(case_ids), p=p_none[0]))
    case = np.repeat(case_ids, k)
    n = len(case)
    atype = rng.choice(4, n, p=ASSET_P)
    aid = np.empty(n, object)
    action = np.empty(n, object)
    for t, ns, sample, fmt in ((0, "acct", sample_accounts, accounts), (1, "cert", sample_certs, certs),
                               (2, "plate", sample_plates, plates)):
        idx = np.flatnonzero(atype == t)
        aid[idx] = fmt(fresh.many(ns, sample, len(idx)).tolist())
    idx = np.flatnonzero(atype == 3)
    held = names_from_ints(fresh.many("name", lambda g, m: sample_names(g, m, LEGAL), len(idx)))
    pct = rng.choice(_EQUITY_PCT, len(idx)).tolist()
    aid[idx] = [f"{h}{p}%股权" for h, p in zip(held, pct)]
    action[:] = "冻结"
    action[atype == 1] = "查封"
    cars = atype == 2
    action[cars] = np.where(rng.random(int(cars.sum())) < 0.7, "查封", "扣押")
    return dict(case=case, asset_id=aid, asset_type=np.array(ASSET_TYPES, object)[atype], action=action)

