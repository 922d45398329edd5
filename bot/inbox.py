"""The inbox: store every inbound message before acknowledging it, process each exactly once.

Processing a message and marking it done happen in one transaction, so a crash between the
two leaves the message pending and it is processed again from scratch — never twice. Under
load the messages that wait together share that transaction (``BATCH``); one that fails
sends each of them back to a transaction of its own, so none is ever half-applied.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, String, Table, all_, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import sessionmaker

from dispatcher.desk import Desk, handle_message
from dispatcher.messages import ChatType, InboundMessage
from models.tables import InboundRow
from models.uow import SqlUnitOfWork

log = logging.getLogger(__name__)
# Messages decided in one transaction at most: enough to share the commit under load, few
# enough that the first of them is answered within tens of milliseconds.
BATCH = 10


class Inbox:
    def __init__(self, *, session_factory: sessionmaker[Any], desk: Desk,
                 route: Callable[[str], str], now: Callable[[], datetime]) -> None:
        self._factory = session_factory
        self._engine: Engine = session_factory.kw["bind"]
        self._desk = desk
        self._route = route
        self._now = now
        self._next_elsewhere = (_NEXT_PENDING_ELSEWHERE_PG
                                if self._engine.dialect.name == "postgresql"
                                else _NEXT_PENDING_ELSEWHERE)
        self._claims = threading.Lock()
        self._busy_chats: set[str] = set()  # chats a thread of this process is deciding

    def accept(self, message: InboundMessage) -> bool:
        """Store a message; False when this (channel, message_id) was stored before."""
        # One Core INSERT in autocommit, no ORM object and no BEGIN/COMMIT round trips: this
        # runs once per acknowledgement, and a single statement is atomic on its own.
        values = _row_values(message, received_at=self._now())
        with self._engine.connect() as connection:
            try:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    _INSERT_INBOUND, values)
            except IntegrityError:
                return False
        return True

    def process_pending(self, *, limit: int = 10_000) -> int:
        """Decide messages until none is left for this thread (or ``limit``); how many."""
        count = 0
        while count < limit:
            taken = self._process_batch(size=min(BATCH, limit - count))
            if not taken:
                break
            count += taken
        return count

    def _process_batch(self, *, size: int) -> int:
        """Decide what is pending now, up to ``size`` messages; how many were taken.

        The messages waiting together are decided in one transaction (under load that saves
        a commit and half the statements per message; alone, a message is a batch of one).
        Each message is still all or nothing: if one of them fails, the whole batch is rolled
        back and every message is decided again in a transaction of its own.
        """
        with SqlUnitOfWork(self._factory, route=self._route) as uow:
            rows = self._take(uow, size)
            if not rows:
                return 0
            try:
                if not self._decide_together(uow, rows):
                    for row in rows:
                        self._decide_alone(row.id)
            finally:
                with self._claims:
                    self._busy_chats.difference_update(row.chat_id for row in rows)
        return len(rows)

    def _take(self, uow: SqlUnitOfWork, size: int) -> Sequence[Row[Any]]:
        """Lock the oldest pending messages of chats no other thread here is working on.

        Threads of one process work on different chats side by side (their database waits
        overlap), but a chat's messages are decided one after another, in order: a reply, a
        recall or a command sees everything said before it in that chat.
        """
        with self._claims:  # the choice and the claim of its chats are one step
            busy = sorted(self._busy_chats)
            query, params = ((self._next_elsewhere, {"busy": busy, "size": size}) if busy
                             else (_NEXT_PENDING, {"size": size}))
            rows = uow.session.connection().execute(query, params).all()
            self._busy_chats.update(row.chat_id for row in rows)
        return rows

    def _decide_together(self, uow: SqlUnitOfWork, rows: Sequence[Row[Any]]) -> bool:
        """Decide ``rows`` in order and commit; False, with nothing written, if one fails."""
        try:
            done = [self._decide(uow, row) for row in rows]
            # one executemany (psycopg pipelines it): a round trip per batch, not per message
            uow.session.connection().execute(_MARK_DONE, done)
            uow.commit()
        except Exception:
            if len(rows) > 1:
                log.warning("a batch of %s inbound messages failed; deciding each alone",
                            len(rows), exc_info=True)
            uow.session.rollback()
            return False
        return True

    def _decide_alone(self, row_id: int) -> None:
        """One message in its own transaction; a message that fails is marked failed."""
        with SqlUnitOfWork(self._factory, route=self._route) as uow:
            row = uow.session.connection().execute(_PENDING_BY_ID, {"row_id": row_id}).first()
            if row is None:  # another instance took it after the batch rolled back
                return
            try:
                done = self._decide(uow, row)
            except DBAPIError:
                raise  # the database, not the message: leave it pending for the retry
            except Exception:
                log.exception("processing inbound message %s failed", row_id)
                uow.session.rollback()
                self._mark_failed(row_id)
                return
            uow.session.connection().execute(_MARK_DONE, done)
            uow.commit()

    def _decide(self, uow: SqlUnitOfWork, row: Row[Any]) -> dict[str, Any]:
        """Run the desk on one message; returns how to mark it done (in the same transaction)."""
        outcome = handle_message(desk=self._desk, uow=uow, message=message_from_row(row),
                                 now=self._now())
        return {"row_id": row.id, "status": "done", "processed_at": self._now(),
                "intent": outcome.classification.intent.value,
                "decision": outcome.classification.decision.value,
                "tickets": list(outcome.tickets)}

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
# Built once and run as plain rows: they run for every message, the ORM would add nothing.
# SKIP LOCKED: a message another instance is processing is not ours.
_INSERT_INBOUND = insert(_INBOUND)
_NEXT_PENDING = (select(*_INBOUND.columns).where(_INBOUND.c.status == "pending")
                 .order_by(_INBOUND.c.id).limit(bindparam("size"))
                 .with_for_update(skip_locked=True))
_PENDING_BY_ID = (select(*_INBOUND.columns)
                  .where(_INBOUND.c.id == bindparam("row_id"), _INBOUND.c.status == "pending")
                  .with_for_update(skip_locked=True))
# ... and not of a chat another thread here is deciding. On PostgreSQL the chats go as one
# array parameter, so the statement's text never changes and stays prepared.
_NEXT_PENDING_ELSEWHERE = _NEXT_PENDING.where(
    _INBOUND.c.chat_id.not_in(bindparam("busy", expanding=True)))
_NEXT_PENDING_ELSEWHERE_PG = _NEXT_PENDING.where(
    _INBOUND.c.chat_id != all_(bindparam("busy", type_=ARRAY(String))))
_MARK_DONE = (update(_INBOUND).where(_INBOUND.c.id == bindparam("row_id"))
              .values({name: bindparam(name) for name in
                       ("status", "processed_at", "intent", "decision", "tickets")}))


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


def message_from_row(row: InboundRow | Row[Any]) -> InboundMessage:
    message_id = row.message_id.removesuffix(_RECALL_SUFFIX) if row.recalled else row.message_id
    return InboundMessage(
        channel=row.channel, message_id=message_id, chat_id=row.chat_id,
        sender_id=row.sender_id, text=row.text, sent_at=row.sent_at,
        sender_name=row.sender_name, chat_type=ChatType(row.chat_type),
        mentions=tuple(row.mentions or ()), mentions_bot=row.mentions_bot,
        quote_text=row.quote_text, quote_message_id=row.quote_message_id,
        recalled=row.recalled)
