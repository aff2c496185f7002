"""The planted structures: small, known patterns written one case at a time.

Repeat applicants (a parent back for child support), common debtors (the
retiree with 26 cases), mass applicants (banks), bilateral offsets, debt
cycles, mutual debts that must not be set off, shared assets, merge decoys
and the same party typed differently. :class:`Planter` keeps what it planted
so that :mod:`casegraph.sample.truth` can state it; a planted party seen in
more than one case only gets the variants a reader can resolve (never a
mask, a blank or a bad check character).

>>> import random
>>> import numpy as np
>>> from casegraph.sample.identities import Fresh
>>> p = Planter(np.random.default_rng(1), random.Random(1), Fresh(np.random.default_rng(1)), 1000)
>>> p.bilateral(companies=True)
>>> len(p.cases), [row.role for row in p.rows], len(p.offset_pairs)
(2, ['申请执行人', '被执行人', '申请执行人', '被执行人'], 1)
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import numpy as np

from casegraph.contract import LEGAL, PERSON, UNINCORPORATED, Options
from casegraph.sample.identities import (Fresh, accounts, certs, code_one, name_one, names_from_ints, person_one, plates,
                                         ric_one, uscc_one)
from casegraph.sample.vocabulary import (APP, BANKS, CAUSE_IX, CAUSES, COURT_P, COURTS, DEB, DISTRICTS, DONE, FULLWIDTH,
                                         GIVEN, GIVEN_W, MASS_BANKS, NO_PROPERTY, OLD_COURTS, ONGOING, PLATE_ALNUM,
                                         PLATE_LETTERS, REGIONS, STATUSES, SURNAME_W, SURNAMES, TYPES, YEAR_P, YEARS)

@dataclass
class Who:
    """One real party.  ``uid`` is its identity in the truth; ``key`` the canonical ID/code ('' if none)."""

    uid: str
    key: str
    name: str
    kind: str
    id15: str = ""
    droppable: bool = True  # its rows may omit the code: no other code carries the name


@dataclass
class Row:
    case: int
    role: str
    who: Who
    name: str
    id_no: str
    label: str


def _written(who: Who, label: str) -> tuple[str, str]:
    """The name and ID a clerk typed for ``who`` with the given noise variant(s)."""
    name, idn = who.name, who.key
    for lab in label.split("+"):
        if lab == "lower_x":
            idn = idn[:17] + idn[17].lower()
        elif lab == "id15":
            idn = who.id15
        elif lab == "fullwidth":
            idn = idn.translate(FULLWIDTH)
        elif lab == "spaces":
            idn = f"{idn[:6]} {idn[6:14]} {idn[14:]}"
        elif lab == "no_code":
            idn = ""
        elif lab == "halfwidth_brackets":
            name = name.replace("（", "(").replace("）", ")")
        elif lab == "masked":
            idn = idn[:6] + "*" * 8 + idn[14:]
        elif lab not in ("clean", "anonymised"):
            raise ValueError(lab)
    return name, idn


def _resolvable_variants(who: Who) -> list[str]:
    if who.kind == PERSON:
        out = ["fullwidth", "spaces"]
        if who.key.endswith("X"):
            out.append("lower_x")
        if who.id15:
            out.append("id15")
        return out
    out = ["no_code"] if who.droppable else []
    if "（" in who.name:
        out.append("halfwidth_brackets")
    return out


class Planter:
    """Builds the planted cases, parties and assets with plain Python."""

    def __init__(self, rng, r: random.Random, fresh: Fresh, n_cases: int):
        self.rng, self.r, self.fresh, self.n_cases = rng, r, fresh, n_cases
        self.cases: list[dict] = []
        self.rows: list[Row] = []
        self.assets: list[tuple[int, str, str, str]] = []
        self.seen: Counter = Counter()
        self.offset_pairs: list[tuple] = []
        self.cycle_sets: list[tuple] = []
        self.not_offsets: list[tuple] = []
        self.must_merge_why: dict[str, str] = {}
        self.must_not_merge: list[tuple] = []
        self._anon = 0

    # -- parties
    def person(self, born=(1950, 2000), gender=None, name=None, region=None, want_x=False) -> Who:
        accept = (lambda v: ric_one(v)[-1] == "X") if want_x else None
        key = ric_one(self.fresh.one("ric", lambda: person_one(self.r, born, gender, region), accept))
        if name is None:
            name = self.r.choices(SURNAMES, SURNAME_W)[0] + self.r.choices(GIVEN, GIVEN_W)[0]
        id15 = key[:6] + key[8:17] if int(key[6:10]) <= 1984 else ""
        return Who(key, key, name, PERSON, id15)

    def company(self, kind=LEGAL, lender=False, group=False, name=None, droppable=True) -> Who:
        if name is None:
            v = self.fresh.one("name", lambda: name_one(self.r, kind, lender, group))
            name = names_from_ints(np.array([v]))[0]
        key = uscc_one(self.fresh.one("uscc", lambda: code_one(self.r)))
        return Who(key, key, name, kind, droppable=droppable)

    def anon(self, name=None) -> Who:
        self._anon += 1
        if name is None:
            name = self.r.choices(SURNAMES, SURNAME_W)[0] + self.r.choice(("某", "某某"))
        return Who(f"anon:{self._anon}", "", name, PERSON)

    def someone(self, cause: str, role: str) -> Who:
        """A fresh party fit for the role in a case of this cause."""
        _, _, _, p_app, p_deb = CAUSES[CAUSE_IX[cause]]
        if self.r.random() < (p_app if role == APP else p_deb):
            lender = role == APP and cause == "金融借款合同纠纷"
            kind = UNINCORPORATED if not lender and self.r.random() < 0.12 else LEGAL
            return self.company(kind, lender=lender)
        return self.person()

    # -- cases
    def amount(self, cause: str) -> float | None:
        median = CAUSES[CAUSE_IX[cause]][2]
        if median is None:
            return None
        return round(min(max(median * self.r.lognormvariate(0, 0.9), 500.0), 5e7), 2)

    def case(self, cause, year=None, ctype="执", status=None, amount=..., old_court=None) -> int:
        if year is None:
            year = int(self.r.choices(YEARS, YEAR_P)[0])
        if status is None:
            status = self.r.choices(STATUSES, (70, 15, 15) if year >= 2025 else (15, 45, 40))[0]
        if amount is ...:
            amount = self.amount(cause)
        court = self.r.choices(range(len(COURTS)), COURT_P)[0] if old_court is None else OLD_COURTS.index(old_court)
        self.cases.append(dict(cause=CAUSE_IX[cause], ctype=TYPES.index(ctype), year=year, status=STATUSES.index(status),
                               amount=np.nan if amount is None else amount, court=court, old=old_court is not None))
        return len(self.cases) - 1

    def party(self, case: int, role: str, who: Who, label: str | None = None) -> Row:
        if label is None:
            label = "clean"
            variants = _resolvable_variants(who)
            if self.seen[who.uid] and variants and self.r.random() < 0.15:
                label = self.r.choice(variants)
        self.seen[who.uid] += 1
        name, idn = _written(who, label)
        row = Row(case, role, who, name, idn, label)
        self.rows.append(row)
        return row

    def pair_case(self, applicant: Who, debtor: Who, cause: str, **kw) -> int:
        c = self.case(cause, **kw)
        self.party(c, APP, applicant)
        self.party(c, DEB, debtor)
        return c

    def asset(self, case: int, asset_id: str, asset_type: str, action: str | None = None):
        if action is None:
            action = {"银行账户": "冻结", "股权": "冻结", "不动产": "查封"}.get(asset_type) or self.r.choice(("查封", "扣押"))
        self.assets.append((case, asset_id, asset_type, action))

    def cert(self):
        r = self.r
        return certs([self.fresh.one("cert", lambda: (r.randrange(len(DISTRICTS)) * 10 + r.randrange(10)) * 10 ** 7
                                      + r.randrange(1, 10 ** 7))])[0]

    def plate(self):
        r = self.r
        def draw():
            head = r.randrange(len(PLATE_LETTERS)) * len(PLATE_ALNUM) + r.randrange(len(PLATE_ALNUM))
            return head * 10 ** 4 + r.randrange(10 ** 4)
        return plates([self.fresh.one("plate", draw)])[0]

    def account(self):
        r = self.r
        return accounts([self.fresh.one("acct", lambda: r.randrange(len(BANKS)) * 10 ** 13 + r.randrange(10 ** 13))])[0]

    # -- structures
    def family(self, visits: bool | None = None):
        """A parent applying for child support against the ex-spouse again and again.

        With ``visits`` (by default half the time) the other parent comes back
        for visitation: 2-3 cases when asked for, 1-3 otherwise."""
        r = self.r
        mother, father = self.person((1978, 1995), "f"), self.person((1972, 1992), "m")
        y0, k = r.randint(2019, 2022), r.randint(2, 5)
        support, prev = [], None
        for i in range(k):
            last = i == k - 1
            status = ONGOING if last else r.choice((NO_PROPERTY, NO_PROPERTY, DONE))
            ctype = "执恢" if prev == NO_PROPERTY and r.random() < 0.7 else "执"
            support.append(self.pair_case(mother, father, "抚养费纠纷", year=min(2025, y0 + i), ctype=ctype,
                                          status=status, amount=round(r.uniform(6000, 60000), -2)))
            prev = status
        if visits or (visits is None and r.random() < 0.5):
            visits = [self.pair_case(father, mother, "探望权纠纷", year=min(2025, y0 + 1 + j), ctype="执恢" if j else "执")
                      for j in range(r.randint(2 if visits else 1, 3))]
            self.not_offsets.append(((mother, father), support + visits,
                                     "child support is a personal-nature claim and visitation a non-money obligation"))

    def creditor(self):
        """An ordinary creditor with several debtors, one of them twice over time."""
        r = self.r
        cred, cause = (self.person(), "民间借贷纠纷") if r.random() < 0.5 else (self.company(), "买卖合同纠纷")
        debtors = [self.someone(cause, DEB) for _ in range(r.randint(3, 6))]
        for d in debtors:
            self.pair_case(cred, d, cause, year=r.randint(2019, 2023))
        again = self.pair_case(cred, debtors[0], cause, year=2024 + r.randint(0, 1), ctype=r.choice(("执", "执恢")),
                               status=ONGOING)
        return again

    def common_debtor(self, who: Who, n: int, causes, n_no_property: int, total: float | None = None,
                      old_first: bool = False, two_applicants: bool = False, house_in: int = 0):
        r = self.r
        statuses = [NO_PROPERTY] * n_no_property + [r.choice((ONGOING, ONGOING, DONE)) for _ in range(n - n_no_property)]
        r.shuffle(statuses)
        amounts = None
        if total is not None:
            w = [r.lognormvariate(0, 0.8) for _ in range(n)]
            amounts = [round(total * x / sum(w), 2) for x in w]
            amounts[-1] = round(total - sum(amounts[:-1]), 2)
        cases = []
        for i in range(n):
            cause = r.choice(causes)
            kw = dict(status=statuses[i])
            if amounts:
                kw["amount"] = amounts[i]
            if old_first and i == 0:
                kw.update(year=2015, old_court=r.choice(OLD_COURTS[:3]))
            else:
                kw["year"] = r.randint(2019, 2025)
            c = self.case(cause, **kw)
            self.party(c, APP, self.someone(cause, APP))
            if two_applicants and i == 1:
                self.party(c, APP, self.someone(cause, APP))
            self.party(c, DEB, who)
            cases.append(c)
        if house_in:  # one flat, seized again in later cases (轮候查封)
            cert = self.cert()
            for c in r.sample(cases, house_in):
                self.asset(c, cert, "不动产")
            acct = self.account()
            for c in r.sample(cases, 2):
                self.asset(c, acct, "银行账户")
        return cases

    def mass_applicant(self, name: str, n: int):
        bank = self.company(name=name)
        for _ in range(n):
            c = self.case("金融借款合同纠纷", year=self.r.randint(2019, 2025))
            self.party(c, APP, bank)
            self.party(c, DEB, self.someone("金融借款合同纠纷", DEB))
            if self.r.random() < 0.3:
                self.party(c, DEB, self.person())  # guarantor

    def bilateral(self, companies: bool):
        if companies:
            a, b, cause = self.company(), self.company(), "买卖合同纠纷"
        else:
            a, b, cause = self.person(), self.person(), "民间借贷纠纷"
        c1 = self.pair_case(a, b, cause, status=ONGOING)
        c2 = self.pair_case(b, a, cause, status=ONGOING)
        self.offset_pairs.append(((a, b), (c1, c2)))

    def cycle(self, length: int):
        r = self.r
        who = [self.company() if r.random() < 0.6 else self.person() for _ in range(length)]
        cases = []
        for i in range(length):
            a, b = who[i], who[(i + 1) % length]
            cause = "买卖合同纠纷" if a.kind != PERSON and b.kind != PERSON else r.choice(("民间借贷纠纷", "劳务合同纠纷"))
            cases.append(self.pair_case(a, b, cause, status=ONGOING))
        self.cycle_sets.append((tuple(who), tuple(cases)))

    def personal_mutual(self):
        """Mutual debts that must not be offered as offsets."""
        a, b = self.person((1975, 1990), "f"), self.person((1972, 1990), "m")
        c1 = self.pair_case(a, b, "抚养费纠纷", status=ONGOING)
        c2 = self.pair_case(b, a, "民间借贷纠纷", status=ONGOING)
        self.not_offsets.append(((a, b), [c1, c2], "child support (抚养费) is a personal-nature claim: not set off"))
        parent, child = self.person((1950, 1958)), self.person((1975, 1988))
        c1 = self.pair_case(parent, child, "赡养费纠纷", status=ONGOING)
        c2 = self.pair_case(child, parent, "民间借贷纠纷", status=ONGOING)
        self.not_offsets.append(((parent, child), [c1, c2], "elderly support (赡养费) is a personal-nature claim: not set off"))
        a, b = self.person((1980, 1995), "m"), self.person((1980, 1995), "f")
        c1 = self.pair_case(a, b, "探望权纠纷", status=ONGOING)
        c2 = self.pair_case(b, a, "抚养权纠纷", status=ONGOING)
        self.not_offsets.append(((a, b), [c1, c2], "visitation and custody are non-money obligations: nothing to set off"))

    def shared_assets(self):
        r = self.r
        husband, wife = self.person((1970, 1990), "m"), self.person((1970, 1990), "f")
        cert = self.cert()
        for d in (husband, wife):  # a flat they own together
            c = self.pair_case(self.someone("民间借贷纠纷", APP), d, "民间借贷纠纷")
            self.asset(c, cert, "不动产")
        firm, boss = self.company(), self.person((1960, 1985))
        plate = self.plate()
        c = self.pair_case(self.someone("买卖合同纠纷", APP), firm, "买卖合同纠纷")
        self.asset(c, plate, "车辆", "扣押")
        c = self.pair_case(self.someone("民间借贷纠纷", APP), boss, "民间借贷纠纷")
        self.asset(c, plate, "车辆", "查封")
        cert = self.cert()
        for _ in range(3):  # heirs of one flat, each sued on their own debts
            c = self.pair_case(self.someone("民间借贷纠纷", APP), self.person(), "民间借贷纠纷", year=r.randint(2021, 2025))
            self.asset(c, cert, "不动产")

    def decoys(self):
        """Records that look alike but are different parties."""
        def one_case(debtor, label="clean", cause="民间借贷纠纷"):
            c = self.case(cause)
            self.party(c, APP, self.someone(cause, APP))
            return self.party(c, DEB, debtor, label)

        w1, w2 = self.person(name="王伟"), self.person(name="王伟")
        self.must_not_merge.append((one_case(w1), one_case(w2), "same common name, different valid IDs"))
        z1, z2 = self.anon("张某"), self.anon("张某")
        self.must_not_merge.append((one_case(z1, "anonymised"), one_case(z2, "anonymised"),
                                    "anonymised names without IDs identify nobody"))
        real = self.person(name="李娜", region=0)
        while True:
            other = self.person(name="李娜", region=self.r.choice(range(7, len(REGIONS))))
            if other.key[-4:] != real.key[-4:]:
                break
        self.must_not_merge.append((one_case(real), one_case(other, "masked"),
                                    "masked ID's visible characters disagree with the real ID of the same name"))
        a = self.company(droppable=False)
        b = self.company(name=a.name, droppable=False)
        ra, rb = one_case(a, cause="买卖合同纠纷"), one_case(b, cause="买卖合同纠纷")
        self.must_not_merge.append((ra, rb, "same company name, different credit codes"))
        nocode = Who(f"nocode:{a.name}:{len(self.rows)}", "", a.name, LEGAL)
        rc = one_case(nocode, cause="买卖合同纠纷")
        why = "a row without code cannot be attributed to a name two credit codes carry"
        self.must_not_merge += [(ra, rc, why), (rb, rc, why)]

    def variants(self):
        """The same party typed differently in different cases."""
        p1 = self.person((1950, 1984))
        self.pair_case(p1, self.someone("民间借贷纠纷", DEB), "民间借贷纠纷", year=2020)
        c = self.case("买卖合同纠纷", year=2023)
        self.party(c, APP, self.someone("买卖合同纠纷", APP))
        self.party(c, DEB, p1, "id15")
        p2 = self.person(want_x=True)
        for lab in ("clean", "lower_x"):
            c = self.case("民间借贷纠纷")
            self.party(c, APP, self.someone("民间借贷纠纷", APP))
            self.party(c, DEB, p2, lab)
        p3 = self.person()
        for lab in ("clean", "fullwidth", "spaces"):
            c = self.case("劳务合同纠纷")
            self.party(c, APP, p3, lab)
            self.party(c, DEB, self.someone("劳务合同纠纷", DEB))
        q1 = self.company()
        for lab in ("clean", "no_code"):
            c = self.case("买卖合同纠纷")
            self.party(c, APP, self.someone("买卖合同纠纷", APP))
            self.party(c, DEB, q1, lab)
        q2 = self.company(group=True)
        c = self.case("买卖合同纠纷")
        self.party(c, APP, q2, "clean")
        self.party(c, DEB, self.someone("买卖合同纠纷", DEB))
        c = self.case("买卖合同纠纷")
        self.party(c, APP, self.someone("买卖合同纠纷", APP))
        self.party(c, DEB, q2, "halfwidth_brackets+no_code")

    def plant(self, scale: int):
        r = self.r
        for _ in range(scale):
            for i in range(3):
                self.family(visits=True if i == 0 else None)
                self.creditor()
            retiree = self.person((1950, 1958))
            self.common_debtor(retiree, 26, ("民间借贷纠纷",) * 4 + ("买卖合同纠纷",), 18, total=7_060_000.0,
                               old_first=True, two_applicants=True, house_in=4)
            self.common_debtor(self.company(), 12, ("劳务合同纠纷",) * 2 + ("买卖合同纠纷",), 5)
            self.common_debtor(self.person(), r.randint(3, 8), ("民间借贷纠纷",), r.randint(1, 3))
            n = r.randint(3, 30)
            self.common_debtor(self.company(UNINCORPORATED if r.random() < 0.3 else LEGAL), n,
                               ("买卖合同纠纷", "房屋租赁合同纠纷", "劳务合同纠纷"), r.randint(0, n // 2))
            self.bilateral(companies=True)
            self.bilateral(companies=False)
            self.cycle(3)
            self.cycle(4)
            self.personal_mutual()
            self.shared_assets()
            self.decoys()
            self.variants()
        hub = Options().hub_threshold
        for name in MASS_BANKS[: 1 if self.n_cases < 5000 else 2]:
            self.mass_applicant(name, max(hub + 1, min(self.n_cases // 2000, 2000)) + r.randint(1, 5))

