"""A sample export split into the existing cases and the day's new ones, for
trying ``casegraph assign`` (and its tests and benchmark) on a sample: load
the existing part, then assign the new one.

>>> import tempfile
>>> from casegraph.sample.generate import make_sample
>>> root = Path(tempfile.mkdtemp())
>>> _ = make_sample(400, root / "export")
>>> existing, new = split_newest(root / "export", root / "split", 10)
>>> len(pd.read_csv(new / "cases.csv")), len(pd.read_csv(existing / "cases.csv"))
(10, 390)
>>> import shutil; shutil.rmtree(root)
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.normalise.caseno import official_case_nos


def split_newest(export: str | Path, out: str | Path, n_new: int) -> tuple[Path, Path]:
    """Split a folder export into ``out/existing`` and ``out/new``, the
    newest ``n_new`` cases (by filing date) in the new part, with their
    parties and assets; judges go to both."""
    export, out = Path(export), Path(out)
    tables = {t.name: pd.read_csv(export / t.filename, dtype=str, keep_default_na=False)
              for t in (C.CASES, C.PARTIES, C.ASSETS, C.JUDGES) if (export / t.filename).exists()}
    seen: dict = {}

    def official(df):  # clerks type a case number differently in each table
        return official_case_nos(df["case_no"], seen).fillna(df["case_no"])

    cases = tables["cases"].assign(official=official(tables["cases"]))
    newest = set(cases.sort_values(["filed_on", "official"]).tail(n_new)["official"])
    parts = []
    for name, keep in (("existing", False), ("new", True)):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for table, df in tables.items():
            part = df[official(df).isin(newest) == keep] if "case_no" in df else df
            part.to_csv(folder / f"{table}.csv", index=False, encoding="utf-8", lineterminator="\n")
        parts.append(folder)
    return parts[0], parts[1]
