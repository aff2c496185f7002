"""``truth.json``: the structures that were planted on purpose, so that
every finder of casegraph can be checked against an answer it did not compute.

It names cases by their official number (full-width brackets, no spaces)
and parties by their canonical 18-character resident ID or unified social
credit code. Its lists that are derived from the data
(``repeat_applicants``, ``common_debtors``, ``mass_applicants``,
``shared_assets``, ``must_merge``) are complete: the bulk adds nothing to
them, because the bulk's parties and assets are never drawn twice.

>>> import random
>>> import numpy as np
>>> from casegraph.sample.identities import Fresh
>>> from casegraph.sample.plant import Planter
>>> p = Planter(np.random.default_rng(1), random.Random(1), Fresh(np.random.default_rng(1)), 1000)
>>> p.bilateral(companies=False)
>>> cases = dict(amount=np.array([c["amount"] for c in p.cases]), status=np.array([c["status"] for c in p.cases]),
...              cause=np.array([c["cause"] for c in p.cases]))
>>> t = truth_of(p, ["（2024）沪0113执1号", "（2024）沪0113执2号"], cases)
>>> t["bilateral_offsets"][0]["case_nos"], t["repeat_applicants"], t["common_debtors"]
(['（2024）沪0113执1号', '（2024）沪0113执2号'], [], [])
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from casegraph.contract import Options
from casegraph.sample.plant import Planter, Row
from casegraph.sample.vocabulary import APP, CAUSE_NAMES, DEB

def truth_of(plant: Planter, official: list[str], cases: dict) -> dict:
    """The planted structures, with official case numbers and canonical identities."""
    def nos(cs):
        return sorted({official[c] for c in cs})

    amount = cases["amount"]
    status = cases["status"]
    by_uid: dict[str, list[Row]] = defaultdict(list)
    case_rows: dict[int, list[Row]] = defaultdict(list)
    for row in plant.rows:
        by_uid[row.who.uid].append(row)
        case_rows[row.case].append(row)

    hub = Options().hub_threshold
    repeat, mass, common, merge = [], [], [], []
    for uid, rows in by_uid.items():
        who = rows[0].who
        if not who.key:
            continue
        as_app = sorted({w.case for w in rows if w.role == APP})
        as_deb = sorted({w.case for w in rows if w.role == DEB})
        if len(as_app) >= 2:
            debtors = defaultdict(list)
            for c in as_app:
                for w in case_rows[c]:
                    if w.role == DEB:
                        debtors[w.who.uid].append(c)
            entry = dict(id_key=who.key, name=who.name, kind=who.kind, case_nos=nos(as_app), n_cases=len(as_app),
                         n_debtors=len(debtors))
            if len(as_app) > hub:
                mass.append(entry)
            else:
                entry["repeat_pairs"] = [dict(debtor=d, case_nos=nos(cs)) for d, cs in debtors.items() if len(cs) >= 2]
                repeat.append(entry)
        if len(as_deb) >= 2:
            applicants = {w.who.uid for c in as_deb for w in case_rows[c] if w.role == APP}
            if len(applicants) >= 2:
                common.append(dict(
                    id_key=who.key, name=who.name, kind=who.kind, case_nos=nos(as_deb), n_cases=len(as_deb),
                    n_applicants=len(applicants), n_no_property=int(sum(status[c] == 1 for c in as_deb)),
                    total_amount=round(float(np.nansum(amount[as_deb])), 2)))
        if len({(w.name, w.id_no) for w in rows}) >= 2:
            merge.append(dict(id_key=who.key, name=who.name,
                              why=sorted({lab for w in rows for lab in w.label.split("+")} - {"clean"}),
                              records=[_record(w, official) for w in rows]))

    assets = defaultdict(list)
    for case, aid, atype, _ in plant.assets:
        assets[(aid, atype)].append(case)
    shared = []
    for (aid, atype), cs in assets.items():
        if len(set(cs)) >= 2:
            debtors = sorted({w.who.uid for c in cs for w in case_rows[c] if w.role == DEB})
            shared.append(dict(asset_id=aid, asset_type=atype, case_nos=nos(cs), debtors=debtors))

    def money(cs):
        return [round(float(amount[c]), 2) for c in cs]

    def names(ws):
        return [w.name for w in ws]

    key = lambda ws: [w.key for w in ws]  # noqa: E731
    return dict(
        repeat_applicants=sorted(repeat, key=lambda e: e["id_key"]),
        common_debtors=sorted(common, key=lambda e: e["id_key"]),
        mass_applicants=sorted(mass, key=lambda e: e["id_key"]),
        bilateral_offsets=[dict(parties=key(ws), names=names(ws), case_nos=[official[c] for c in cs], amounts=money(cs))
                           for ws, cs in plant.offset_pairs],
        cycles=[dict(parties=key(ws), names=names(ws), case_nos=[official[c] for c in cs], amounts=money(cs))
                for ws, cs in plant.cycle_sets],
        not_offsets=[dict(parties=key(ws), names=names(ws), case_nos=[official[c] for c in cs],
                          causes=[CAUSE_NAMES[cases["cause"][c]] for c in cs], why=why)
                     for ws, cs, why in plant.not_offsets],
        shared_assets=sorted(shared, key=lambda e: e["asset_id"]),
        must_merge=sorted(merge, key=lambda e: e["id_key"]),
        must_not_merge=[dict(why=why, records=[_record(a, official), _record(b, official)])
                        for a, b, why in plant.must_not_merge],
    )


def _record(row: Row, official: list[str]) -> dict:
    return dict(case_no=official[row.case], role=row.role, name=row.name, id_no=row.id_no)
