"""In-memory fakes of the core's ports, for unit tests of the dispatcher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from dispatcher.lists import TimeLimit, TimeUnit
from dispatcher.messages import OutboundMessage
from dispatcher.ports import ReportText
from dispatcher.precedents import Precedent
from dispatcher.tickets import Status, Ticket, TicketEvent


class InMemoryTickets:
    def __init__(self) -> None:
        self.rows: dict[str, Ticket] = {}
        self.log: list[TicketEvent] = []

    def add(self, ticket: Ticket) -> Ticket:
        ticket.id = len(self.rows) + 1
        ticket.tag = f"A{ticket.id:04d}"
        self.rows[ticket.tag] = ticket
        return ticket

    def save(self, ticket: Ticket) -> None:
        self.rows[ticket.tag] = ticket

    def get(self, tag: str) -> Ticket | None:
        return self.rows.get(tag)

    def open_in_chat(self, chat_id: str) -> Sequence[Ticket]:
        return [t for t in self.rows.values() if t.chat_id == chat_id and t.is_open]

    def recent_report_texts(self, chat_id: str, item_code: str, *,
                            since: datetime) -> Sequence[ReportText]:
        found = [t for t in self.open_in_chat(chat_id)
                 if t.item_code == item_code and t.reported_at >= since]
        found.sort(key=lambda t: (t.reported_at, t.id or 0), reverse=True)
        return [ReportText(t.tag, t.source_text) for t in found]

    def by_source_message(self, message_id: str) -> Ticket | None:
        return next((t for t in self.rows.values() if t.source_message_id == message_id), None)

    def from_message(self, message_id: str) -> Sequence[Ticket]:
        return [t for t in self.rows.values() if t.source_message_id == message_id
                or t.source_message_id.startswith(message_id + "#")]

    def due(self, *, now: datetime, limit: int) -> Sequence[Ticket]:
        due = [t for t in self.rows.values()
               if t.is_open and t.next_timer_at is not None and t.next_timer_at <= now]
        return sorted(due, key=lambda t: (t.next_timer_at, t.id))[:limit]

    def add_event(self, event: TicketEvent) -> None:
        self.log.append(event)

    def events(self, tag: str) -> Sequence[TicketEvent]:
        return [e for e in self.log if e.ticket_tag == tag]


class InMemoryOutbox:
    def __init__(self) -> None:
        self.sent: list[tuple[datetime, OutboundMessage]] = []

    def post(self, message: OutboundMessage, *, at: datetime) -> None:
        self.sent.append((at, message))


class InMemoryPrecedents:
    def __init__(self) -> None:
        self.rows: dict[int, Precedent] = {}

    def add(self, precedent: Precedent) -> Precedent:
        stored = replace(precedent, id=len(self.rows) + 1)
        self.rows[stored.id or 0] = stored
        return stored

    def get(self, precedent_id: int) -> Precedent | None:
        return self.rows.get(precedent_id)

    def active(self) -> Sequence[Precedent]:
        return [p for p in self.rows.values() if p.active]

    def revoke(self, precedent_id: int, *, at: datetime, by: str) -> Precedent | None:
        found = self.rows.get(precedent_id)
        if found is None or not found.active:
            return None
        self.rows[precedent_id] = replace(found, revoked_at=at, revoked_by=by)
        return self.rows[precedent_id]


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.tickets = InMemoryTickets()
        self.outbox = InMemoryOutbox()
        self.precedents = InMemoryPrecedents()


class ContinuousTimers:
    """Claim in 1 hour, handle in 1 day, auto-close 1 day after 办结: plain clock arithmetic."""

    def start(self, ticket: Ticket, *, now: datetime, limit_text: str | None) -> None:
        ticket.clock_started_at = now
        ticket.claim_deadline = now + timedelta(hours=1)
        ticket.handle_deadline = now + timedelta(days=1)
        ticket.next_timer_at = ticket.claim_deadline

    def hold_for_ruling(self, ticket: Ticket, *, now: datetime) -> None:
        ticket.ruling_deadline = now + timedelta(hours=1)
        self.rearm(ticket, now=now)

    def extend(self, ticket: Ticket, *, limit: TimeLimit, now: datetime) -> None:
        ticket.handle_deadline = (ticket.handle_deadline or now) + _continuous(limit)
        ticket.extension_limit, ticket.extended_at = str(limit), now
        ticket.handle_reminded = False
        if ticket.status is Status.CLAIMED:
            ticket.stage_level = 0
        self.rearm(ticket, now=now)

    def rearm(self, ticket: Ticket, *, now: datetime) -> None:
        if ticket.status is Status.DISPUTED:
            ticket.next_timer_at = ticket.ruling_deadline
        elif ticket.resolved_at is not None:
            ticket.next_timer_at = ticket.resolved_at + timedelta(days=1)
        else:
            ticket.next_timer_at = ticket.handle_deadline


def _continuous(limit: TimeLimit) -> timedelta:
    """Working units read as plain time: a 工作日 is a day, a 工作时 an hour."""
    per_unit = {TimeUnit.MINUTES: timedelta(minutes=1), TimeUnit.HOURS: timedelta(hours=1),
                TimeUnit.URGENT_WORK_HOURS: timedelta(hours=1),
                TimeUnit.WORK_HOURS: timedelta(hours=1), TimeUnit.WORK_DAYS: timedelta(days=1),
                TimeUnit.NATURAL_DAYS: timedelta(days=1)}
    return per_unit[limit.unit] * limit.amount


def copy_ticket(ticket: Ticket) -> Ticket:
    return replace(ticket)
