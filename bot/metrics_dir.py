"""One ``/metrics`` for all of ``gridbot serve``'s processes.

The counters that matter (deliveries, failures, timers fired, digests) are counted in the
``decide`` and ``deliver`` children, not in the HTTP process that answers ``/metrics``. The
prometheus client's multiprocess mode lets each process write its counters to files in one
directory, which ``/metrics`` then sums (bot/app.py).

Deliberately free of ``prometheus_client``: the client picks in-memory or file-backed values
once, when it is first imported, so the directory must be in the environment before that.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile

ENV = "PROMETHEUS_MULTIPROC_DIR"

log = logging.getLogger(__name__)
_created: list[str] = []  # the directory this process made, to remove at shutdown


def share_metrics_dir() -> None:
    """A fresh directory for this service's processes; the children inherit it with the
    environment. Fresh, because counts an earlier run left would add to this one's."""
    if os.environ.get(ENV):  # the operator's own directory: theirs to manage
        return
    if "prometheus_client" in sys.modules:  # too late to switch (in-process callers)
        log.warning("metrics of the worker processes will not appear in /metrics")
        return
    directory = tempfile.mkdtemp(prefix="gridbot-metrics-")
    os.environ[ENV] = directory
    _created.append(directory)


def remove_metrics_dir() -> None:
    """At shutdown, once the children have stopped. Called from the app's lifespan, not a
    ``finally`` around ``uvicorn.run``: after a graceful SIGTERM uvicorn raises the signal
    again, and the process ends without unwinding."""
    while _created:
        shutil.rmtree(_created.pop(), ignore_errors=True)
