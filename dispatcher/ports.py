"""Ports: what the domain core needs from the outside, as typed Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, Protocol

from dispatcher.lists import TimeLimit
from dispatcher.messages import OutboundMessage
from dispatcher.precedents import Precedent
from dispatcher.tickets import Ticket, TicketEvent


class ReportText(NamedTuple):
    """An open ticket's tag and the words it was reported in (what the duplicate check reads)."""

    tag: str
    text: str


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> Ticket:
        """Store a new ticket and give it its tag (``A0001`` …)."""
        ...

    def save(self, ticket: Ticket) -> None: ...

    def get(self, tag: str) -> Ticket | None: ...

    def open_in_chat(self, chat_id: str) -> Sequence[Ticket]:
        """Open tickets of a chat, oldest first."""
        ...

    def recent_report_texts(self, chat_id: str, item_code: str, *,
                            since: datetime) -> Sequence[ReportText]:
        """The words of a chat's open tickets of one item reported at or after ``since``,
        newest first. Only tag and text: the duplicate check reads many, keeps at most one."""
        ...

    def by_source_message(self, message_id: str) -> Ticket | None: ...

    def from_message(self, message_id: str) -> Sequence[Ticket]:
        """Every ticket one report opened (a two-problem report opens ``<id>#<code>`` too)."""
        ...

    def due(self, *, now: datetime, limit: int) -> Sequence[Ticket]:
        """Open tickets whose next timer is at or before ``now``, oldest first, locked."""
        ...

    def add_event(self, event: TicketEvent) -> None: ...

    def events(self, tag: str) -> Sequence[TicketEvent]: ...


class Outbox(Protocol):
    def post(self, message: OutboundMessage, *, at: datetime) -> None:
        """Queue a message for delivery; it is sent only if the transaction commits."""
        ...


class PrecedentRepository(Protocol):
    """Rulings kept as precedents (see dispatcher/precedents.py)."""

    def add(self, precedent: Precedent) -> Precedent:
        """Store a precedent and return it with its id."""
        ...

    def get(self, precedent_id: int) -> Precedent | None: ...

    def active(self) -> Sequence[Precedent]:
        """Precedents not revoked, oldest first."""
        ...

    def revoke(self, precedent_id: int, *, at: datetime, by: str) -> Precedent | None:
        """Mark a precedent revoked; None when there is no such active precedent."""
        ...


class UnitOfWork(Protocol):
    # Read-only members, so any concrete repository type satisfies the port.
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def precedents(self) -> PrecedentRepository: ...


class TicketTimers(Protocol):
    """Sets and advances a ticket's clocks (claim, handling, reminders, escalation)."""

    def start(self, ticket: Ticket, *, now: datetime, limit_text: str | None) -> None:
        """Set the claim and handling deadlines of a freshly dispatched or triaged ticket."""
        ...

    def rearm(self, ticket: Ticket, *, now: datetime) -> None:
        """Recompute ``next_timer_at`` after a state change."""
        ...

    def hold_for_ruling(self, ticket: Ticket, *, now: datetime) -> None:
        """A disputed ticket waits for the station head: set ``ruling_deadline`` and rearm."""
        ...

    def extend(self, ticket: Ticket, *, limit: TimeLimit, now: datetime) -> None:
        """An approved 延期: move ``handle_deadline`` by ``limit`` and restart its reminders."""
        ...
