"""Generate the sample onto disk: draw the planted part and the bulk, number
the cases, then write the files.

``make_sample`` writes the four tables a court's case system exports
(``cases.csv``, ``parties.csv``, ``assets.csv``, ``judges.csv``) and
``truth.json`` (:mod:`casegraph.sample.truth`). The random draws happen in
one fixed order, so a seed gives the same files byte for byte: a change
that moves a draw changes every sample.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from casegraph.contract import ASSETS, CASES, JUDGES, PARTIES, Options
from casegraph.sample.bulk import bulk_assets, bulk_cases, bulk_parties
from casegraph.sample.casenos import file_dates, official_numbers, typed_case_no
from casegraph.sample.folder import claim, note
from casegraph.sample.identities import Fresh
from casegraph.sample.judges import draw_judges
from casegraph.sample.plant import Planter
from casegraph.sample.truth import truth_of
from casegraph.sample.vocabulary import CAUSE_NAMES, STATUSES

# The fewest cases that leave room for the planted part, whatever the seed.
MIN_CASES = 400


# Columns a court's own export lacks, so a sample has none: the enforcing
# court (its cases' numbers say it), a company's legal representative.
NOT_SAMPLED = ("court", "representative")


def sample_columns(table) -> list[str]:
    """The columns of ``table`` a sample writes, in the contract's order."""
    return [c for c in table.columns if c not in NOT_SAMPLED]


def _write_csv(path: Path, table, cols: dict, chinese: bool, encoding: str):
    """Plain CSV: no field contains a comma, quote or line break (checked on the joined text)."""
    headers = [table.columns[c][0] if chinese else c for c in sample_columns(table)]
    columns = [cols[c] for c in sample_columns(table)]
    n = len(columns[0])
    text = "\n".join([",".join(headers)] + list(map(",".join, zip(*columns)))) + "\n"
    if text.count(",") != (n + 1) * (len(headers) - 1) or text.count("\n") != n + 1 or '"' in text:
        raise AssertionError(f"{path.name}: a field carries a separator")
    path.write_bytes(text.encode(encoding))


def make_sample(n_cases: int, out_dir: Path, seed: int = 7, judges: int | None = None,
                chinese_headers: bool = False, encoding: str = "utf-8", force: bool = False) -> dict:
    """Write a synthetic court export to ``out_dir`` and return its truth.

    Files: ``cases.csv``, ``parties.csv``, ``assets.csv``, ``judges.csv``
    (headers from ``casegraph.contract``: canonical English, or the first
    Chinese alias of each column with ``chinese_headers``; text in
    ``encoding``: "utf-8", "utf-8-sig" or "gbk") and ``truth.json`` (UTF-8).
    ``judges`` is the number of judges (default ``max(4, round(n_cases / 150))``),
    of whom at least two form the minors team 涉未成年人.  ``n_cases`` must
    leave room for the planted part (about 160 cases per 10,000 and never
    fewer than ~170: use at least :data:`MIN_CASES`). A folder holding
    files a sample did not write (a court's export) is refused with an
    :class:`~casegraph.errors.InputError` unless ``force``
    (:mod:`casegraph.sample.folder`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     t = make_sample(500, Path(d), seed=1, chinese_headers=True, encoding="gbk")
    ...     (Path(d) / "cases.csv").read_text(encoding="gbk").split(",")[0]
    '案号'
    """
    out_dir = Path(out_dir)
    "案号".encode(encoding)  # an unknown or non-Chinese codec fails before any work
    claim(out_dir, force)
    rng, r = np.random.default_rng(seed), random.Random(seed)
    fresh = Fresh(rng)
    plant = Planter(rng, r, fresh, n_cases)
    plant.plant(max(1, round(n_cases / 10_000)))
    n_plant = len(plant.cases)
    if n_plant > 0.5 * n_cases:
        raise ValueError(f"n_cases={n_cases} is too small for the planted structures ({n_plant} cases); "
                         f"use >= {MIN_CASES}")

    # cases: planted first, bulk after; rows are ordered by filing date when written
    cases = bulk_cases(rng, n_cases)
    for key in cases:
        cases[key][:n_plant] = [c[key] for c in plant.cases]
    day = file_dates(rng, cases["year"])
    official = official_numbers(rng, cases, day)
    typed = list(official)
    for i in np.flatnonzero(rng.random(n_cases) < 0.04).tolist():
        typed[i] = typed_case_no(official[i], r)

    bulk_ids = np.arange(n_plant, n_cases)
    parties, noise = bulk_parties(rng, r, fresh, bulk_ids, cases)
    assets = bulk_assets(rng, fresh, bulk_ids, cases)
    for row in plant.rows:
        for lab in row.label.split("+"):
            noise[lab] += 1
    noise = {k: v for k, v in sorted(noise.items()) if v and k != "clean"}

    def stack(bulk, planted):
        return {k: np.concatenate([np.array([p[i] for p in planted] if planted else [], object), bulk[k].astype(object)])
                for i, k in enumerate(bulk)}

    parties = stack(parties, [(w.case, w.role, w.name, w.id_no, w.who.kind) for w in plant.rows])
    assets = stack(assets, plant.assets)

    minors_causes = Options().minors_causes
    minors = np.array([any(m in c for m in minors_causes) for c in CAUSE_NAMES])[cases["cause"]]
    n_judges = judges if judges is not None else max(4, round(n_cases / 150))
    if n_judges < 3:
        raise ValueError("judges must be >= 3 (a minors team of two and one other judge)")
    judge_table, judge_col = draw_judges(rng, n_judges, minors, day)

    rank = np.empty(n_cases, np.int64)
    rank[np.lexsort((np.arange(n_cases), day))] = np.arange(n_cases)
    order = np.argsort(rank, kind="stable")
    amount = np.where(np.isnan(cases["amount"]), "", np.char.mod("%.2f", cases["amount"])).astype(object)
    typed_arr = np.array(typed, object)

    def case_col(case):  # each case keeps its typed number; 1 % of rows are typed again
        col = typed_arr[case]
        for j in np.flatnonzero(rng.random(len(case)) < 0.01).tolist():
            col[j] = typed_case_no(official[case[j]], r)
        return col.tolist()

    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(out_dir / CASES.filename, CASES, dict(
        case_no=typed_arr[order].tolist(),
        filed_on=np.datetime_as_string(day[order]).tolist(),
        cause=np.array(CAUSE_NAMES, object)[cases["cause"][order]].tolist(),
        amount=amount[order].tolist(),
        status=np.array(STATUSES, object)[cases["status"][order]].tolist(),
        judge=judge_col[order].tolist()), chinese_headers, encoding)
    for table, rows in ((PARTIES, parties), (ASSETS, assets)):
        case = rows["case"].astype(np.int64)
        o = np.argsort(rank[case], kind="stable")
        cols = {k: v[o].tolist() for k, v in rows.items() if k != "case"}
        cols["case_no"] = case_col(case[o])
        _write_csv(out_dir / table.filename, table, cols, chinese_headers, encoding)
    _write_csv(out_dir / JUDGES.filename, JUDGES, judge_table, chinese_headers, encoding)

    truth = truth_of(plant, official, cases)
    truth["counts"] = dict(
        cases=n_cases, party_rows=len(parties["case"]), asset_rows=len(assets["case"]), judges=n_judges,
        minors_team_judges=judge_table["team"].count("涉未成年人"), planted_cases=n_plant,
        preassigned_cases=int((judge_col != "").sum()), invalid_ids=noise.get("invalid", 0), noise=noise,
        **{k: len(v) for k, v in truth.items()})
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8", newline="\n")
    note(out_dir, [t.filename for t in (CASES, PARTIES, ASSETS, JUDGES)] + ["truth.json"])
    return truth
