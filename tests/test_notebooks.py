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
