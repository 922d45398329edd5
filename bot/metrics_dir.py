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
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "gridbot-metrics-"  # then the serving process's pid: gridbot-metrics-4242-x1y2

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
    _remove_orphans()
    directory = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
    os.environ[ENV] = directory
    _created.append(directory)


def _remove_orphans() -> None:
    """Directories of services that were killed (SIGKILL leaves no chance to clean up)."""
    for found in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        owner = found.name.removeprefix(PREFIX).split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(found, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, but alive
        pass
    return True


def remove_metrics_dir() -> None:
    """At shutdown, once the children have stopped. Called from the app's lifespan, not a
    ``finally`` around ``uvicorn.run``: after a graceful SIGTERM uvicorn raises the signal
    again, and the process ends without unwinding."""
    while _created:
        shutil.rmtree(_created.pop(), ignore_errors=True)
