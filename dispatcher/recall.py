"""A recalled report (WeCom and bridges deliver recall events for a message id).

A ticket nobody has claimed yet is cancelled; once a department is working on it the station
head is told instead and decides (撤销 or not). Recalled commands change nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispatcher import dispute_texts as dt
from dispatcher import texts
from dispatcher.journal import record, say
from dispatcher.messages import InboundMessage
from dispatcher.ports import UnitOfWork
from dispatcher.tickets import STATUS_NAMES, Status, Ticket

if TYPE_CHECKING:
    from dispatcher.desk import Desk

_CANCEL_ON_RECALL = frozenset({Status.TRIAGE, Status.DISPATCHED, Status.DUPLICATE})


def handle_recall(*, desk: Desk, uow: UnitOfWork, message: InboundMessage,
                  now: datetime) -> tuple[str, ...]:
    """Act on the recall of ``message.message_id``; returns the tags touched."""
    touched = []
    for ticket in uow.tickets.from_message(message.message_id):
        if ticket.status in _CANCEL_ON_RECALL and ticket.claimed_at is None:
            _cancel(desk=desk, uow=uow, ticket=ticket, message=message, now=now)
        elif ticket.is_open:
            _tell_head(desk=desk, uow=uow, ticket=ticket, message=message, now=now)
        else:
            continue
        touched.append(ticket.tag)
    return tuple(touched)


def _cancel(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, message: InboundMessage,
            now: datetime) -> None:
    quiet = ticket.status is Status.DUPLICATE  # nobody was pinged for it
    ticket.status, ticket.cancelled_at, ticket.next_timer_at = Status.CANCELLED, now, None
    uow.tickets.save(ticket)
    record(uow, ticket, "cancel", now=now, source=message, why="recalled")
    if not quiet:
        say(uow, chat_id=ticket.chat_id, now=now, event="cancel", ticket=ticket.tag,
            text=dt.RECALL_CANCELLED.format(tag=ticket.tag))


def _tell_head(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, message: InboundMessage,
               now: datetime) -> None:
    community = desk.org.community(ticket.community_id or "")
    heads = [community.station_head] if community else []
    dept = desk.responsibility_list().departments.get(ticket.department or "")
    record(uow, ticket, "recalled", now=now, source=message)
    say(uow, chat_id=ticket.chat_id, now=now, event="status", ticket=ticket.tag, mentions=heads,
        text=dt.RECALL_NOTICE.format(
            tag=ticket.tag, state=STATUS_NAMES[ticket.status],
            department=dept.name if dept else (ticket.department or "待分派"),
            mentions=texts.mention([desk.org.display_name(h) for h in heads])))
