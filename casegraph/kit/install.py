"""``python -m casegraph.kit.install KIT/neo4j``: what the kit's install
scripts run once casegraph is installed: the kit's prebuilt Neo4j into this
user's cache (:func:`casegraph.kit.jars.install`). One line and exit 1 if it
cannot; exit 2 for a wrong command line.
"""
from __future__ import annotations

import sys
from pathlib import Path

from casegraph.errors import CasegraphError
from casegraph.kit.jars import install


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m casegraph.kit.install KIT/neo4j", file=sys.stderr)
        return 2
    try:
        lib = install(Path(argv[0]))
    except (CasegraphError, OSError) as e:
        print(f"casegraph: error: {e}", file=sys.stderr)
        return 1
    print(f"Neo4j jars in {lib}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
