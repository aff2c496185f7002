"""casegraph: related cases and party networks for enforcement bureaus.

The library is the product; the ``casegraph`` command is a thin layer over it.

Example::

    import casegraph
    result = casegraph.analyze("export/", judges="judges.csv")
    casegraph.write_result(result, "out/")
"""
from casegraph.pipeline import Result, analyze, prepare
from casegraph.contract import Options
from casegraph.read import InputError
from casegraph.write.files import OutputError
from casegraph.write.result import write_result

__all__ = ["analyze", "prepare", "Result", "Options", "write_result", "InputError", "OutputError"]
__version__ = "0.1.0"
