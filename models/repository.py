"""Repositories: the core's ports implemented on SQLAlchemy sessions. They never commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, event, insert, or_, select
from sqlalchemy.orm import Session

from dispatcher.messages import OutboundMessage
from dispatcher.ports import ReportText
from dispatcher.precedents import Precedent
from dispatcher.tickets import OPEN_STATUSES, Status, Ticket, TicketEvent
from models.bulk import BulkTickets, PendingRows
from models.tables import OutboxRow, PrecedentRow, TicketEventRow, TicketRow

_TICKET_FIELDS = tuple(f.name for f in fields(Ticket) if f.name not in ("id", "tag"))
_TICKET_COLUMNS = (*_TICKET_FIELDS, "id", "tag")
_TUPLE_FIELDS = ("co_departments", "disputed_by")  # tuples in the domain, JSON lists in rows
_PRECEDENT_FIELDS = tuple(f.name for f in fields(Precedent))
_OPEN = [s.value for s in OPEN_STATUSES]


def ticket_from_row(row: TicketRow) -> Ticket:
    loaded = row.__dict__  # a loaded row's columns, without the ORM descriptor per read
    if not all(name in loaded for name in _TICKET_COLUMNS):  # expired: load through the ORM
        loaded = {name: getattr(row, name) for name in _TICKET_COLUMNS}
    return ticket_from_values(loaded)


def ticket_from_values(stored: Mapping[str, Any]) -> Ticket:
    """A ticket from its stored column values (an ORM row's or a Core result row's)."""
    values: dict[str, Any] = {name: stored[name] for name in _TICKET_FIELDS}
    values["status"] = Status(values["status"])
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values[name] or ())
    return Ticket(**values, tag=stored["tag"] or "", id=stored["id"])


def stored_values(ticket: Ticket) -> dict[str, Any]:
    """The column values of ``ticket`` (the inverse of ``ticket_from_values``)."""
    values = {name: ticket.__dict__[name] for name in _TICKET_FIELDS}
    values["status"] = ticket.status.value
    for name in _TUPLE_FIELDS:
        values[name] = list(values[name])
    values["tag"] = ticket.tag or None  # unique: a ticket not yet numbered has none
    return values


_TICKETS: Table = TicketRow.__table__  # type: ignore[assignment]
# Tickets are read and written with Core, never as ORM objects: a report costs one INSERT …
# RETURNING and one grouped UPDATE at commit instead of an identity map, a flush and a
# per-object UPDATE (about a third of the inbox's CPU under load, docs/benchmarks.md).
_TICKET_SELECT = select(*_TICKETS.columns)
# Every statement is built once, with parameters: SQLAlchemy then keeps its cache key and
# compiled form, and psycopg its server-side prepared statement, instead of redoing them
# for each of the thousands of messages a day.
_TICKET_INSERT = insert(_TICKETS).returning(_TICKETS.c.id)
_IS_OPEN = _TICKETS.c.status.in_(_OPEN)
_BY_ID = _TICKET_SELECT.where(_TICKETS.c.id == bindparam("id"))
_BY_TAG = _TICKET_SELECT.where(_TICKETS.c.tag == bindparam("tag"))
_OPEN_IN_CHAT = (_TICKET_SELECT.where(_TICKETS.c.chat_id == bindparam("chat_id"), _IS_OPEN)
                 .order_by(_TICKETS.c.id))
# The duplicate check: one item's recent reports, newest first. Two columns, not the whole
# ticket: a busy chat has many open tickets of an item and the check keeps at most one
# (ix_tickets_chat_item_reported finds them without reading the chat's other tickets).
_RECENT_REPORT_TEXTS = (select(_TICKETS.c.tag, _TICKETS.c.source_text).where(
    _TICKETS.c.chat_id == bindparam("chat_id"), _TICKETS.c.item_code == bindparam("item"),
    _IS_OPEN, _TICKETS.c.reported_at >= bindparam("since"))
    .order_by(_TICKETS.c.reported_at.desc(), _TICKETS.c.id.desc()))
_BY_SOURCE = (_TICKET_SELECT.where(_TICKETS.c.source_message_id == bindparam("message_id"))
              .order_by(_TICKETS.c.id).limit(1))
_FROM_MESSAGE = (_TICKET_SELECT.where(or_(
    _TICKETS.c.source_message_id == bindparam("message_id"),
    _TICKETS.c.source_message_id.like(bindparam("prefix"), escape="/")))
    .order_by(_TICKETS.c.id))
# SKIP LOCKED: a second instance sweeping at the same moment takes other tickets.
_DUE = (_TICKET_SELECT.where(_TICKETS.c.next_timer_at <= bindparam("now"), _IS_OPEN)
        .order_by(_TICKETS.c.next_timer_at, _TICKETS.c.id).limit(bindparam("limit"))
        .with_for_update(skip_locked=True))


class SqlTickets:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._events = PendingRows(session, TicketEventRow)
        self._rows = BulkTickets(session, to_ticket=ticket_from_values, to_values=stored_values)

    def add(self, ticket: Ticket) -> Ticket:
        values = stored_values(ticket)
        # The id makes the tag: unique across instances, no counter row. The tag goes out with
        # the clock fields in the grouped UPDATE that ``save`` records (the caller starts the
        # clocks next); a read in between writes it first.
        ticket_id = self._session.connection().execute(_TICKET_INSERT, values).scalar_one()
        self._rows.track(ticket_id, {**values, "id": ticket_id})
        ticket.id, ticket.tag = ticket_id, f"A{ticket_id:04d}"
        self._rows.save(ticket)
        return ticket

    def save(self, ticket: Ticket) -> None:
        if self._rows.save(ticket):
            return
        # A ticket this unit of work did not read: read it so only what changed is written.
        if ticket.id is None or not self._rows.load(_BY_ID, {"id": ticket.id}):
            raise LookupError(f"ticket {ticket.tag} is not stored")
        self._rows.save(ticket)

    def get(self, tag: str) -> Ticket | None:
        found = self._rows.load(_BY_TAG, {"tag": tag.upper()})
        return found[0] if found else None

    def open_in_chat(self, chat_id: str) -> Sequence[Ticket]:
        return self._rows.load(_OPEN_IN_CHAT, {"chat_id": chat_id})

    def recent_report_texts(self, chat_id: str, item_code: str, *,
                            since: datetime) -> Sequence[ReportText]:
        self._rows.write()  # a ticket added in this unit of work gets its tag written first
        rows = self._session.connection().execute(_RECENT_REPORT_TEXTS, {
            "chat_id": chat_id, "item": item_code, "since": since})
        return [ReportText(tag, text) for tag, text in rows]

    def by_source_message(self, message_id: str) -> Ticket | None:
        found = self._rows.load(_BY_SOURCE, {"message_id": message_id})
        return found[0] if found else None

    def from_message(self, message_id: str) -> Sequence[Ticket]:
        # "m1#020502" is the ticket of one problem of message m1 (several problems, one message)
        prefix = message_id.replace("/", "//").replace("%", "/%").replace("_", "/_") + "#%"
        return self._rows.load(_FROM_MESSAGE, {"message_id": message_id, "prefix": prefix})

    def due(self, *, now: datetime, limit: int) -> Sequence[Ticket]:
        return self._rows.load(_DUE, {"now": now, "limit": limit})

    def add_event(self, event: TicketEvent) -> None:
        self._events.add({
            "ticket_tag": event.ticket_tag, "kind": event.kind, "at": event.at,
            "actor_id": event.actor_id, "message_id": event.message_id,
            "detail": dict(event.detail)})

    def write_pending(self) -> None:
        self._rows.write()
        self._events.write()

    def events(self, tag: str) -> Sequence[TicketEvent]:
        self._events.write()
        rows = self._session.scalars(select(TicketEventRow)
                                     .where(TicketEventRow.ticket_tag == tag)
                                     .order_by(TicketEventRow.id))
        return [TicketEvent(ticket_tag=r.ticket_tag, kind=r.kind, at=r.at, actor_id=r.actor_id,
                            message_id=r.message_id, detail=dict(r.detail or {})) for r in rows]


def _precedent(row: Any) -> Precedent:
    """A precedent from an ORM row or a Core result row (same attribute names)."""
    values: dict[str, Any] = {name: getattr(row, name) for name in _PRECEDENT_FIELDS}
    values["keywords"] = tuple(row.keywords or ())
    return Precedent(**values)


_PRECEDENTS: Table = PrecedentRow.__table__  # type: ignore[assignment]
# Read for every report (rulings steer routing): plain rows, no ORM objects.
_ACTIVE_PRECEDENTS = (select(*_PRECEDENTS.columns).where(_PRECEDENTS.c.revoked_at.is_(None))
                      .order_by(_PRECEDENTS.c.id))


class SqlPrecedents:
    def __init__(self, session: Session) -> None:
        self._session = session
        # every report reads them; the reports of one transaction share one read
        self._active: list[Precedent] | None = None
        event.listen(session, "after_soft_rollback", self._forget)

    def _forget(self, *_: Any) -> None:
        self._active = None

    def add(self, precedent: Precedent) -> Precedent:
        row = PrecedentRow(**{name: getattr(precedent, name) for name in _PRECEDENT_FIELDS
                              if name != "id"})
        row.keywords = list(precedent.keywords)
        self._session.add(row)
        self._session.flush()
        self._active = None
        return _precedent(row)

    def get(self, precedent_id: int) -> Precedent | None:
        row = self._session.get(PrecedentRow, precedent_id)
        return _precedent(row) if row else None

    def active(self) -> Sequence[Precedent]:
        if self._active is None:
            self._active = [_precedent(r) for r in
                            self._session.connection().execute(_ACTIVE_PRECEDENTS)]
        return self._active

    def revoke(self, precedent_id: int, *, at: datetime, by: str) -> Precedent | None:
        row = self._session.get(PrecedentRow, precedent_id)
        if row is None or row.revoked_at is not None:
            return None
        row.revoked_at, row.revoked_by = at, by
        self._session.flush()
        self._active = None
        return _precedent(row)


class SqlOutbox:
    """Queues messages in the outbox table; ``route`` names the channel that delivers a chat."""

    def __init__(self, session: Session, *, route: Callable[[str], str]) -> None:
        self._rows = PendingRows(session, OutboxRow)
        self._route = route

    def post(self, message: OutboundMessage, *, at: datetime) -> None:
        self._rows.add({
            "channel": self._route(message.chat_id), "chat_id": message.chat_id,
            "text": message.text, "mentions": list(message.mentions), "ticket": message.ticket,
            "event": message.event, "level": message.level, "markdown": message.markdown,
            "status": "pending", "attempts": 0, "created_at": at, "next_attempt_at": at})

    def write_pending(self) -> None:
        self._rows.write()
