"""The inbox: store every inbound message before acknowledging it, process each exactly once.

Processing a message and marking it done happen in one transaction, so a crash between the
two leaves the message pending and it is processed again from scratch — never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from dispatcher.desk import Desk, Outcome, handle_message
from dispatcher.messages import ChatType, InboundMessage
from models.tables import InboundRow
from models.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


class Inbox:
    def __init__(self, *, session_factory: sessionmaker[Any], desk: Desk,
                 route: Callable[[str], str], now: Callable[[], datetime]) -> None:
        self._factory = session_factory
        self._desk = desk
        self._route = route
        self._now = now

    def accept(self, message: InboundMessage) -> bool:
        """Store a message; False when this (channel, message_id) was stored before."""
        # One Core INSERT, no ORM object: this runs once per acknowledgement.
        values = _row_values(message, received_at=self._now())
        with self._factory() as session:
            try:
                session.connection().execute(insert(_INBOUND), values)
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
        return True

    def process_next(self) -> Outcome | None:
        """Process the oldest pending message, if any; returns what the desk decided."""
        with SqlUnitOfWork(self._factory, route=self._route) as uow:
            row = uow.session.scalar(
                select(InboundRow).where(InboundRow.status == "pending")
                .order_by(InboundRow.id).limit(1).with_for_update(skip_locked=True))
            if row is None:
                return None
            message, row_id = message_from_row(row), row.id
            try:
                outcome = handle_message(desk=self._desk, uow=uow, message=message,
                                         now=self._now())
            except Exception:
                log.exception("processing inbound message %s failed", row_id)
                uow.session.rollback()
                self._mark_failed(row_id)
                return None
            row.status, row.processed_at = "done", self._now()
            row.intent = outcome.classification.intent.value
            row.decision = outcome.classification.decision.value
            row.tickets = list(outcome.tickets)
            uow.commit()
            return outcome

    def process_pending(self, *, limit: int = 10_000) -> int:
        count = 0
        while count < limit:
            if self.process_next() is None and not self._has_pending():
                break
            count += 1
        return count

    def _has_pending(self) -> bool:
        # SKIP LOCKED: a message another instance is processing right now is not ours to
        # wait for; counting it would make this loop spin until that instance commits.
        with self._factory() as session:
            return session.scalar(select(InboundRow.id).where(
                InboundRow.status == "pending").limit(1)
                .with_for_update(skip_locked=True)) is not None

    def _mark_failed(self, row_id: int) -> None:
        # A message that crashes the desk must not block the queue; it stays visible as failed.
        with self._factory() as session:
            row = session.get(InboundRow, row_id)
            if row is not None and row.status == "pending":
                row.status, row.error = "failed", "processing error, see logs"
                session.commit()


# A recall event carries the recalled message's id; it is stored under its own key so it is not
# mistaken for a redelivery of that message (and is itself processed exactly once).
_RECALL_SUFFIX = "#recall"


_INBOUND: Table = InboundRow.__table__  # type: ignore[assignment]


def _row_values(message: InboundMessage, *, received_at: datetime) -> dict[str, Any]:
    key = message.message_id + _RECALL_SUFFIX if message.recalled else message.message_id
    return {
        "channel": message.channel, "message_id": key, "chat_id": message.chat_id,
        "chat_type": message.chat_type.value, "sender_id": message.sender_id,
        "sender_name": message.sender_name, "text": message.text, "sent_at": message.sent_at,
        "received_at": received_at, "mentions": list(message.mentions),
        "mentions_bot": message.mentions_bot, "quote_text": message.quote_text,
        "quote_message_id": message.quote_message_id, "recalled": message.recalled,
        "status": "pending", "tickets": []}


def message_from_row(row: InboundRow) -> InboundMessage:
    message_id = row.message_id.removesuffix(_RECALL_SUFFIX) if row.recalled else row.message_id
    return InboundMessage(
        channel=row.channel, message_id=message_id, chat_id=row.chat_id,
        sender_id=row.sender_id, text=row.text, sent_at=row.sent_at,
        sender_name=row.sender_name, chat_type=ChatType(row.chat_type),
        mentions=tuple(row.mentions or ()), mentions_bot=row.mentions_bot,
        quote_text=row.quote_text, quote_message_id=row.quote_message_id,
        recalled=row.recalled)
