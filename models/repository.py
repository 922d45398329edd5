"""Repositories: the core's ports implemented on SQLAlchemy sessions. They never commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dispatcher.messages import OutboundMessage
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
    return values


def _copy_to_row(ticket: Ticket, row: TicketRow) -> None:
    """Set the fields that changed; an untouched attribute costs no ORM bookkeeping."""
    stored = row.__dict__  # loaded columns; a field the ticket never touched is the same object
    for name in _TICKET_FIELDS:
        value = getattr(ticket, name)
        if name in stored and value is stored[name]:
            continue
        if name == "status":
            value = value.value
        elif name in _TUPLE_FIELDS:
            value = list(value)
        if name not in stored or stored[name] != value:
            setattr(row, name, value)


class SqlTickets:
    def __init__(self, session: Session) -> None:
        self._session = session
        # The session's identity map holds rows weakly: without these references a row read
        # here is gone by ``save`` and reloaded one SELECT (and one autoflush) per ticket.
        self._rows: dict[int, TicketRow] = {}
        self._events = PendingRows(session, TicketEventRow)
        # what ``due`` hands a sweep: plain rows in, one grouped UPDATE out
        self._swept = BulkTickets(session, to_ticket=ticket_from_values, to_values=stored_values)

    def _ticket(self, row: TicketRow) -> Ticket:
        self._rows[row.id] = row
        return ticket_from_row(row)

    def add(self, ticket: Ticket) -> Ticket:
        row = TicketRow()
        _copy_to_row(ticket, row)
        self._session.add(row)
        self._session.flush()  # the id makes the tag: unique across instances, no counter row
        row.tag = f"A{row.id:04d}"
        ticket.id, ticket.tag = row.id, row.tag
        self._rows[row.id] = row
        return ticket

    def save(self, ticket: Ticket) -> None:
        if self._swept.save(ticket):
            return
        row = self._rows.get(ticket.id) if ticket.id is not None else None
        row = row or self._session.get(TicketRow, ticket.id)
        if row is None:
            raise LookupError(f"ticket {ticket.tag} is not stored")
        _copy_to_row(ticket, row)

    def get(self, tag: str) -> Ticket | None:
        self._swept.write()
        row = self._session.scalar(select(TicketRow).where(TicketRow.tag == tag.upper()))
        return self._ticket(row) if row else None

    def open_in_chat(self, chat_id: str, *, item_code: str | None = None) -> Sequence[Ticket]:
        self._swept.write()
        query = select(TicketRow).where(TicketRow.chat_id == chat_id,
                                        TicketRow.status.in_(_OPEN))
        if item_code is not None:  # the duplicate check: load one item's tickets, not the chat's
            query = query.where(TicketRow.item_code == item_code)
        rows = self._session.scalars(query.order_by(TicketRow.id))
        return [self._ticket(r) for r in rows]

    def by_source_message(self, message_id: str) -> Ticket | None:
        self._swept.write()
        row = self._session.scalar(select(TicketRow).where(
            TicketRow.source_message_id == message_id).order_by(TicketRow.id).limit(1))
        return self._ticket(row) if row else None

    def from_message(self, message_id: str) -> Sequence[Ticket]:
        self._swept.write()
        rows = self._session.scalars(select(TicketRow).where(or_(
            TicketRow.source_message_id == message_id,
            TicketRow.source_message_id.startswith(message_id + "#", autoescape=True)))
            .order_by(TicketRow.id))
        return [self._ticket(r) for r in rows]

    def due(self, *, now: datetime, limit: int) -> Sequence[Ticket]:
        # SKIP LOCKED: a second instance sweeping at the same moment takes other tickets.
        query = (select(*TicketRow.__table__.columns)
                 .where(TicketRow.next_timer_at <= now, TicketRow.status.in_(_OPEN))
                 .order_by(TicketRow.next_timer_at, TicketRow.id).limit(limit)
                 .with_for_update(skip_locked=True))
        return self._swept.load(query)

    def add_event(self, event: TicketEvent) -> None:
        self._events.add({
            "ticket_tag": event.ticket_tag, "kind": event.kind, "at": event.at,
            "actor_id": event.actor_id, "message_id": event.message_id,
            "detail": dict(event.detail)})

    def write_pending(self) -> None:
        self._swept.write()
        self._events.write()

    def events(self, tag: str) -> Sequence[TicketEvent]:
        self._events.write()
        rows = self._session.scalars(select(TicketEventRow)
                                     .where(TicketEventRow.ticket_tag == tag)
                                     .order_by(TicketEventRow.id))
        return [TicketEvent(ticket_tag=r.ticket_tag, kind=r.kind, at=r.at, actor_id=r.actor_id,
                            message_id=r.message_id, detail=dict(r.detail or {})) for r in rows]


def _precedent(row: PrecedentRow) -> Precedent:
    values: dict[str, Any] = {name: getattr(row, name) for name in _PRECEDENT_FIELDS}
    values["keywords"] = tuple(row.keywords or ())
    return Precedent(**values)


class SqlPrecedents:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, precedent: Precedent) -> Precedent:
        row = PrecedentRow(**{name: getattr(precedent, name) for name in _PRECEDENT_FIELDS
                              if name != "id"})
        row.keywords = list(precedent.keywords)
        self._session.add(row)
        self._session.flush()
        return _precedent(row)

    def get(self, precedent_id: int) -> Precedent | None:
        row = self._session.get(PrecedentRow, precedent_id)
        return _precedent(row) if row else None

    def active(self) -> Sequence[Precedent]:
        rows = self._session.scalars(select(PrecedentRow).where(PrecedentRow.revoked_at.is_(None))
                                     .order_by(PrecedentRow.id))
        return [_precedent(r) for r in rows]

    def revoke(self, precedent_id: int, *, at: datetime, by: str) -> Precedent | None:
        row = self._session.get(PrecedentRow, precedent_id)
        if row is None or row.revoked_at is not None:
            return None
        row.revoked_at, row.revoked_by = at, by
        self._session.flush()
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
