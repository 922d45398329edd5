"""Use case: a grid worker reports a problem; open one ticket per distinct problem."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispatcher import duplicates, texts
from dispatcher.citation import cite_in_dispatch
from dispatcher.classification import Classification, Decision, ItemMatch
from dispatcher.journal import record, say
from dispatcher.lists import Item
from dispatcher.messages import InboundMessage
from dispatcher.ports import UnitOfWork
from dispatcher.tickets import Status, Ticket

if TYPE_CHECKING:
    from dispatcher.desk import Desk


def open_tickets(*, desk: Desk, uow: UnitOfWork, message: InboundMessage,
                 classification: Classification, now: datetime) -> tuple[str, ...]:
    """Dispatch each problem the classifier found, or hand the message to the station head."""
    if classification.decision is Decision.TRIAGE or not classification.items:
        return (_open_triage(desk=desk, uow=uow, message=message,
                             classification=classification, now=now),)
    return tuple(_dispatch(desk=desk, uow=uow, message=message, match=match, now=now,
                           multi=len(classification.items) > 1)
                 for match in classification.items)


def _new_ticket(message: InboundMessage, *, desk: Desk, status: Status, now: datetime,
                suffix: str = "") -> Ticket:
    community = desk.org.community_of_chat(message.chat_id)
    return Ticket(
        chat_id=message.chat_id, community_id=community.id if community else None,
        status=status, reporter_id=message.sender_id,
        reporter_name=message.sender_name or desk.org.display_name(message.sender_id),
        source_message_id=message.message_id + suffix, source_text=message.text,
        reported_at=now,
    )


def _dispatch(*, desk: Desk, uow: UnitOfWork, message: InboundMessage, match: ItemMatch,
              now: datetime, multi: bool) -> str:
    item = match.item
    suffix = f"#{item.code}" if multi else ""
    ticket = _new_ticket(message, desk=desk, status=Status.DISPATCHED, now=now, suffix=suffix)
    ticket.item_code, ticket.item_name = item.code, item.name
    ticket.department, ticket.co_departments = match.department, item.co_departments
    ticket.urgency, ticket.limit_text = item.urgency.value, str(item.default_limit)
    original = duplicates.find_original(uow=uow, chat_id=message.chat_id, item_code=item.code,
                                        text=message.text, now=now)
    if original is not None:
        return duplicates.link_duplicate(desk=desk, uow=uow, ticket=ticket, original=original,
                                         message=message, now=now)
    ticket = uow.tickets.add(ticket)
    desk.timers.start(ticket, now=now, limit_text=ticket.limit_text)
    uow.tickets.save(ticket)
    record(uow, ticket, "dispatch", now=now, source=message, item_code=item.code,
           department=match.department, score=round(match.score, 3),
           evidence=list(match.evidence))
    _announce_dispatch(desk=desk, uow=uow, ticket=ticket, item=item, now=now)
    return ticket.tag


def _announce_dispatch(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, item: Item,
                       now: datetime) -> None:
    lst = desk.responsibility_list()
    liaisons = list(desk.org.liaisons_of(ticket.department or ""))
    co_liaisons = [m for d in ticket.co_departments for m in desk.org.liaisons_of(d)]
    co_line = ""
    if ticket.co_departments:
        names = "、".join(lst.department_label(d) for d in ticket.co_departments)
        co_line = texts.CO_LINE.format(names=names + " " + texts.mention(
            [desk.org.display_name(m) for m in co_liaisons]))
    text = texts.DISPATCH.format(
        tag=ticket.tag, text=ticket.source_text.strip(), citation=cite_in_dispatch(item),
        department=lst.department_label(ticket.department),
        mentions=texts.mention([desk.org.display_name(m) for m in liaisons]), co_line=co_line,
        claim_deadline=texts.when(ticket.claim_deadline, desk.tz),
        handle_deadline=texts.when(ticket.handle_deadline, desk.tz),
    )
    say(uow, chat_id=ticket.chat_id, text=text, now=now, event="dispatch",
        mentions=liaisons + co_liaisons, ticket=ticket.tag)


def _open_triage(*, desk: Desk, uow: UnitOfWork, message: InboundMessage,
                 classification: Classification, now: datetime) -> str:
    ticket = uow.tickets.add(_new_ticket(message, desk=desk, status=Status.TRIAGE, now=now))
    desk.timers.start(ticket, now=now, limit_text=None)
    uow.tickets.save(ticket)
    items = [m for m in classification.candidates if not m.duty]
    candidates = "、".join(f"{m.item.name}（{m.department}）" for m in items[:3])
    duty = next((m for m in classification.candidates[:1] if m.duty), None)
    record(uow, ticket, "triage", now=now, source=message,
           candidates=[m.item.code for m in items[:5]],
           **({"suggested_department": duty.department} if duty else {}))
    community = desk.org.community_of_chat(message.chat_id)
    head = [community.station_head] if community else []
    say(uow, chat_id=ticket.chat_id, now=now, event="triage", mentions=head, ticket=ticket.tag,
        text=texts.TRIAGE.format(
            tag=ticket.tag, text=message.text.strip(),
            mentions=texts.mention([desk.org.display_name(h) for h in head]),
            deadline=texts.when(ticket.claim_deadline, desk.tz),
            hint=_duty_hint(desk, duty)
            + (texts.TRIAGE_HINT.format(candidates=candidates) if candidates else "")))
    return ticket.tag


def _duty_hint(desk: Desk, duty: ItemMatch | None) -> str:
    """The department whose duties the report names (no list item fits it)."""
    if duty is None:
        return ""
    department = desk.responsibility_list().department_label(duty.department)
    return texts.TRIAGE_DUTY_HINT.format(
        department=department, dept_id=duty.department, duties="、".join(duty.evidence)
    )
