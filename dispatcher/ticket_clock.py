"""A ticket's clocks on the working calendar: deadlines, reminders, escalation, auto-close.

Which clock runs depends on the state: triage → the station head's assign clock; dispatched →
the claim clock; claimed → the handling clock (started at dispatch); resolved → the
verification window. Each clock's moments are recomputed from stored facts, so a restart
or a long outage catches up on exactly what was missed, in order, and nothing fires twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatcher import timing
from dispatcher.calendar import WorkingCalendar
from dispatcher.lists import TimeLimit, Urgency
from dispatcher.tickets import Status, Ticket
from dispatcher.timing import TimerPolicy


class Clock(StrEnum):
    TRIAGE = "triage"
    CLAIM = "claim"
    HANDLE = "handle"
    VERIFY = "verify"


@dataclass(frozen=True, slots=True)
class TimerAction:
    at: datetime
    clock: Clock
    kind: str  # "reminder" | "escalation" | "auto_close"
    level: int = 0


class CalendarTimers:
    """Implements the ``TicketTimers`` port and tells the sweeper what is due."""

    def __init__(self, *, calendar: WorkingCalendar, policy: TimerPolicy) -> None:
        self.calendar = calendar
        self.policy = policy

    def start(self, ticket: Ticket, *, now: datetime, limit_text: str | None) -> None:
        urgency = Urgency(ticket.urgency)
        if ticket.status is Status.TRIAGE:
            ticket.claim_deadline = timing.triage_deadline(calendar=self.calendar,
                                                           policy=self.policy, start=now)
        else:
            ticket.claim_deadline = timing.claim_deadline(
                calendar=self.calendar, policy=self.policy, urgency=urgency, start=now,
                item_code=ticket.item_code)
            if limit_text:
                ticket.handle_deadline = timing.handle_deadline(
                    calendar=self.calendar, start=now, limit=TimeLimit.parse(limit_text))
        self.rearm(ticket, now=now)

    def rearm(self, ticket: Ticket, *, now: datetime) -> None:
        pending = self.pending(ticket)
        ticket.next_timer_at = pending[0].at if pending else None

    def pending(self, ticket: Ticket) -> list[TimerAction]:
        """Every timer of the running clock that has not fired yet, in time order."""
        clock, deadline = self._running_clock(ticket)
        if deadline is None:
            return []
        if clock is Clock.VERIFY:
            return [TimerAction(at=deadline, clock=clock, kind="auto_close")]
        return [a for a in self._ladder(ticket, clock, deadline)
                if (a.kind == "reminder" and not self._reminded(ticket, clock))
                or (a.kind == "escalation" and a.level > ticket.stage_level)]

    def due(self, ticket: Ticket, *, now: datetime) -> list[TimerAction]:
        return [a for a in self.pending(ticket) if a.at <= now]

    def _running_clock(self, ticket: Ticket) -> tuple[Clock, datetime | None]:
        if ticket.status is Status.TRIAGE:
            return Clock.TRIAGE, ticket.claim_deadline
        if ticket.status is Status.DISPATCHED:
            return Clock.CLAIM, ticket.claim_deadline
        if ticket.status is Status.CLAIMED:
            return Clock.HANDLE, ticket.handle_deadline
        if ticket.status is Status.RESOLVED and ticket.resolved_at is not None:
            return Clock.VERIFY, timing.auto_close_at(calendar=self.calendar, policy=self.policy,
                                                      done_at=ticket.resolved_at)
        return Clock.CLAIM, None

    def _ladder(self, ticket: Ticket, clock: Clock, deadline: datetime) -> list[TimerAction]:
        urgency = Urgency(ticket.urgency)
        level1, level2, level3 = timing.escalation_times(
            calendar=self.calendar, policy=self.policy, urgency=urgency, deadline=deadline,
            item_code=ticket.item_code)
        if clock is Clock.TRIAGE:  # an unassigned triage goes straight to the street
            return [TimerAction(level1, clock, "escalation", 2),
                    TimerAction(level3, clock, "escalation", 3)]
        start = ticket.reported_at
        reminder = self.calendar.deadline(
            start=start, limit=self._limit(ticket, clock), fraction=self.policy.reminder_fraction)
        return [TimerAction(min(reminder, level1), clock, "reminder"),
                TimerAction(level1, clock, "escalation", 1),
                TimerAction(level2, clock, "escalation", 2),
                TimerAction(level3, clock, "escalation", 3)]

    def _limit(self, ticket: Ticket, clock: Clock) -> TimeLimit:
        if clock is Clock.HANDLE and ticket.limit_text:
            return TimeLimit.parse(ticket.limit_text)
        return self.policy.timers_for(Urgency(ticket.urgency), ticket.item_code).claim_limit

    @staticmethod
    def _reminded(ticket: Ticket, clock: Clock) -> bool:
        return ticket.claim_reminded if clock is Clock.CLAIM else ticket.handle_reminded
