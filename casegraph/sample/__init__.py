"""A realistic synthetic court export with planted, known structure and its
truth, for tests, demos and benchmarks.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d:
...     truth = make_sample(1000, Path(d))
>>> truth["counts"]["cases"], len(truth["mass_applicants"]), truth["common_debtors"][0]["n_cases"]
(1000, 1, 26)

How it is made, one room per job:

* :mod:`~casegraph.sample.vocabulary`: the words and weights drawn from
  (causes, courts, regions, names, banks, districts).
* :mod:`~casegraph.sample.identities`: resident IDs, credit codes, names
  and asset numbers, drawn as integers so that every value is drawn once.
* :mod:`~casegraph.sample.plant`: the planted structures (repeat and mass
  applicants, common debtors, offsets, cycles, shared assets, merge decoys),
  small and written with plain Python; they scale with ``n_cases / 10_000``.
* :mod:`~casegraph.sample.bulk`: all other cases, one-off cases between
  fresh parties, built with numpy in a few vectorised passes.
* :mod:`~casegraph.sample.casenos`: filing dates, official and typed case numbers.
* :mod:`~casegraph.sample.judges`: judges, teams and capacities.
* :mod:`~casegraph.sample.truth`: ``truth.json``.
* :mod:`~casegraph.sample.generate`: :func:`make_sample`, which draws in
  one fixed order and writes the files.

Noise that the core's reader must undo is put on a few % of rows: case
numbers typed with ``()``/``〔〕``/spaces, IDs with lower-case x, full-width
digits, spaces, old 15-digit form, masks, blanks and bad check characters,
company rows without their code and with half-width brackets.
"""
from casegraph.sample.generate import make_sample

__all__ = ["make_sample"]
