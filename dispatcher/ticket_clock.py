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
    RULING = "ruling"  # a disputed ticket waits for the station head's 裁决


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
        ticket.clock_started_at = now
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

    def hold_for_ruling(self, ticket: Ticket, *, now: datetime) -> None:
        ticket.ruling_deadline = timing.triage_deadline(calendar=self.calendar,
                                                        policy=self.policy, start=now)
        self.rearm(ticket, now=now)

    def extend(self, ticket: Ticket, *, limit: TimeLimit, now: datetime) -> None:
        """Move the handling deadline by ``limit`` on the working calendar (from the deadline)."""
        base = ticket.handle_deadline or now
        ticket.handle_deadline = self.calendar.deadline(start=base, limit=limit)
        ticket.extension_limit, ticket.extended_at = str(limit), now
        ticket.handle_reminded = False
        if ticket.status is Status.CLAIMED:  # the ladder of the running handling clock restarts
            ticket.stage_level = 0
        self.rearm(ticket, now=now)

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

    def split(self, ticket: Ticket, *, now: datetime) -> tuple[list[TimerAction],
                                                                list[TimerAction]]:
        """The pending timers due by ``now`` and those after it, computed once for a sweep."""
        pending = self.pending(ticket)
        return [a for a in pending if a.at <= now], [a for a in pending if a.at > now]

    @staticmethod
    def settle(ticket: Ticket, later: list[TimerAction]) -> None:
        """Re-arm after a sweep fired a ticket's due timers (see ``split``).

        Firing only marks reminders done, raises the stage level, or closes the ticket, so
        what is left of the running clock is exactly ``later``: no second calendar pass.
        """
        ticket.next_timer_at = later[0].at if later and ticket.is_open else None

    def _running_clock(self, ticket: Ticket) -> tuple[Clock, datetime | None]:
        if ticket.status is Status.TRIAGE:
            return Clock.TRIAGE, ticket.claim_deadline
        if ticket.status is Status.DISPUTED:
            return Clock.RULING, ticket.ruling_deadline
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
        if clock in (Clock.TRIAGE, Clock.RULING):  # the station head's clock: to the street
            return [TimerAction(level1, clock, "escalation", 2),
                    TimerAction(level3, clock, "escalation", 3)]
        reminder = self._reminder_at(ticket, clock)
        return [TimerAction(min(reminder, level1), clock, "reminder"),
                TimerAction(level1, clock, "escalation", 1),
                TimerAction(level2, clock, "escalation", 2),
                TimerAction(level3, clock, "escalation", 3)]

    def _reminder_at(self, ticket: Ticket, clock: Clock) -> datetime:
        """80% of the running limit; after a 延期, 80% of the extension from its approval."""
        fraction = self.policy.reminder_fraction
        if clock is Clock.HANDLE and ticket.extended_at and ticket.extension_limit:
            return self.calendar.deadline(start=ticket.extended_at, fraction=fraction,
                                          limit=TimeLimit.parse(ticket.extension_limit))
        start = ticket.clock_started_at or ticket.reported_at
        return self.calendar.deadline(start=start, limit=self._limit(ticket, clock),
                                      fraction=fraction)

    def _limit(self, ticket: Ticket, clock: Clock) -> TimeLimit:
        if clock is Clock.HANDLE and ticket.limit_text:
            return TimeLimit.parse(ticket.limit_text)
        return self.policy.timers_for(Urgency(ticket.urgency), ticket.item_code).claim_limit

    @staticmethod
    def _reminded(ticket: Ticket, clock: Clock) -> bool:
        return ticket.claim_reminded if clock is Clock.CLAIM else ticket.handle_reminded
