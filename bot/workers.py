"""Background work of the live service: drain the inbox, deliver the outbox, sweep timers,
send the scheduled digests.

The scheduler is built in the app's lifespan (never a module global); every job is a thin
shell that opens a unit of work and calls the core.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from enum import StrEnum

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import Counter

from bot.digests import send_due
from bot.services import Services
from dispatcher.sweep import sweep_pass

log = logging.getLogger(__name__)
TIMERS_FIRED = Counter("gridbot_timers_fired_total", "Reminders, escalations and auto-closes")
DIGESTS_SENT = Counter("gridbot_digests_sent_total", "Daily digests and weekly summaries queued")
POLL_SECONDS = 1.0
SWEEP_BATCH = 500  # tickets per transaction: row locks stay short, memory stays flat
DIGEST_CHECK_SECONDS = 60
INBOX_CHUNK = 20


def inbox_lanes(services: Services) -> int:
    """How many chats the inbox decides side by side (``inbox_parallel_chats``, default 1).

    One lane that decides the waiting messages in batches (bot/inbox.py) outruns several
    here: on a database next door the lanes mostly add thread switching (bench/load.py:
    200/s on PostgreSQL, e2e p99 0.3 s with one lane, 1.3–2.2 s with two or four). Lanes pay
    when each round trip is slow — a database across a network — since their waits overlap.
    SQLite gains nothing from them: its writes queue behind one lock.
    """
    return services.settings.inbox_parallel_chats


class Role(StrEnum):
    """Which part of the background work a ``Workers`` runs.

    ``gridbot serve`` runs ``decide`` and ``deliver`` in two processes: each has a GIL of its
    own, so sending replies (``httpx``, ~1 ms of CPU a send) never holds up the thread that
    decides messages, which otherwise waits for the GIL after every database round trip.
    """

    ALL = "all"  # everything: the in-process tests, a lone ``gridbot work``
    DECIDE = "decide"  # the inbox, the sweep and the digests
    DELIVER = "deliver"  # the outbox only

    @property
    def decides(self) -> bool:
        return self is not Role.DELIVER

    @property
    def delivers(self) -> bool:
        return self is not Role.DECIDE


class InboxLanes:
    """Wake-ups for the inbox lanes: each goes to one idle lane, not to every lane.

    A working lane takes the next message itself when it finishes; waking every lane for
    every message would send the idle ones to the database for nothing (they find their chats
    taken). A wake-up that finds no lane idle is kept for the next lane that finishes.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self._idle: list[asyncio.Event] = []  # first idle, first woken
        self._kept = False

    def wake(self) -> None:
        if self._idle:
            self._idle.pop(0).set()
        else:
            self._kept = True

    async def wait(self, turn: asyncio.Event) -> None:
        """Until this lane is woken, or ``POLL_SECONDS`` have passed."""
        if self._kept:
            self._kept = False
            return
        turn.clear()
        self._idle.append(turn)
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_SECONDS):
                    await turn.wait()
        finally:
            if turn in self._idle:
                self._idle.remove(turn)


class Workers:
    """``outbound_ready`` is told whenever new messages wait in the outbox: by default this
    process's own delivery loop; in the ``decide`` role, the process that delivers."""

    def __init__(self, services: Services, *, role: Role = Role.ALL,
                 outbound_ready: Callable[[], None] | None = None) -> None:
        self.services = services
        self.role = role
        # each lane is a thread deciding one chat at a time
        self.inbox = InboxLanes(inbox_lanes(services))
        self.outbox_wake = asyncio.Event()
        self._outbound_ready = outbound_ready or self.outbox_wake.set
        self.scheduler = AsyncIOScheduler(timezone=services.settings.tz)
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        if self.role.decides:
            self._start_scheduler()
            self._tasks = [asyncio.create_task(self._inbox_lane())
                           for _ in range(self.inbox.count)]
            self.wake_inbox()  # catch up on anything stored before a restart
        if self.role.delivers:
            self._tasks.append(asyncio.create_task(self._loop(self.outbox_wake, self._deliver)))
            self.wake_outbox()

    def _start_scheduler(self) -> None:
        self.scheduler.add_job(self.sweep, "interval", id="sweep",
                               seconds=self.services.settings.sweep_interval_seconds,
                               coalesce=True, max_instances=1, misfire_grace_time=None)
        # Digests: checked every minute and once at start, so a restart after 08:30 catches
        # up on today's; scheduled_runs makes each go out once across restarts and instances.
        self.scheduler.add_job(self.digests, "interval", id="digests",
                               seconds=DIGEST_CHECK_SECONDS, coalesce=True, max_instances=1,
                               misfire_grace_time=None,
                               next_run_time=self.services.clock.now())
        self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        scheduled = bool(self.scheduler.running) or not self.role.decides
        return scheduled and bool(self._tasks) and all(not t.done() for t in self._tasks)

    def wake_inbox(self) -> None:
        self.inbox.wake()

    def wake_outbox(self) -> None:
        self.outbox_wake.set()

    async def sweep(self) -> None:
        fired = await asyncio.to_thread(self.sweep_once)
        if fired:
            TIMERS_FIRED.inc(fired)
            self._outbound_ready()

    def sweep_once(self, *, batch: int = SWEEP_BATCH) -> int:
        """Every due timer, batch after batch (a restart may owe thousands), one commit each."""
        services, fired = self.services, 0
        while True:
            with services.unit_of_work() as uow:
                done = sweep_pass(desk=services.desk, timers=services.timers, uow=uow,
                                  now=services.clock.now(), limit=batch)
                uow.commit()
            fired += done.fired
            if not done.full:
                return fired

    async def digests(self) -> None:
        sent = await asyncio.to_thread(send_due, self.services, now=self.services.clock.now())
        if sent:
            DIGESTS_SENT.inc(sent)
            self._outbound_ready()

    async def _inbox_lane(self) -> None:
        turn = asyncio.Event()
        while True:
            await self.inbox.wait(turn)
            try:
                await self._drain_inbox()
            except Exception:  # the lane must survive a database outage and recover by itself
                log.exception("inbox work failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    async def _drain_inbox(self) -> None:
        # Small chunks, waking the outbox after each: a reply leaves while the backlog drains.
        while True:
            processed = await asyncio.to_thread(self.services.inbox.process_pending,
                                                limit=INBOX_CHUNK)
            if processed:
                self._outbound_ready()
            if processed < INBOX_CHUNK:
                return
            self.inbox.wake()  # a backlog: another lane may take the other chats' messages

    async def _deliver(self) -> None:
        await self.services.outbox.deliver_due()

    @staticmethod
    async def _loop(wake: asyncio.Event, work: object) -> None:
        assert callable(work)
        while True:
            # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that arrives just
            # as the event is set (a wake-up right before stop), and the loop never ends.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_SECONDS):
                    await wake.wait()
            wake.clear()
            try:
                await work()
            except Exception:  # the loop must survive a database outage and recover by itself
                log.exception("background work failed; retrying")
                await asyncio.sleep(POLL_SECONDS)
