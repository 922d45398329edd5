"""``gridbot work``: the background work (inbox, outbox, sweep, digests) without HTTP.

Run by ``gridbot serve`` as two children (see ``bot/background.py``), ``--role decide`` and
``--role deliver``, each with ``--wake-fd``: the read end of a pipe whose bytes wake the
loops (``i`` inbox, ``o`` outbox) and whose end-of-file means "the service is stopping or
gone". ``--outbox-fd`` joins the two: the decider writes ``o`` into it when replies wait,
the deliverer reads it. Every loop also polls each second, so a lost wake-up only costs
latency.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import logging
import os
import select
import signal
import sys
from collections.abc import Callable

from bot.background import write_wake
from bot.live_services import open_services
from bot.services import warm_up
from bot.settings import Settings
from bot.workers import Role, Workers

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WORKER_NICENESS = 5


def die_with_parent(wake_fd: int) -> bool:
    """Linux: have the kernel SIGKILL this process when its parent dies.

    A SIGKILLed ``gridbot serve`` must take its worker with it, exactly as a crash of the one
    process it replaces did: nothing may keep working for a service that is gone. The request
    only covers deaths after it, so it returns False when the parent is already gone: its pid
    changed, or the wake pipe has lost its only writer (the parent holds it and nobody
    else), which also catches a parent that died before this process could even read its
    parent pid.
    """
    parent = os.getppid()
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    return os.getppid() == parent and _has_writer(wake_fd)


def _has_writer(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return not any(events & select.POLLHUP for _, events in poller.poll(0))


def yield_to_acknowledgements() -> None:
    """Run below the HTTP process's CPU priority (nice +5, about a third of its share).

    The acknowledgement is what a sender waits on and must stay under 50 ms; the background
    work is throughput, and a few milliseconds of scheduling delay cost it nothing. On a
    small machine, four busy processes (HTTP, decide, deliver, the database) share the
    cores, and without this the HTTP process waits its turn behind the workers.
    """
    os.nice(WORKER_NICENESS)


def configure_logging() -> None:
    """Warnings and errors from everything, as the HTTP process prints them, plus the bot's
    own notes (start, stop, scheduled runs); not httpx's or APScheduler's line per request
    and per job run, which at load would cost more than the work."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s [worker %(process)d] %(name)s: "
                               "%(message)s")
    logging.getLogger("bot").setLevel(logging.INFO)


async def run_worker(settings: Settings, *, wake_fd: int | None, role: Role = Role.ALL,
                     outbox_fd: int | None = None) -> None:
    """Run the workers until SIGTERM, SIGINT (unsupervised only) or the pipe's end-of-file.

    ``outbox_fd``: in the ``decide`` role, where to say that replies wait; in ``deliver``,
    where that is heard.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    if wake_fd is None:
        loop.add_signal_handler(signal.SIGINT, stop.set)
    else:
        # Ctrl-C reaches the whole process group; the supervising parent then stops us
        # through the pipe, in order, instead of racing it with an exit it would restart.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    async with open_services(settings) as services:
        if role.decides:
            await asyncio.to_thread(warm_up, services)
        # The list, the classifier's index and jieba's dictionary live as long as the process
        # (~135k objects); a full collection scanning them stops everything for ~65 ms, every
        # few seconds under load. Frozen, the collector only looks at what came after.
        gc.freeze()
        ready = _teller(outbox_fd) if role is Role.DECIDE and outbox_fd is not None else None
        workers = Workers(services, role=role, outbound_ready=ready)
        workers.start()
        heard = [fd for fd in (wake_fd, outbox_fd if role is Role.DELIVER else None)
                 if fd is not None]
        for fd in heard:
            _listen(loop, fd, workers, stop)
        log.info("background work started (%s)", role)
        try:
            await stop.wait()
        finally:
            for fd in heard:
                loop.remove_reader(fd)
            for given in (wake_fd, outbox_fd):
                if given is not None:
                    os.close(given)
            await workers.stop()
    log.info("background work stopped (%s)", role)


def _teller(fd: int) -> Callable[[], None]:
    """Tell the delivering process that replies wait: one byte, never blocking."""
    os.set_blocking(fd, False)
    return functools.partial(write_wake, fd, b"o")


def _listen(loop: asyncio.AbstractEventLoop, fd: int, workers: Workers,
            stop: asyncio.Event) -> None:
    os.set_blocking(fd, False)

    def on_readable() -> None:
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:
            return
        if not data:  # the parent closed its end or is gone
            loop.remove_reader(fd)
            stop.set()
            return
        if b"i" in data:
            workers.wake_inbox()
        if b"o" in data:
            workers.wake_outbox()

    loop.add_reader(fd, on_readable)
