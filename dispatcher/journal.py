"""Small helpers every use case shares: record an audit event, queue a chat message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dispatcher.messages import InboundMessage, OutboundMessage
from dispatcher.ports import UnitOfWork
from dispatcher.tickets import Ticket, TicketEvent


def record(uow: UnitOfWork, ticket: Ticket, kind: str, *, now: datetime,
           source: InboundMessage | None = None, actor_id: str | None = None,
           **detail: Any) -> None:
    """Append one line to the ticket's audit trail (全程留痕)."""
    uow.tickets.add_event(TicketEvent(
        ticket_tag=ticket.tag, kind=kind, at=now,
        actor_id=actor_id if actor_id is not None else (source.sender_id if source else None),
        message_id=source.message_id if source else None,
        detail={k: v for k, v in detail.items() if v is not None},
    ))


def say(uow: UnitOfWork, *, chat_id: str, text: str, now: datetime, event: str,
        mentions: Sequence[str] = (), ticket: str | None = None, level: int | None = None,
        markdown: bool = False) -> None:
    """Queue a message in the outbox; it leaves only if the transaction commits."""
    uow.outbox.post(OutboundMessage(chat_id=chat_id, text=text, mentions=tuple(mentions),
                                    ticket=ticket, event=event, level=level,
                                    markdown=markdown), at=now)
