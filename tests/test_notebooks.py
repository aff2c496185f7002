"""The analysts' notebooks run top to bottom: on the embedded engine, and
against a real Neo4j when ``NEO4J_URI`` is set."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def run(path: Path, out: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, out / path.name)  # the executed copy, to look at when a test fails
    return nb


def text_of(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["debtor_network.ipynb"]


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_embedded_engine(path, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRAPH_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    text = text_of(run(path, tmp_path))
    assert "NEO4J_URI is not set" in text
    assert "planted cycles, all found" in text
    pages = sorted(p.name for p in (tmp_path / "pages").glob("*.html"))
    assert "top-debtor.html" in pages and any(p.startswith("cycle-") for p in pages)
    assert (tmp_path / "results" / "report" / "index.html").is_file()
    assert (tmp_path / "sample" / "cases.csv").is_file()  # the sample in a folder of its own


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_against_neo4j(path, tmp_path, monkeypatch, neo4j_server):
    from casegraph.engines.neo4j import db as ne

    monkeypatch.setenv("CASEGRAPH_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.setenv("NEO4J_URI", neo4j_server.uri)
    with ne.connect(neo4j_server.uri) as db:
        ne.clear(db)  # a database holding only the sample: the engines must then agree exactly
    try:
        text = text_of(run(path, tmp_path))
    finally:
        with ne.connect(neo4j_server.uri) as db:
            ne.clear(db)
    assert "NEO4J_URI is not set" not in text
    assert "same as embedded: True" in text
    assert (tmp_path / "pages" / "top-debtor-neo4j.html").is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_a_given_export_and_leaves_it_untouched(path, tmp_path, monkeypatch):
    from casegraph.sample.generate import make_sample

    court = tmp_path / "court"
    make_sample(600, court, seed=11)
    (court / "truth.json").unlink()  # a court's export has no truth
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in court.iterdir()}
    out = tmp_path / "out"
    monkeypatch.setenv("CASEGRAPH_NOTEBOOK_OUT", str(out))
    monkeypatch.setenv("CASEGRAPH_EXPORT", str(court))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    text = text_of(run(path, tmp_path))
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in court.iterdir()} == before
    assert f"export in {court}" in text and "offset cycles in your export" in text
    assert not (out / "sample").exists() and (out / "results" / "common_debtors.csv").is_file()
