"""The supervisor of the worker processes that ``gridbot serve`` runs beside its HTTP server.

Why processes of their own: acknowledging a webhook, deciding messages and sending replies
each want a GIL. In one process the acknowledgement loses under load (p99 well above 50 ms),
and the thread deciding messages waits for the GIL after every database round trip while
replies are being sent. Here the HTTP process only stores and acknowledges; two
``gridbot work`` children do the rest: ``decide`` (inbox, sweep, digests) and ``deliver``
(the outbox).

The parent talks to each child through a pipe of its own, one byte per wake-up (``i`` inbox,
``o`` outbox). Closing it is the stop request: the child sees end-of-file, finishes what it is
doing and exits. A third pipe, made once and held open by the parent for the service's life,
joins the children across their restarts: ``decide`` writes ``o`` into it, ``deliver`` reads.
A child that dies is restarted with a growing delay. Each child also asks the kernel to kill
it when this process dies (see ``bot/worker_process.py``), so a crash of the service takes
them all down, as it did when they were one process.
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


def write_wake(fd: int, byte: bytes) -> None:
    """One wake-up byte into a non-blocking pipe. A full pipe already means "wake", and a
    reader that is gone (being restarted) catches up when it starts: neither is an error."""
    with contextlib.suppress(BlockingIOError, BrokenPipeError):
        os.write(fd, byte)


def work_command(config_path: Path, wake_fd: int, *, role: str = "all",
                 outbox_fd: int | None = None) -> list[str]:
    command = [sys.executable, "-m", "bot", "work", "--config", str(config_path),
               "--wake-fd", str(wake_fd), "--role", role]
    return command if outbox_fd is None else [*command, "--outbox-fd", str(outbox_fd)]


class WorkerProcesses:
    """``gridbot serve``'s two children, ``decide`` and ``deliver``, as one background."""

    def __init__(self, *, config_path: Path) -> None:
        self._config_path = config_path
        self._outbox_pipe: tuple[int, int] | None = None
        self._children: list[BackgroundProcess] = []

    @property
    def running(self) -> bool:
        return bool(self._children) and all(child.running for child in self._children)

    def start(self) -> None:
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)  # a wake-up never blocks; a full pipe means "wake"
        self._outbox_pipe = read_fd, write_fd
        self._children = [
            BackgroundProcess(config_path=self._config_path, role="decide", outbox_fd=write_fd),
            BackgroundProcess(config_path=self._config_path, role="deliver", outbox_fd=read_fd)]
        for child in self._children:
            child.start()

    def wake_inbox(self) -> None:
        if self._children:
            self._children[0].wake_inbox()

    def wake_outbox(self) -> None:
        if self._outbox_pipe is not None:
            write_wake(self._outbox_pipe[1], b"o")

    async def stop(self) -> None:
        """The decider first: what it queues on its way out is still delivered."""
        for child in self._children:
            await child.stop()
        if self._outbox_pipe is not None:
            for fd in self._outbox_pipe:
                os.close(fd)
            self._outbox_pipe = None


class BackgroundProcess:
    """Starts, watches, restarts and stops one ``gridbot work`` child.

    Every method runs on the event loop thread: the child is spawned from it, and Linux ties
    a child's parent-death signal to the spawning *thread*, so a pool thread that exits must
    never be the one that spawned it. ``outbox_fd`` (an end of the pipe between the two
    children) is handed to every child this starts; the caller keeps and closes it.
    """

    def __init__(self, *, config_path: Path, role: str = "all",
                 outbox_fd: int | None = None) -> None:
        self._config_path = config_path.resolve()
        self._role, self._outbox_fd = role, outbox_fd
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
        shared = () if self._outbox_fd is None else (self._outbox_fd,)
        try:
            # Same cwd and environment; output goes where the service's goes.
            self._process = subprocess.Popen(
                work_command(self._config_path, read_fd, role=self._role,
                             outbox_fd=self._outbox_fd), pass_fds=(read_fd, *shared))
        except BaseException:
            os.close(write_fd)
            raise
        finally:
            os.close(read_fd)  # the child holds its own copy; ours would hide its EOF
        # A wake-up must never block an acknowledgement: a full pipe already means "wake".
        os.set_blocking(write_fd, False)
        self._wake_fd = write_fd
        self._started_at = time.monotonic()
        log.info("worker process %s (%s) started", self._process.pid, self._role)

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
        if self._wake_fd is not None:  # nothing lost if not: the worker also polls each second
            write_wake(self._wake_fd, byte)

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
