"""The house: no module of casegraph imports, directly or through others, a
module that imports it back (imports inside functions count too)."""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import casegraph

ROOT = Path(casegraph.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> nx.DiGraph:
    modules = {module_name(p): p for p in ROOT.rglob("*.py")}
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                # `from pkg import sub` imports the submodule pkg.sub
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                if t in modules and t != name:
                    g.add_edge(name, t)
    return g


def test_no_import_cycle():
    g = import_graph()
    assert len(g) > 20  # the walk found the package
    cycles = [c for c in nx.simple_cycles(g)]
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_bottom_layer_imports_nothing_above_it():
    g = import_graph()
    for bottom in ("casegraph.contract", "casegraph.errors", "casegraph.system", "casegraph.resources"):
        if bottom in g:
            assert set(nx.descendants(g, bottom)) <= {"casegraph.contract", "casegraph.errors", "casegraph.system"}, bottom


def test_engines_never_import_the_pipeline():
    g = import_graph()
    engines = [m for m in g if m.startswith("casegraph.engines")]
    for m in engines:
        assert "casegraph.pipeline" not in nx.descendants(g, m), m
