"""The supervisor of the worker process that ``gridbot serve`` runs beside its HTTP server.

Why a process of its own: acknowledging a webhook and processing the inbox compete for one
GIL in one process, and under load the acknowledgement loses (p99 well above 50 ms). Here
the HTTP process only stores and acknowledges; ``gridbot work`` (a child) does the rest.

The parent talks to the child through one pipe, one byte per wake-up (``i`` inbox, ``o``
outbox). Closing the pipe is the stop request: the child sees end-of-file, finishes what it is
doing and exits. A child that dies is restarted with a growing delay. The child also asks the
kernel to kill it when this process dies (see ``bot/worker_process.py``), so a crash of the
service takes both down, as it did when they were one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how soon an exit is noticed; a poll is one waitpid, nothing more
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STABLE_SECONDS = 60.0  # a child that ran this long before dying starts the backoff afresh
STOP_GRACE = 15.0  # after end-of-file: time to finish the current batch and exit
TERM_GRACE = 5.0
EXIT_CHECK_SECONDS = 0.05


def work_command(config_path: Path, wake_fd: int) -> list[str]:
    return [sys.executable, "-m", "bot", "work", "--config", str(config_path),
            "--wake-fd", str(wake_fd)]


class BackgroundProcess:
    """Starts, watches, restarts and stops one ``gridbot work`` child.

    Every method runs on the event loop thread: the child is spawned from it, and Linux ties
    a child's parent-death signal to the spawning *thread*, so a pool thread that exits must
    never be the one that spawned it.
    """

    def __init__(self, *, config_path: Path) -> None:
        self._config_path = config_path.resolve()
        self._process: subprocess.Popen[bytes] | None = None
        self._wake_fd: int | None = None
        self._started_at = 0.0
        self._stopping = False
        self._supervisor: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return (not self._stopping and self._process is not None
                and self._process.poll() is None)

    def start(self) -> None:
        self._spawn()
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    def wake_inbox(self) -> None:
        self._wake(b"i")

    def wake_outbox(self) -> None:
        self._wake(b"o")

    async def stop(self) -> None:
        """End-of-file first (a clean finish), then SIGTERM, then SIGKILL."""
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        process = self._process
        self._close_pipe()
        if process is None or await _exited(process, STOP_GRACE):
            return
        log.warning("worker process %s did not stop in %.0f s; SIGTERM", process.pid, STOP_GRACE)
        process.terminate()
        if not await _exited(process, TERM_GRACE):
            log.warning("worker process %s ignored SIGTERM; SIGKILL", process.pid)
            process.kill()
            await _exited(process, TERM_GRACE)

    def _spawn(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            # Same cwd and environment; output goes where the service's goes.
            self._process = subprocess.Popen(work_command(self._config_path, read_fd),
                                             pass_fds=(read_fd,))
        except BaseException:
            os.close(write_fd)
            raise
        finally:
            os.close(read_fd)  # the child holds its own copy; ours would hide its EOF
        # A wake-up must never block an acknowledgement: a full pipe already means "wake".
        os.set_blocking(write_fd, False)
        self._wake_fd = write_fd
        self._started_at = time.monotonic()
        log.info("worker process %s started", self._process.pid)

    async def _supervise(self) -> None:
        backoff = FIRST_BACKOFF
        while True:
            await asyncio.sleep(POLL_SECONDS)
            assert self._process is not None
            code = self._process.poll()
            if code is None:
                continue
            if time.monotonic() - self._started_at >= STABLE_SECONDS:
                backoff = FIRST_BACKOFF
            log.error("worker process %s exited unexpectedly (code %s); restarting in %.0f s",
                      self._process.pid, code, backoff)
            self._close_pipe()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            try:
                self._spawn()
            except OSError:
                log.exception("could not start the worker process; retrying")
                self._started_at = time.monotonic()  # keeps the backoff growing

    def _wake(self, byte: bytes) -> None:
        if self._wake_fd is None:
            return
        # A full pipe or a dead child: nothing lost, the worker also polls every second.
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self._wake_fd, byte)

    def _close_pipe(self) -> None:
        if self._wake_fd is not None:
            os.close(self._wake_fd)
            self._wake_fd = None


async def _exited(process: subprocess.Popen[bytes], seconds: float) -> bool:
    for _ in range(round(seconds / EXIT_CHECK_SECONDS)):
        if process.poll() is not None:
            return True
        await asyncio.sleep(EXIT_CHECK_SECONDS)
    return process.poll() is not None
