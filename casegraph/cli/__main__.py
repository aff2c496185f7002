"""``python -m casegraph.cli``: the same as the ``casegraph`` command (and named so in its messages)."""
from casegraph.cli import main

main(prog_name="casegraph")
