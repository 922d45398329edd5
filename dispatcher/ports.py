"""Ports: what the domain core needs from the outside, as typed Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from dispatcher.messages import OutboundMessage
from dispatcher.tickets import Ticket, TicketEvent


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> Ticket:
        """Store a new ticket and give it its tag (``A0001`` …)."""
        ...

    def save(self, ticket: Ticket) -> None: ...

    def get(self, tag: str) -> Ticket | None: ...

    def open_in_chat(self, chat_id: str) -> Sequence[Ticket]: ...

    def by_source_message(self, message_id: str) -> Ticket | None: ...

    def due(self, *, now: datetime, limit: int) -> Sequence[Ticket]:
        """Open tickets whose next timer is at or before ``now``, oldest first, locked."""
        ...

    def add_event(self, event: TicketEvent) -> None: ...

    def events(self, tag: str) -> Sequence[TicketEvent]: ...


class Outbox(Protocol):
    def post(self, message: OutboundMessage, *, at: datetime) -> None:
        """Queue a message for delivery; it is sent only if the transaction commits."""
        ...


class UnitOfWork(Protocol):
    # Read-only members, so any concrete repository type satisfies the port.
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def outbox(self) -> Outbox: ...


class TicketTimers(Protocol):
    """Sets and advances a ticket's clocks (claim, handling, reminders, escalation)."""

    def start(self, ticket: Ticket, *, now: datetime, limit_text: str | None) -> None:
        """Set the claim and handling deadlines of a freshly dispatched or triaged ticket."""
        ...

    def rearm(self, ticket: Ticket, *, now: datetime) -> None:
        """Recompute ``next_timer_at`` after a state change."""
        ...
