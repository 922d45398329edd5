"""The outbox worker: deliver stored messages through their channel's sender, with retries.

A row is leased (its next attempt pushed into the future) in a committed transaction before
the send, so a second instance never sends it at the same time; a crash mid-send makes it
due again when the lease runs out.

Messages to one chat keep their order: when one cannot go now, the later ones of the same
chat in the batch wait with it. A sender that can coalesce (the WeCom group robot, 20 sends
a minute) gets the due messages of one chat joined into fewer payloads; the source rows of a
payload are marked sent together. A ``Deferred`` (the channel's own budget is used up) only
reschedules: it costs no attempt and counts no failure, so a burst is never given up.

Chats are served side by side (each in order) and every send is bounded by ``SEND_TIMEOUT``,
so one hanging endpoint cannot hold up the others; the database work runs in threads so the
event loop keeps acknowledging inbound messages meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import sessionmaker

from bot.channels.base import Coalescing, Deferred, Sender, SendError
from dispatcher.messages import OutboundMessage
from models.tables import OutboxRow

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
# One send may take this long before it counts as a failed attempt; well under LEASE, so no
# other worker takes the row over while this one still waits for an answer.
SEND_TIMEOUT = timedelta(seconds=15)
MAX_BACKOFF = timedelta(minutes=10)
OUTBOX_SENT = Counter("gridbot_outbox_sent_total", "Outbox messages delivered", ["channel"])
OUTBOX_FAILED = Counter("gridbot_outbox_failures_total", "Failed delivery attempts",
                        ["channel", "final"])
OUTBOX_DEFERRED = Counter("gridbot_outbox_deferred_total",
                          "Sends postponed by a channel's own rate budget (not failures)",
                          ["channel"])


@dataclass(frozen=True, slots=True)
class Lease:
    id: int
    channel: str
    chat_id: str
    message: OutboundMessage
    attempts: int


@dataclass(frozen=True, slots=True)
class Unit:
    """One send: a payload and the leased rows it carries (one, or several coalesced)."""

    channel: str
    chat_id: str
    message: OutboundMessage
    leases: tuple[Lease, ...]


class SentMarks:
    """Marks delivered rows sent, in as few transactions as the database allows.

    ``mark`` returns once its rows are committed as sent, but while one mark is being written,
    the marks that arrive meanwhile gather for the next: under load a handful of commits mark
    hundreds of messages; alone, a send is marked at once.
    """

    def __init__(self, write: Callable[[Sequence[int]], None]) -> None:
        self._write = write
        self._gathering: list[int] = []
        self._gathered: asyncio.Future[None] | None = None
        self._writing = asyncio.Lock()

    async def mark(self, row_ids: Sequence[int]) -> None:
        self._gathering.extend(row_ids)
        if self._gathered is None:
            self._gathered = asyncio.get_running_loop().create_future()
        ours = self._gathered
        async with self._writing:  # one write at a time; the next batch gathers meanwhile
            if not ours.done():
                batch, self._gathering, self._gathered = self._gathering, [], None
                try:
                    await asyncio.to_thread(self._write, batch)
                except Exception as err:  # every send of the batch hears of it
                    ours.set_exception(err)
                else:
                    ours.set_result(None)
        await ours


class OutboxWorker:
    def __init__(self, *, session_factory: sessionmaker[Any], senders: Mapping[str, Sender],
                 now: Callable[[], datetime], max_attempts: int = 12,
                 max_backoff: timedelta = MAX_BACKOFF) -> None:
        self._max_backoff = max_backoff
        self._factory = session_factory
        self._senders = senders
        self._now = now
        self._max_attempts = max_attempts

    async def deliver_due(self, *, batch: int = 50) -> int:
        """Send every due message once; returns how many rows were delivered."""
        leases = await asyncio.to_thread(self._lease_due, batch)
        chats: dict[tuple[str, str], list[Unit]] = {}
        for unit in self._units(leases):
            chats.setdefault((unit.channel, unit.chat_id), []).append(unit)
        marks = SentMarks(self._mark_sent)  # one per round: the chats' sends share its commits
        results = await asyncio.gather(*(self._send_chat(units, marks=marks)
                                         for units in chats.values()))
        return sum(results)

    async def _send_chat(self, units: Sequence[Unit], *, marks: SentMarks) -> int:
        """One chat's units in order; once one cannot go now, the rest wait with it.

        A send does not wait for the previous one's "sent" mark to be committed, only for its
        answer: order needs no more, and waiting for each commit made a chat's sends one
        commit apart (under load, the outbox fell behind by seconds). The chat is done when
        every mark is on record.
        """
        on_record: list[tuple[Unit, asyncio.Future[None]]] = []
        try:
            for index, unit in enumerate(units):
                went, retry_at = await self._send(unit)
                if went:
                    mark = marks.mark([lease.id for lease in unit.leases])
                    on_record.append((unit, asyncio.ensure_future(mark)))
                if retry_at is not None:
                    later = [lease for rest in units[index + 1:] for lease in rest.leases]
                    if later:
                        await asyncio.to_thread(self._postpone, later, retry_at)
                    break
        finally:  # even when a send failed oddly, its chat's marks finish first
            outcomes = await asyncio.gather(*(mark for _, mark in on_record),
                                            return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        for unit, _ in on_record:
            OUTBOX_SENT.labels(unit.channel).inc(len(unit.leases))
        return sum(len(unit.leases) for unit, _ in on_record)

    async def _send(self, unit: Unit) -> tuple[bool, datetime | None]:
        """Deliver ``unit``: (whether it went, when the chat may try again; None: now)."""
        sender = self._senders.get(unit.channel.split(":")[0])
        try:
            if sender is None:
                raise SendError(retryable=False, reason=f"no sender for {unit.channel}")
            async with asyncio.timeout(SEND_TIMEOUT.total_seconds()):
                await sender.send(unit.message, target=unit.chat_id)
        except Deferred as wait:
            OUTBOX_DEFERRED.labels(unit.channel).inc()
            await asyncio.to_thread(self._postpone, unit.leases, wait.retry_at)
            return False, wait.retry_at
        except SendError as err:
            return False, await asyncio.to_thread(self._record_failure, unit, err)
        except TimeoutError:
            timeout = SendError(retryable=True,
                                reason=f"no answer within {SEND_TIMEOUT.total_seconds():.0f} s")
            return False, await asyncio.to_thread(self._record_failure, unit, timeout)
        except Exception as err:  # a sender bug must not kill the worker
            log.exception("sender %s crashed", unit.channel)
            crash = SendError(retryable=True, reason=repr(err))
            return False, await asyncio.to_thread(self._record_failure, unit, crash)
        return True, None

    def _units(self, leases: Sequence[Lease]) -> Iterator[Unit]:
        """Leases grouped per chat (order kept), coalesced where the sender can."""
        chats: dict[tuple[str, str], list[Lease]] = {}
        for lease in leases:
            chats.setdefault((lease.channel, lease.chat_id), []).append(lease)
        for (channel, chat_id), group in chats.items():
            sender = self._senders.get(channel.split(":")[0])
            if len(group) > 1 and isinstance(sender, Coalescing):
                joined = sender.coalesce([lease.message for lease in group])
                for message, sources in joined:
                    yield Unit(channel, chat_id, message, tuple(group[i] for i in sources))
            else:
                for lease in group:
                    yield Unit(channel, chat_id, lease.message, (lease,))

    def _lease_due(self, batch: int) -> list[Lease]:
        """Take the due rows and push their next attempt past the lease, in one statement."""
        now = self._now()
        with self._factory() as session:
            rows = session.connection().execute(
                _LEASE, {"now": now, "until": now + LEASE, "batch": batch}).all()
            session.commit()
        # RETURNING gives no order; a chat's messages must go in the order they were queued.
        return [Lease(row.id, row.channel, row.chat_id, _message(row), row.attempts)
                for row in sorted(rows, key=lambda row: row.id)]

    def _mark_sent(self, row_ids: Sequence[int]) -> None:
        """Every row of ``row_ids`` (one payload's, or several sends') marked sent at once."""
        with self._factory() as session:
            session.connection().execute(_MARK_SENT, {"ids": list(row_ids), "at": self._now()})
            session.commit()

    def _postpone(self, leases: Sequence[Lease], until: datetime) -> None:
        """Give the lease back without spending an attempt: nothing reached the channel."""
        with self._factory() as session:
            for lease in leases:
                row = session.get(OutboxRow, lease.id)
                if row is not None and row.status == "pending":
                    row.attempts = max(0, row.attempts - 1)
                    row.next_attempt_at = until
            session.commit()

    def _record_failure(self, unit: Unit, err: SendError) -> datetime | None:
        attempts = max(lease.attempts for lease in unit.leases)
        final = not err.retryable or attempts >= self._max_attempts
        OUTBOX_FAILED.labels(unit.channel, str(final).lower()).inc()
        log.warning("outbox %s to %s failed (attempt %s): %s",
                    ",".join(str(lease.id) for lease in unit.leases), unit.chat_id, attempts,
                    err.reason)
        backoff = min(timedelta(seconds=2 ** attempts), self._max_backoff)
        retry_at = err.retry_at or (self._now() + backoff)
        with self._factory() as session:
            for lease in unit.leases:
                row = session.get(OutboxRow, lease.id)
                if row is None:
                    continue
                row.last_error = err.reason[:2000]
                if final:
                    row.status = "dead"
                else:
                    row.next_attempt_at = retry_at
            session.commit()
        return None if final else retry_at


_OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
# Built once with parameters (SQLAlchemy keeps the compiled form): they run for every send.
_DUE = (select(_OUTBOX.c.id)
        .where(_OUTBOX.c.status == "pending", _OUTBOX.c.next_attempt_at <= bindparam("now"))
        .order_by(_OUTBOX.c.id).limit(bindparam("batch")).with_for_update(skip_locked=True))
_LEASE = (update(_OUTBOX).where(_OUTBOX.c.id.in_(_DUE))
          .values(attempts=_OUTBOX.c.attempts + 1, next_attempt_at=bindparam("until"))
          .returning(*_OUTBOX.columns))
_MARK_SENT = (update(_OUTBOX).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
              .values(status="sent", sent_at=bindparam("at"), last_error=None))


def _message(row: Any) -> OutboundMessage:
    return OutboundMessage(chat_id=row.chat_id, text=row.text, mentions=tuple(row.mentions),
                           ticket=row.ticket, event=row.event, level=row.level,
                           markdown=row.markdown, extra={"delivery_id": str(row.id)})


class ConsoleSender:
    """The web console reads the outbox table itself; delivery is just marking it sent."""

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        return None
