"""A sample export whose persons carry no ID number, as most ledgers and many
exports hand them over: what party resolution can and cannot do by evidence.

:func:`make_sample_without_person_ids` writes the sample of
:func:`casegraph.sample.generate.make_sample` with every person's ID number
removed (organisations keep their codes, as a case system's two-table
export has them), then adds cases planted for the people without IDs, and
states them in ``truth.json`` under ``without_person_ids``:

* ``repeat_pairs``: a parent back for child support 3-5 times against the
  same ex-spouse, in one court (casegraph must link both, one bundle);
* ``rare_name_debtors``: a debtor with a rare name (上官澍霖) pursued by
  different creditors in 2-4 cases (no rule may link them: it must be
  offered for review, with all its cases);
* ``common_name_pairs``: the same two common names (王伟 against 李娜) in
  two cases of a Shanghai court and two of a Beijing one: two pairs of
  people, never linked to each other;
* ``anonymised_debtors``: 张某, 李某某 in several cases, even against the same
  creditor in the same court: never linked, never offered.

The base sample is drawn exactly as :func:`make_sample` draws it (its own
truth's person entries name IDs that are no longer in the files); the
planted cases use their own random stream and case numbers above any the
base uses (sequence 90000 on), filed in 2025 and without a judge.

(A ledger, one row per case, comes with issue 11's ``casegraph sample
--ledger``; this writes the two-table export.)

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     truth = make_sample_without_person_ids(1000, Path(d))
...     parties = pd.read_csv(Path(d) / "parties.csv", dtype=str, keep_default_na=False)
>>> bool((parties.loc[parties["kind"] == "自然人", "id_no"] == "").all())
True
>>> [len(truth["without_person_ids"][k]) for k in ("repeat_pairs", "rare_name_debtors", "common_name_pairs", "anonymised_debtors")]
[3, 3, 2, 3]
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.sample.generate import make_sample, sample_columns
from casegraph.sample.vocabulary import APP, DEB, GIVEN, GIVEN_W, ONGOING, SURNAME_W, SURNAMES

# Rare names: compound surnames and given names the base sample never draws.
RARE_SURNAMES = ("上官", "慕容", "令狐", "皇甫", "尉迟", "公孙", "端木", "东方", "南宫", "澹台")
RARE_GIVEN_CHARS = "澍霖婧萱曜辰瑾瑜霁泓澄翊沐宸芷蘅骁骐璟瑄蔚"
# Creditors of the rare-name debtors: company names the base sample never draws (商贸, these characters).
CREDITOR_CHARS = "琨珏璞翡琛瑭珑琥珀瑷琳玳瑁璎珞琮璜琰瑗瑄"
SHANGHAI, BEIJING = ("沪0113", "沪0112", "沪0115"), "京0105"
FIRST_SEQ = 90000


def make_sample_without_person_ids(n_cases: int, out_dir: Path, seed: int = 7, judges: int | None = None,
                                   chinese_headers: bool = False, encoding: str = "utf-8", force: bool = False) -> dict:
    """Write the sample without person IDs to ``out_dir`` and return its truth
    (see the module docstring); arguments as :func:`make_sample`'s, which
    refuses a folder holding files no sample wrote (it writes the same files
    this rewrites). The planted structures scale with ``n_cases / 2000`` (at
    least 3, 3, 2, 3)."""
    out_dir = Path(out_dir)
    truth = make_sample(n_cases, out_dir, seed=seed, judges=judges, chinese_headers=chinese_headers,
                        encoding=encoding, force=force)
    headers = {t.name: [t.columns[c][0] if chinese_headers else c for c in sample_columns(t)]
               for t in (C.CASES, C.PARTIES)}
    read = {t.name: pd.read_csv(out_dir / t.filename, dtype=str, keep_default_na=False, encoding=encoding)
            for t in (C.CASES, C.PARTIES)}
    parties = read[C.PARTIES.name]
    kind, id_no = headers[C.PARTIES.name][4], headers[C.PARTIES.name][3]
    parties.loc[parties[kind] == C.PERSON, id_no] = ""

    planted = _Planter(random.Random(seed + 1), max(1, round(n_cases / 2000)))
    cases = pd.concat([read[C.CASES.name], pd.DataFrame(planted.cases, columns=headers[C.CASES.name])],
                      ignore_index=True)
    parties = pd.concat([parties, pd.DataFrame(planted.parties, columns=headers[C.PARTIES.name])], ignore_index=True)
    for table, df in ((C.CASES, cases), (C.PARTIES, parties)):
        df.to_csv(out_dir / table.filename, index=False, encoding=encoding, lineterminator="\n")
    truth["without_person_ids"] = planted.truth
    truth["counts"].update(cases=len(cases), party_rows=len(parties), person_ids_removed=True)
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8", newline="\n")
    return truth


class _Planter:
    """The planted cases (rows as the files hold them) and their truth."""

    def __init__(self, r: random.Random, scale: int):
        self.r = r
        self.cases: list[list[str]] = []
        self.parties: list[list[str]] = []
        self.seq: dict[str, int] = {}
        self.truth = {"repeat_pairs": [], "rare_name_debtors": [], "common_name_pairs": [], "anonymised_debtors": []}
        self.used_names: set[str] = set()
        for _ in range(3 * scale):
            self.repeat_pair()
        for _ in range(3 * scale):
            self.rare_name_debtor()
        for i in range(2 * scale):
            self.common_name_pair(i)
        for _ in range(3 * scale):
            self.anonymised_debtor()

    def case(self, court: str, cause: str, amount: float | None, applicant: str, debtor: str,
             applicant_kind: str = C.PERSON, debtor_kind: str = C.PERSON) -> str:
        self.seq[court] = self.seq.get(court, FIRST_SEQ) + self.r.randint(1, 3)
        no = f"（2025）{court}执{self.seq[court]}号"
        filed = f"2025-{self.r.randint(1, 9):02d}-{self.r.randint(1, 28):02d}"
        self.cases.append([no, filed, cause, "" if amount is None else f"{amount:.2f}", ONGOING, ""])
        self.parties.append([no, APP, applicant, "", applicant_kind])
        self.parties.append([no, DEB, debtor, "", debtor_kind])
        return no

    def person_name(self) -> str:
        return self.r.choices(SURNAMES, SURNAME_W)[0] + self.r.choices(GIVEN, GIVEN_W)[0]

    def repeat_pair(self) -> None:
        court = self.r.choice(SHANGHAI)
        parent, other = self.person_name(), self.person_name()
        nos = [self.case(court, "抚养费纠纷", round(self.r.uniform(6000, 30000), -2), parent, other)
               for _ in range(self.r.randint(3, 5))]
        self.truth["repeat_pairs"].append({"applicant": parent, "debtor": other, "court": court, "case_nos": nos})

    def rare_name_debtor(self) -> None:
        while True:
            name = self.r.choice(RARE_SURNAMES) + "".join(self.r.sample(RARE_GIVEN_CHARS, 2))
            if name not in self.used_names:
                break
        self.used_names.add(name)
        nos = []
        for _ in range(self.r.randint(2, 4)):
            while True:
                creditor = "上海" + "".join(self.r.sample(CREDITOR_CHARS, 3)) + "商贸有限公司"
                if creditor not in self.used_names:
                    break
            self.used_names.add(creditor)
            nos.append(self.case(self.r.choice(SHANGHAI), "买卖合同纠纷", round(self.r.uniform(5e4, 5e5), 2),
                                 creditor, name, applicant_kind=C.LEGAL))
        self.truth["rare_name_debtors"].append({"name": name, "case_nos": nos})

    def common_name_pair(self, i: int) -> None:
        applicant, debtor = [("王伟", "李娜"), ("张伟", "王芳"), ("李伟", "张敏")][i % 3]
        courts = {}
        for court in (SHANGHAI[0], BEIJING):
            courts[court] = [self.case(court, "民间借贷纠纷", round(self.r.uniform(1e4, 1e5), 2), applicant, debtor)
                             for _ in range(2)]
        self.truth["common_name_pairs"].append({"applicant": applicant, "debtor": debtor, "courts": courts})

    def anonymised_debtor(self) -> None:
        name = self.r.choice(SURNAMES[:20]) + self.r.choice(("某", "某某"))
        creditor = "上海" + "".join(self.r.sample(CREDITOR_CHARS, 4)) + "商贸有限公司"
        court = self.r.choice(SHANGHAI)
        nos = [self.case(court, "买卖合同纠纷", round(self.r.uniform(1e4, 1e5), 2), creditor, name,
                         applicant_kind=C.LEGAL) for _ in range(2)]
        self.truth["anonymised_debtors"].append({"name": name, "case_nos": nos})
