"""Write: result files (staged, moved in whole) and the report.

* :mod:`~casegraph.write.files`: CSVs and ``summary.json``;
* :mod:`~casegraph.write.report`: ``report/index.html`` and its network pages.
"""
from casegraph.write.files import OutputError, write_tables
from casegraph.write.result import write_result

__all__ = ["OutputError", "write_result", "write_tables"]
