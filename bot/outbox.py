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
from sqlalchemy import select, update
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
        results = await asyncio.gather(*(self._send_chat(units) for units in chats.values()))
        return sum(results)

    async def _send_chat(self, units: Sequence[Unit]) -> int:
        """One chat's units in order; once one cannot go now, the rest wait with it."""
        delivered = 0
        for index, unit in enumerate(units):
            sent, retry_at = await self._send(unit)
            delivered += sent
            if retry_at is not None:
                later = [lease for rest in units[index + 1:] for lease in rest.leases]
                if later:
                    await asyncio.to_thread(self._postpone, later, retry_at)
                break
        return delivered

    async def _send(self, unit: Unit) -> tuple[int, datetime | None]:
        """Deliver ``unit``: (rows sent, when the chat may try again, None when it may now)."""
        sender = self._senders.get(unit.channel.split(":")[0])
        try:
            if sender is None:
                raise SendError(retryable=False, reason=f"no sender for {unit.channel}")
            await asyncio.wait_for(sender.send(unit.message, target=unit.chat_id),
                                   timeout=SEND_TIMEOUT.total_seconds())
        except Deferred as wait:
            OUTBOX_DEFERRED.labels(unit.channel).inc()
            await asyncio.to_thread(self._postpone, unit.leases, wait.retry_at)
            return 0, wait.retry_at
        except SendError as err:
            return 0, await asyncio.to_thread(self._record_failure, unit, err)
        except TimeoutError:
            timeout = SendError(retryable=True,
                                reason=f"no answer within {SEND_TIMEOUT.total_seconds():.0f} s")
            return 0, await asyncio.to_thread(self._record_failure, unit, timeout)
        except Exception as err:  # a sender bug must not kill the worker
            log.exception("sender %s crashed", unit.channel)
            crash = SendError(retryable=True, reason=repr(err))
            return 0, await asyncio.to_thread(self._record_failure, unit, crash)
        await asyncio.to_thread(self._mark_sent, [lease.id for lease in unit.leases])
        OUTBOX_SENT.labels(unit.channel).inc(len(unit.leases))
        return len(unit.leases), None

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
        now = self._now()
        with self._factory() as session:
            rows = session.scalars(
                select(OutboxRow).where(OutboxRow.status == "pending",
                                        OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.id).limit(batch).with_for_update(skip_locked=True)).all()
            leases = []
            for row in rows:
                row.attempts += 1
                row.next_attempt_at = now + LEASE
                leases.append(Lease(row.id, row.channel, row.chat_id, _message(row),
                                    row.attempts))
            session.commit()
        return leases

    def _mark_sent(self, row_ids: Sequence[int]) -> None:
        """Every source row of one payload is marked sent in one transaction."""
        with self._factory() as session:
            session.execute(update(OutboxRow).where(OutboxRow.id.in_(row_ids))
                            .values(status="sent", sent_at=self._now(), last_error=None))
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


def _message(row: OutboxRow) -> OutboundMessage:
    return OutboundMessage(chat_id=row.chat_id, text=row.text, mentions=tuple(row.mentions),
                           ticket=row.ticket, event=row.event, level=row.level,
                           markdown=row.markdown, extra={"delivery_id": str(row.id)})


class ConsoleSender:
    """The web console reads the outbox table itself; delivery is just marking it sent."""

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        return None
