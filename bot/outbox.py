"""The outbox worker: deliver stored messages through their channel's sender, with retries.

A row is leased (its next attempt pushed into the future) in a committed transaction before
the send, so a second instance never sends it at the same time; a crash mid-send makes it
due again when the lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.channels.base import Sender, SendError
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


@dataclass(frozen=True, slots=True)
class Lease:
    id: int
    channel: str
    chat_id: str
    message: OutboundMessage
    attempts: int


class OutboxWorker:
    def __init__(self, *, session_factory: sessionmaker[Any], senders: Mapping[str, Sender],
                 now: Callable[[], datetime], max_attempts: int = 12) -> None:
        self._factory = session_factory
        self._senders = senders
        self._now = now
        self._max_attempts = max_attempts

    async def deliver_due(self, *, batch: int = 50) -> int:
        """Send every due message once; returns how many were delivered.

        Chats are served side by side, each chat's messages in order; every send is bounded
        by ``SEND_TIMEOUT``, so a hanging endpoint holds one batch for that long at most.
        The database work runs in threads so the event loop keeps acknowledging messages.
        """
        leases = await asyncio.to_thread(self._lease_due, batch)
        by_chat: dict[str, list[Lease]] = {}
        for lease in leases:
            by_chat.setdefault(lease.chat_id, []).append(lease)
        results = await asyncio.gather(*(self._send_in_order(chat) for chat in by_chat.values()))
        sent = [row_id for chat in results for row_id in chat]
        if sent:
            await asyncio.to_thread(self._mark_sent, sent)
        return len(sent)

    async def _send_in_order(self, leases: list[Lease]) -> list[int]:
        sent = []
        for lease in leases:
            if await self._send(lease):
                sent.append(lease.id)
        return sent

    async def _send(self, lease: Lease) -> bool:
        sender = self._senders.get(lease.channel.split(":")[0])
        try:
            if sender is None:
                raise SendError(retryable=False, reason=f"no sender for {lease.channel}")
            await asyncio.wait_for(sender.send(lease.message, target=lease.chat_id),
                                   timeout=SEND_TIMEOUT.total_seconds())
        except SendError as err:
            await asyncio.to_thread(self._record_failure, lease, err)
            return False
        except TimeoutError:
            await asyncio.to_thread(self._record_failure, lease, SendError(
                retryable=True, reason=f"no answer within {SEND_TIMEOUT.total_seconds():.0f} s"))
            return False
        except Exception as err:  # a sender bug must not kill the worker
            log.exception("sender %s crashed", lease.channel)
            await asyncio.to_thread(self._record_failure, lease,
                                    SendError(retryable=True, reason=repr(err)))
            return False
        OUTBOX_SENT.labels(lease.channel).inc()
        return True

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

    def _mark_sent(self, row_ids: list[int]) -> None:
        with self._factory() as session:
            session.execute(update(OutboxRow).where(OutboxRow.id.in_(row_ids))
                            .values(status="sent", sent_at=self._now(), last_error=None))
            session.commit()

    def _record_failure(self, lease: Lease, err: SendError) -> None:
        final = not err.retryable or lease.attempts >= self._max_attempts
        OUTBOX_FAILED.labels(lease.channel, str(final).lower()).inc()
        log.warning("outbox %s to %s failed (attempt %s): %s", lease.id, lease.chat_id,
                    lease.attempts, err.reason)
        with self._factory() as session:
            row = session.get(OutboxRow, lease.id)
            if row is None:
                return
            row.last_error = err.reason[:2000]
            if final:
                row.status = "dead"
            else:
                backoff = min(timedelta(seconds=2 ** lease.attempts), MAX_BACKOFF)
                row.next_attempt_at = err.retry_at or (self._now() + backoff)
            session.commit()


def _message(row: OutboxRow) -> OutboundMessage:
    return OutboundMessage(chat_id=row.chat_id, text=row.text, mentions=tuple(row.mentions),
                           ticket=row.ticket, event=row.event, level=row.level,
                           markdown=row.markdown, extra={"delivery_id": str(row.id)})


class ConsoleSender:
    """The web console reads the outbox table itself; delivery is just marking it sent."""

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        return None
