"""A normal (non-editable) install works from any folder: the installed
package carries cypher/ and the Maven project, and builds the server in the
per-user cache, not in site-packages."""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, cwd, env, timeout=600):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r.stdout


def test_pip_install_not_editable_runs_from_another_folder(tmp_path):
    env_dir = tmp_path / "venv"
    # The venv sees the system's packages (pandas, neo4j, …) so that nothing is
    # downloaded; casegraph itself is installed into the venv, not editable.
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = str(bin_dir / "python")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    run([py, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([py, "-c", "import casegraph, casegraph.resources as r; print(casegraph.__file__); "
                 "print(r.cypher_dir()); print(r.maven_project())"], elsewhere, env).split()
    assert all(str(env_dir) in w for w in where), where  # the installed copy, with its own data
    assert not (Path(where[0]).parent / "_data" / "neo4j" / "target").exists()
    # the explorer's page, script and style come along
    run([py, "-c", "from casegraph.explore import app; assert (app.STATIC / 'explore.js').is_file() "
         "and (app.STATIC / 'explore.css').is_file() and (app.HERE / 'templates' / 'explore.html').is_file()"],
        elsewhere, env)

    cg = str(bin_dir / "casegraph")
    data = tmp_path / "neo4j"
    env["CASEGRAPH_NEO4J_DATA"] = str(data)
    run([cg, "sample", "--cases", "300", "--out", "export"], elsewhere, env)
    run([cg, "neo4j", "start", "--heap", "512m", "--pagecache", "256m"], elsewhere, env)
    try:
        out = run([cg, "load", "export", "--no-progress"], elsewhere, env)
        assert "loaded 300 cases" in out
        run([cg, "flag", "--out", "flags", "--no-progress"], elsewhere, env)
        assert (elsewhere / "flags" / "flags.xlsx").is_file()
        case_no = (elsewhere / "export" / "cases.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
        out = run([cg, "query", "related_cases", "--param", f"case_no={case_no}"], elsewhere, env)
        assert "no query" not in out
    finally:
        subprocess.run([cg, "neo4j", "stop"], cwd=elsewhere, env=env, capture_output=True, timeout=120)
    # site-packages stays clean of build output
    assert not list(Path(where[0]).parent.rglob("*.jar"))
    assert sys.executable != py
