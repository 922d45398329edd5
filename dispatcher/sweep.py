"""Use case: fire every due timer — reminders, escalation levels, auto-close — exactly once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dispatcher import texts, tickets
from dispatcher.journal import record, say
from dispatcher.ports import UnitOfWork
from dispatcher.ticket_clock import CalendarTimers, Clock, TimerAction
from dispatcher.tickets import Ticket

if TYPE_CHECKING:
    from dispatcher.desk import Desk

CLOCK_NAMES = {Clock.TRIAGE: "分派时限", Clock.CLAIM: "认领时限", Clock.HANDLE: "处置时限",
               Clock.VERIFY: "核实时限", Clock.RULING: "裁决时限"}


@dataclass(frozen=True, slots=True)
class SweepPass:
    fired: int  # reminders, escalations and auto-closes announced
    full: bool  # the batch was full: more tickets may be due, sweep again at once


def sweep_due(*, desk: Desk, timers: CalendarTimers, uow: UnitOfWork, now: datetime,
              limit: int = 500) -> int:
    """Apply the due timers of up to ``limit`` tickets; returns how many actions fired."""
    return sweep_pass(desk=desk, timers=timers, uow=uow, now=now, limit=limit).fired


def sweep_pass(*, desk: Desk, timers: CalendarTimers, uow: UnitOfWork, now: datetime,
               limit: int = 500) -> SweepPass:
    """One batch of due tickets, their actions fired in time order across the batch.

    After an outage many tickets owe several actions each. They fire by time, not ticket by
    ticket, so the outbox reads like the live service would have spoken. When the batch is
    full, tickets outside it may owe actions from the last ticket's moment on, so only
    actions up to that moment fire now; the rest wait for the next pass (``full``).
    """
    batch = list(uow.tickets.due(now=now, limit=limit))
    full = len(batch) >= limit
    cutoff = min(now, batch[-1].next_timer_at or now) if full else now
    owed: list[tuple[TimerAction, Ticket]] = []
    later: dict[int, list[TimerAction]] = {}
    for ticket in batch:
        due, later[id(ticket)] = timers.split(ticket, now=cutoff)
        owed.extend((action, ticket) for action in due)
    owed.sort(key=lambda pair: pair[0].at)  # stable: each ticket's ladder keeps its order
    fired = 0
    window = str(timers.policy.auto_close_after)
    for due_action, ticket in owed:
        action = _after_resume(ticket, due_action)
        if action is not None:
            _fire(desk=desk, uow=uow, ticket=ticket, action=action, window=window)
            fired += 1
    for ticket in batch:
        timers.settle(ticket, later[id(ticket)])
        uow.tickets.save(ticket)
    return SweepPass(fired=fired, full=full)


def _after_resume(ticket: Ticket, action: TimerAction) -> TimerAction | None:
    """A clock that started running late fires what fell due meanwhile at its start.

    That happens when held clocks are given back after a dispute (``resumed_at``) and when a
    claim comes after the handling clock's moments (``claimed_at``). A reminder whose moment
    passed is pointless and is marked done; an escalation is announced then, not back-dated.
    """
    floors = [ticket.resumed_at, ticket.claimed_at if action.clock is Clock.HANDLE else None]
    floor = max((f for f in floors if f is not None), default=None)
    if floor is None or action.at >= floor:
        return action
    if action.kind == "reminder":
        if action.clock is Clock.CLAIM:
            ticket.claim_reminded = True
        else:
            ticket.handle_reminded = True
        return None
    return replace(action, at=floor)


def _fire(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, action: TimerAction,
          window: str) -> None:
    if action.kind == "auto_close":
        tickets.close(ticket, at=action.at)
        record(uow, ticket, "auto_close", now=action.at, actor_id="gridbot")
        say(uow, chat_id=ticket.chat_id, now=action.at, event="closed", ticket=ticket.tag,
            text=texts.AUTO_CLOSED.format(tag=ticket.tag, window=window))
        return
    if action.kind == "reminder":
        _remind(desk=desk, uow=uow, ticket=ticket, action=action)
        return
    _escalate(desk=desk, uow=uow, ticket=ticket, action=action)


def _remind(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, action: TimerAction) -> None:
    if action.clock is Clock.CLAIM:
        ticket.claim_reminded = True
        deadline = ticket.claim_deadline
    else:
        ticket.handle_reminded = True
        deadline = ticket.handle_deadline
    liaisons = list(desk.org.liaisons_of(ticket.department or ""))
    record(uow, ticket, "reminder", now=action.at, actor_id="gridbot", clock=action.clock.value)
    say(uow, chat_id=ticket.chat_id, now=action.at, event="reminder", ticket=ticket.tag,
        mentions=liaisons, text=texts.REMINDER.format(
            tag=ticket.tag, item=_item(ticket), clock=CLOCK_NAMES[action.clock],
            deadline=texts.when(deadline, desk.tz),
            mentions=texts.mention([desk.org.display_name(m) for m in liaisons]),
            verb="认领" if action.clock is Clock.CLAIM else "办结"))


def _escalate(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, action: TimerAction) -> None:
    ticket.stage_level = action.level
    ticket.escalation_level = max(ticket.escalation_level, action.level)
    chat_id, audience = _audience(desk, ticket, action.level)
    deadline = {Clock.CLAIM: ticket.claim_deadline, Clock.TRIAGE: ticket.claim_deadline,
                Clock.RULING: ticket.ruling_deadline}.get(action.clock, ticket.handle_deadline)
    late = action.at - deadline if deadline else timedelta(0)
    community = desk.org.community(ticket.community_id or "")
    record(uow, ticket, "escalation", now=action.at, actor_id="gridbot", level=action.level,
           clock=action.clock.value)
    say(uow, chat_id=chat_id, now=action.at, event="escalation", ticket=ticket.tag,
        level=action.level, mentions=audience, text=texts.ESCALATION.format(
            tag=ticket.tag, level=texts.LEVEL_NAMES[action.level],
            community=community.name if community else "", item=_item(ticket),
            department=ticket.department or "待分派", clock=CLOCK_NAMES[action.clock],
            deadline=texts.when(deadline, desk.tz), late=texts.duration(late),
            mentions=texts.mention([desk.org.display_name(m) for m in audience])))


def _audience(desk: Desk, ticket: Ticket, level: int) -> tuple[str, list[str]]:
    """Where each level is said and who is @-mentioned (contract §8)."""
    if level >= 3:
        return desk.org.city_chat, [desk.org.city_duty]
    if level == 2:
        return desk.org.command_chat, [desk.org.street_duty]
    community = desk.org.community(ticket.community_id or "")
    heads = [community.station_head] if community else []
    return ticket.chat_id, [*desk.org.liaisons_of(ticket.department or ""), *heads]


def _item(ticket: Ticket) -> str:
    return ticket.item_name or ticket.source_text.strip()[:24]
