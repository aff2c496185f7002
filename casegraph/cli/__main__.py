"""``python -m casegraph.cli``: the same as the ``casegraph`` command."""
from casegraph.cli import main

main()
