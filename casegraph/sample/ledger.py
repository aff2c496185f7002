"""A clerk's enforcement ledger (执行案件台账), with its truth: the input
`casegraph sample --ledger` writes for the tests, the demo and the bench.

One sheet, one row per case, as clerks keep it in Excel: a merged title row,
a 序号 column, dates and amounts typed in every way a clerk types them
(Excel dates, ``2024年1月2日``, ``2024/1/2``, ``20240102``; ``12,345.00``,
``1.2万``, ``3万元``, ``¥8,000``, full-width digits), several names in one
cell with every separator, no ID numbers for persons, numbered empty rows
and a 合计 row at the bottom, and two case numbers typed wrong.

Planted, with their truth (``ledger_truth.json``):

* company debtors in several cases each, with the total of their claims in
  exact yuan (a borrower's cell sometimes names a guarantor beside it);
* minors' cases (抚养费, 探望权) that no judge holds yet, for the minors'
  team (``judges.csv`` has one);
* the two malformed rows, the total row and the empty rows, by Excel row.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     truth = make_ledger(300, Path(d), fmt="csv")
...     header = (Path(d) / "ledger.csv").read_text(encoding="utf-8-sig").splitlines()[2]
>>> header.split(",")[:3], truth["rows"]["cases"], len(truth["rows"]["malformed"])
(['序号', '案号', '立案日期'], 300, 2)
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import numpy as np

from casegraph.contract import Options
from casegraph.sample import folder
from casegraph.sample.identities import names_from_ints, person_names, sample_names
from casegraph.sample.vocabulary import FULLWIDTH, SURNAMES

TITLE = "上海市宝山区人民法院执行案件台账"
AMOUNT_HEADER = "执行标的（元）"
HEADER = ["序号", "案号", "立案日期", "案由", "申请执行人", "被执行人", AMOUNT_HEADER, "承办人", "案件状态", "结案方式",
          "结案日期"]
FIRST_ROW = 4  # title on row 1, its note on row 2, the header on row 3
SEPARATORS = ("、", "，", "；", "\n", ",", ";")
MALFORMED = ("（2024）沪0113执号", "沪0113执88号")  # no sequence; no year
MONEY_CAUSES = (("民间借贷纠纷", 80_000), ("买卖合同纠纷", 150_000), ("金融借款合同纠纷", 300_000),
                ("劳务合同纠纷", 20_000), ("房屋租赁合同纠纷", 40_000))
MINORS_CAUSES = (("抚养费纠纷", 24_000), ("探望权纠纷", None))
FORMATS = ("xlsx", "xls", "csv")
MIN_CASES = 50  # fewer leave the planted debtors and minors' cases without room


def make_ledger(n_cases: int, out_dir: Path, seed: int = 7, fmt: str = "xlsx", encoding: str = "utf-8-sig",
                force: bool = False) -> dict:
    """Write ``ledger.<fmt>`` (xlsx, xls or csv in ``encoding``),
    ``judges.csv`` and ``ledger_truth.json`` into ``out_dir``; returns the truth.

    ``n_cases`` is the number of good cases (at least :data:`MIN_CASES`);
    the ledger has two malformed rows more. Amounts are drawn in whole
    cents, so the truth's totals are exact. A folder holding files no sample
    wrote is refused (:func:`casegraph.sample.folder.claim`) unless ``force``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    if n_cases < MIN_CASES:
        raise ValueError(f"a ledger sample needs at least {MIN_CASES} cases")
    out_dir = Path(out_dir)
    folder.claim(out_dir, force)
    rng = np.random.default_rng(seed)
    cases, truth = _draw(rng, n_cases)
    rows = _typed(rng, cases, excel=fmt != "csv")
    out_dir.mkdir(parents=True, exist_ok=True)
    total_cents = sum(c["cents"] or 0 for c in cases if not c["malformed"])
    blank = 3
    truth["rows"].update(first=FIRST_ROW, last_case=FIRST_ROW + len(rows) - 1,
                         blank=list(range(FIRST_ROW + len(rows), FIRST_ROW + len(rows) + blank)),
                         total=FIRST_ROW + len(rows) + blank)
    rows += [[len(rows) + k + 1] + [""] * (len(HEADER) - 1) for k in range(blank)]  # a template's numbered empty rows
    total = ["合计", f"{len(cases)}件", "", "", "", "", total_cents / 100 if fmt != "csv" else _thousands(total_cents)]
    rows.append(total + [""] * (len(HEADER) - len(total)))
    note = f"（截至{cases[-1]['filed'].year}年{cases[-1]['filed'].month}月，单位：元）"
    path = out_dir / f"ledger.{fmt}"
    {"xlsx": _write_xlsx, "xls": _write_xls, "csv": lambda p, n, r: _write_csv(p, n, r, encoding)}[fmt](path, note, rows)
    _write_judges(out_dir / "judges.csv", n_cases)
    truth["file"] = path.name
    (out_dir / "ledger_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8", newline="\n")
    folder.note(out_dir, [path.name, "judges.csv", "ledger_truth.json"])
    return truth


def _draw(rng, n: int) -> tuple[list[dict], dict]:
    """The cases in filing order, and the truth about them."""
    n_co = max(3, n // 1000)
    per_co = rng.integers(4, 11, n_co)
    n_minors = max(4, n // 50)
    companies = names_from_ints(np.unique(sample_names(rng, 4 * n_co + 4 * n + 16)))
    rng.shuffle(companies)
    planted_names, bulk_companies = companies[:n_co], companies[n_co:]
    people = person_names(rng, 4 * n + 16).tolist()
    pi = iter(range(len(people)))

    def person():
        return people[next(pi)]

    def claim(median):
        return None if median is None else int(round(float(rng.lognormal(np.log(median), 0.8)) * 100))

    cases = []
    for name, m in zip(planted_names, per_co.tolist()):
        for _ in range(m):
            cause, median = MONEY_CAUSES[int(rng.integers(0, 3))]
            debtors = [name] + ([person()] if rng.random() < 0.3 else [])  # a guarantor beside the borrower
            cases.append(dict(cause=cause, applicants=[_party(rng, person, bulk_companies)], debtors=debtors,
                              cents=claim(median), judge=True, planted=name))
    for _ in range(n_minors):
        cause, median = MINORS_CAUSES[int(rng.random() < 0.3)]
        cases.append(dict(cause=cause, applicants=[person()], debtors=[person()], cents=claim(median), judge=False))
    while len(cases) < n:
        cause, median = MONEY_CAUSES[int(rng.integers(0, len(MONEY_CAUSES)))]
        k_app, k_deb = 1 + int(rng.random() < 0.08), 1 + int(rng.random() < 0.15) + int(rng.random() < 0.04)
        cases.append(dict(cause=cause, applicants=[_party(rng, person, bulk_companies) for _ in range(k_app)],
                          debtors=[_party(rng, person, bulk_companies, org=0.25) for _ in range(k_deb)],
                          cents=claim(median), judge=rng.random() < 0.8))
    order = rng.permutation(len(cases))
    cases = [cases[i] for i in order]
    days = np.sort(rng.integers(0, 3 * 365, len(cases)))
    start = dt.date(2022, 1, 1)
    seq: dict[int, int] = {}
    for c, d in zip(cases, days.tolist()):
        c["filed"] = start + dt.timedelta(days=d)
        year = c["filed"].year
        seq[year] = seq.get(year, 0) + int(rng.integers(1, 4))
        c["case_no"] = f"（{year}）沪0113执{seq[year]}号"
        c["malformed"] = False
    for bad, at in zip(MALFORMED, sorted(rng.choice(np.arange(5, len(cases) - 5), 2, replace=False).tolist())):
        cases.insert(at, dict(cause="民间借贷纠纷", applicants=[person()], debtors=[person()], cents=1_000_000,
                              judge=True, filed=cases[at]["filed"], case_no=bad, malformed=True))
    totals: dict[str, list[int]] = {}
    for c in cases:
        if c.get("planted") and not c["malformed"]:
            totals.setdefault(c["planted"], []).append(c["cents"])
    truth = {
        "rows": {"cases": n, "malformed": [FIRST_ROW + i for i, c in enumerate(cases) if c["malformed"]]},
        "parties": sum(len(c["applicants"]) + len(c["debtors"]) for c in cases if not c["malformed"]),
        "company_debtors": [{"name": k, "n_cases": len(v), "total_amount": f"{sum(v) / 100:.2f}"}
                            for k, v in sorted(totals.items())],
        "minors_cases": sorted(c["case_no"] for c in cases if c["cause"] in [m for m, _ in MINORS_CAUSES]),
        "minors_team": Options().minors_team,
    }
    return cases, truth


def _party(rng, person, companies, org: float = 0.35) -> str:
    return companies[int(rng.integers(0, len(companies)))] if rng.random() < org else person()


def _thousands(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def _wan(cents: int) -> str:
    """Cents as 万 with no digit lost: 1234567 cents = 1.234567万."""
    return f"{(Decimal(cents) / 1_000_000).normalize():f}"


def _amount(rng, cents: int | None, excel: bool):
    """An amount as some clerk typed it."""
    if cents is None:
        return ""
    form = rng.random()
    if form < 0.35:
        return cents / 100 if excel else f"{cents / 100:.2f}"
    if form < 0.55:
        return _thousands(cents)
    if form < 0.7:
        return _wan(cents) + ("万元" if rng.random() < 0.5 else "万")
    if form < 0.8:
        return "￥" + _thousands(cents)  # the sign a Chinese keyboard types (GBK has no ¥)
    if form < 0.9:
        return _thousands(cents) + "元"
    return f"{cents / 100:.2f}".translate(FULLWIDTH)


def _date(rng, d: dt.date, excel: bool):
    form = rng.random()
    if form < 0.4:
        return dt.datetime(d.year, d.month, d.day) if excel else d.isoformat()
    if form < 0.6:
        return f"{d.year}年{d.month}月{d.day}日"
    if form < 0.8:
        return f"{d.year}/{d.month}/{d.day}"
    return d.strftime("%Y%m%d")


def _cell(rng, names: list[str]) -> str:
    return SEPARATORS[int(rng.integers(0, len(SEPARATORS)))].join(names) if len(names) > 1 else names[0]


def _typed(rng, cases: list[dict], excel: bool) -> list[list]:
    judges = [f"{s}法官" for s in SURNAMES[:6]]
    rows = []
    for i, c in enumerate(cases):
        closed = not c["malformed"] and c["judge"] and rng.random() < 0.4
        how = ("终结本次执行" if rng.random() < 0.6 else "执行完毕") if closed else ""
        end = c["filed"] + dt.timedelta(days=int(rng.integers(30, 300))) if closed else None
        rows.append([i + 1, c["case_no"], _date(rng, c["filed"], excel), c["cause"], _cell(rng, c["applicants"]),
                     _cell(rng, c["debtors"]), _amount(rng, c["cents"], excel),
                     judges[int(rng.integers(0, len(judges)))] if c["judge"] else "", "已结" if closed else "执行中", how,
                     _date(rng, end, excel) if end else ""])
    return rows


def _write_xlsx(path: Path, note: str, rows: list[list]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("Sheet1")
    dates, money = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "#,##0.00"})
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, TITLE, book.add_format({"bold": True, "align": "center"}))
    sheet.merge_range(1, 0, 1, len(HEADER) - 1, note)
    sheet.write_row(2, 0, HEADER)
    for r, row in enumerate(rows, start=FIRST_ROW - 1):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                sheet.write_datetime(r, c, v, dates)
            elif isinstance(v, float):
                sheet.write_number(r, c, v, money)
            elif isinstance(v, int):
                sheet.write_number(r, c, v)
            elif v != "":
                sheet.write_string(r, c, v)
    book.close()


def _write_xls(path: Path, note: str, rows: list[list]) -> None:
    import xlwt  # the old format only a test needs written: xlwt is a test dependency

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, TITLE)
    sheet.write_merge(1, 1, 0, len(HEADER) - 1, note)
    for c, h in enumerate(HEADER):
        sheet.write(2, c, h)
    for r, row in enumerate(rows, start=FIRST_ROW - 1):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                sheet.write(r, c, v, dates)
            elif v != "":
                sheet.write(r, c, v)
    book.save(str(path))


def _write_csv(path: Path, note: str, rows: list[list], encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow([TITLE] + [""] * (len(HEADER) - 1))
        w.writerow([note] + [""] * (len(HEADER) - 1))
        w.writerow(HEADER)
        w.writerows(rows)


def _write_judges(path: Path, n_cases: int) -> None:
    general = [f"{s}法官" for s in SURNAMES[:6]]
    minors = [f"{s}法官" for s in SURNAMES[10:12]]
    room = max(50, n_cases // 3)
    lines = ["法官,团队,容量"] + [f"{j},执行{'一二三'[i % 3]}组,{room}" for i, j in enumerate(general)]
    lines += [f"{j},{Options().minors_team},{room}" for j in minors]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig", newline="\n")
