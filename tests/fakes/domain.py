"""In-memory fakes of the core's ports, for unit tests of the dispatcher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from dispatcher.messages import OutboundMessage
from dispatcher.tickets import Ticket, TicketEvent


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

    def by_source_message(self, message_id: str) -> Ticket | None:
        return next((t for t in self.rows.values() if t.source_message_id == message_id), None)

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


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.tickets = InMemoryTickets()
        self.outbox = InMemoryOutbox()


class ContinuousTimers:
    """Claim in 1 hour, handle in 1 day, auto-close 1 day after 办结: plain clock arithmetic."""

    def start(self, ticket: Ticket, *, now: datetime, limit_text: str | None) -> None:
        ticket.claim_deadline = now + timedelta(hours=1)
        ticket.handle_deadline = now + timedelta(days=1)
        ticket.next_timer_at = ticket.claim_deadline

    def rearm(self, ticket: Ticket, *, now: datetime) -> None:
        if ticket.resolved_at is not None:
            ticket.next_timer_at = ticket.resolved_at + timedelta(days=1)
        else:
            ticket.next_timer_at = ticket.handle_deadline


def copy_ticket(ticket: Ticket) -> Ticket:
    return replace(ticket)
