"""`casegraph kit`: the offline install kit (casegraph.kit)."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.cli.common import detail, emit, main, say


@main.command("kit", env=("CASEGRAPH_CACHE", "JAVA_HOME"))
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for the kit, its zip and the zip's 安装说明.")
@click.option("--platform", type=click.Choice(["linux", "windows"]), default=None,
              help="The machine it installs on: Linux x86_64 or Windows amd64 (default: this machine's).")
@click.option("--python", "pythons", multiple=True, type=click.Choice(["3.10", "3.11", "3.12", "3.13"]),
              help="CPython versions to carry wheels for (repeat; default 3.11, 3.12 and 3.13).")
def kit_command(out, platform, pythons):
    """Make a folder and a zip that install casegraph with no network: the
    wheels of casegraph and every dependency, the local Neo4j prebuilt, the
    install scripts, 安装说明.txt and a manifest. Needs the internet (PyPI,
    and Maven Central unless the local Neo4j is built) and a source checkout.

      casegraph kit --out kits/
      casegraph kit --out kits/ --platform windows
    """
    from casegraph.kit import build_kit
    from casegraph.kit.targets import PYTHONS

    report = build_kit(out, platform=platform, pythons=pythons or PYTHONS, say=detail)
    sizes = report["sizes"]
    say(f"kit for {report['platform']} (CPython {', '.join(report['pythons'])}, Neo4j {report['neo4j']}): "
        f"{report['folder']}/",
        f"zip {report['zip']} ({sizes['zip'] / (1 << 20):.1f} MB, SHA-256 {report['sha256']}) in "
        f"{report['seconds']['total']:.0f} s")
    for python, why in report["not_supported"].items():
        say(f"not in the kit: Python {python}: {why}")
    for python, reasons in report["missing"].items():
        for reason in reasons:
            say(f"no wheel for Python {python} on {report['platform']}: {reason}")
    emit(report)
