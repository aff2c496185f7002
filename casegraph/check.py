"""``casegraph check``: how an input was understood, before anything is analysed.

Like csvkit's ``csvstat`` or sqlite-utils' ``--detect-types``, it says:

* which file or sheet became which table, and which header became which
  column (with the unit of an amount);
* how many rows were read, used, set aside and would be rejected, with the
  commonest reasons and an example of each (row and cell);
* a few normalised rows, with ID numbers masked.

It reads and normalises only (no resolution, no findings), so it is quick
on any input. The input is usable when it reads, something is left to
analyse, and no table loses more than ``Options.max_rejected`` of its rows.

Example::

    report = check("台账.xlsx")
    print("\\n".join(report.lines()))
    report.usable     # True
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.normalise.clean import Clean, normalise
from casegraph.normalise.identity import mask
from casegraph.read import Layout, read_export
from casegraph.reasons import kind_label, say, template_of

TABLE_WORDS = {"cases": "cases", "parties": "party rows", "assets": "asset rows", "judges": "judges"}


@dataclass
class Check:
    """What ``casegraph check`` found; :meth:`lines` says it."""

    source: str
    form: str
    layouts: list[Layout]
    counts: dict[str, dict[str, int]]
    reasons: dict[str, list[tuple[str, int, dict]]]
    warnings: list[tuple[str, int, dict]]
    samples: pd.DataFrame
    too_many: dict = field(default_factory=dict)
    limit: float = C.Options().max_rejected

    list_name: str = ""

    @property
    def usable(self) -> bool:
        return not self.too_many

    def what(self) -> str:
        """Which kind of input the file was taken for, in words."""
        if self.form == "list":
            return (f"a published list ({self.list_name or '被执行人名单'}): one debtor per row, no applicants "
                    "(the applicants' findings are not made)")
        if self.form == "ledger":
            return "a ledger (台账): one row per case, parties in role columns"
        return "an export: one table per file or sheet"

    def lines(self, lang: str = "zh", examples: int = 3) -> list[str]:
        """The report, line by line; reasons in ``lang``."""
        out = [f"{self.source}: {self.what()}"]
        for lay in self.layouts:
            skipped = ", ".join(f"{n} {k} row{'s' * (n != 1)}" for k, n in lay.skipped.items())
            head = f"header on row {lay.header_row}" if lay.header_row else "each record's keys as headers"
            out.append(f"  {lay.source} -> {lay.table}: {head}, {lay.rows} data rows"
                       + (f" ({skipped} skipped)" if skipped else ""))
            width = max((_width(c.header) for c in lay.columns if c.header), default=4)
            for c in lay.columns:
                if not c.header and not c.field:
                    continue
                target = (c.field + (f", in {c.unit}" if c.unit else "")) if c.field else "(not read)"
                out.append(f"    {c.letter:>2} {c.header}{' ' * (width - _width(c.header))} -> {target}")
        for table, n in self.counts.items():
            if not n["read"]:
                continue
            share = n["rejected"] / n["read"]
            line = (f"{table}: {n['read']} {TABLE_WORDS.get(table, 'rows')} read, {n['used']} used, "
                    f"{n['rejected']} rejected ({share:.1%})")
            if n.get("set_aside"):
                line += f", {n['set_aside']} set aside (other roles: 第三人, 案外人…)"
            out.append(line + (f"  <- more than {self.limit:.0%}" if table in self.too_many else ""))
            out += self._reasons(self.reasons.get(table, []), "error", lang, examples)
        out.append(f"warnings: {sum(n for _, n, _ in self.warnings)}")
        out += self._reasons(self.warnings, "warning", lang, examples)
        if len(self.samples):
            out.append("first rows as casegraph reads them (IDs masked):")
            out += ["  " + " | ".join(str(v) for v in row) for row in self.samples.itertuples(index=False)]
        if self.usable:
            out.append("usable: casegraph analyze can run on it")
        else:
            tables = ", ".join(self.too_many)
            out.append(f"not usable as it is: too many rows of {tables} rejected (more than {self.limit:.0%}); "
                       "fix them, or raise --max-rejected")
        return out

    @staticmethod
    def _reasons(groups, column: str, lang: str, examples: int) -> list[str]:
        out = []
        for kind, n, ex in groups[:examples]:
            where = " ".join(v for v in (ex.get("sheet"), f"row {ex['row']}", ex.get("cell") and f"cell {ex['cell']}") if v)
            out.append(f"  {n} × {kind_label(kind, lang)}  (e.g. {where}: {say(ex[column], lang)})")
        if len(groups) > examples:
            out.append(f"  … and {sum(n for _, n, _ in groups[examples:])} more of {len(groups) - examples} other kinds")
        return out


def _width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def check(source: str | Path, judges: str | Path | None = None, options: C.Options | None = None,
          samples: int = 3) -> Check:
    """How ``source`` (an export or a ledger, as for analyze) is understood."""
    options = options or C.Options()
    tables = read_export(source, judges)
    clean = normalise(tables)
    counts = _counts(clean)
    too_many = {t: n for t, n in counts.items() if n["read"] and n["rejected"] / n["read"] > options.max_rejected}
    reasons = {t: _groups(clean.rejected[clean.rejected["source"] == t], "error") for t in counts}
    return Check(str(source), tables.form, list(tables.layouts.values()), counts, reasons,
                 _groups(clean.warnings, "warning"), _samples(clean, samples), too_many, options.max_rejected,
                 tables.list_name)


def _counts(clean: Clean) -> dict[str, dict[str, int]]:
    used = {"cases": len(clean.cases), "parties": len(clean.parties), "assets": len(clean.assets),
            "judges": len(clean.judges)}
    rejected = clean.rejected["source"].value_counts()
    return {t: {"read": int(clean.input_rows.get(t, 0)), "used": used[t], "rejected": int(rejected.get(t, 0)),
                "set_aside": len(clean.set_aside) if t == "parties" else 0} for t in used}


def _groups(rows: pd.DataFrame, column: str) -> list[tuple[str, int, dict]]:
    """Rows by the kind of their reason, commonest first: (kind, count, first row)."""
    if rows.empty:
        return []
    kinds = rows[column].map(template_of)
    out = []
    for kind, part in rows.groupby(kinds, sort=False):
        out.append((kind, len(part), part.iloc[0].to_dict()))
    return sorted(out, key=lambda g: -g[1])


def _samples(clean: Clean, n: int) -> pd.DataFrame:
    """The first cases as normalised, with their parties (IDs masked)."""
    cases = clean.cases.head(n)
    p = clean.parties[clean.parties["case_no"].isin(cases["case_no"])]
    label = p["name"] + p["id_canonical"].map(lambda v: f" ({mask(v)})" if v else "")
    sides = {}
    for role, word in ((C.APPLICANT, "申请执行人"), (C.DEBTOR, "被执行人")):
        names = label[p["role"] == role].groupby(p["case_no"][p["role"] == role]).agg("、".join)
        sides[word] = cases["case_no"].map(names).astype(object).fillna("")
    amount = cases["amount"].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
    return pd.DataFrame({"case_no": cases["case_no"], "filed_on": cases["filed_on"], "cause": cases["cause"],
                         "amount": amount, "status": cases["status"], "judge": cases["judge"],
                         **{k: (k + " " + v).where(v != "", "") for k, v in sides.items()}})
