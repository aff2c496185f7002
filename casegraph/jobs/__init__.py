"""Jobs over the shared store: the morning routing and the nightly flags.

* :mod:`~casegraph.jobs.route`: route the day's new cases to judges;
* :mod:`~casegraph.jobs.flag`: flag candidates for centralised enforcement, bankruptcy, set-off.
"""
