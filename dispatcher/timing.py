"""The timer policy of contract §8 as data, and the moments it implies.

Everything here is pure: the caller passes the calendar, the policy and the start moment, and
gets aware datetimes back. Escalation offsets are counted from the limit with the same calendar
rules as any 处置时限, so "limit + 2 working hours" skips nights and holidays while the urgent
"+ 30 minutes" does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from dispatcher.calendar import WorkingCalendar
from dispatcher.lists import TimeLimit, TimeUnit, Urgency


@dataclass(frozen=True, slots=True)
class UrgencyTimers:
    """The clocks that depend on how urgent an item is."""

    claim_limit: TimeLimit
    level2_after: TimeLimit  # counted from the limit (level 1)
    level3_after: TimeLimit


URGENT_TIMERS = UrgencyTimers(
    claim_limit=TimeLimit(15, TimeUnit.MINUTES),
    level2_after=TimeLimit(30, TimeUnit.MINUTES),
    level3_after=TimeLimit(2, TimeUnit.HOURS),
)
TRIAGE_ASSIGN_LIMIT = TimeLimit(1, TimeUnit.WORK_HOURS)  # then level 2
AUTO_CLOSE_AFTER = TimeLimit(1, TimeUnit.WORK_DAYS)  # after 办结 without the reporter's answer
NORMAL_TIMERS = UrgencyTimers(
    claim_limit=TimeLimit(1, TimeUnit.WORK_HOURS),  # 60 working minutes
    level2_after=TimeLimit(2, TimeUnit.WORK_HOURS),
    level3_after=TimeLimit(1, TimeUnit.WORK_DAYS),
)


@dataclass(frozen=True, slots=True)
class ItemTimers:
    """An item's own clocks; a field left ``None`` keeps its urgency's default."""

    claim_limit: TimeLimit | None = None
    level2_after: TimeLimit | None = None
    level3_after: TimeLimit | None = None

    def over(self, base: UrgencyTimers) -> UrgencyTimers:
        return UrgencyTimers(claim_limit=self.claim_limit or base.claim_limit,
                             level2_after=self.level2_after or base.level2_after,
                             level3_after=self.level3_after or base.level3_after)


@dataclass(frozen=True)
class TimerPolicy:
    """Contract §8 defaults; ``item_timers`` overrides them for single item codes."""

    urgent: UrgencyTimers = URGENT_TIMERS
    normal: UrgencyTimers = NORMAL_TIMERS
    reminder_fraction: float = 0.8
    triage_assign_limit: TimeLimit = TRIAGE_ASSIGN_LIMIT
    auto_close_after: TimeLimit = AUTO_CLOSE_AFTER
    # Left out of the hash so a policy can still key a cache; equality still compares it.
    item_timers: Mapping[str, UrgencyTimers | ItemTimers] = field(default_factory=dict,
                                                                  hash=False)

    def __post_init__(self) -> None:
        if not 0 < self.reminder_fraction < 1:
            raise ValueError(f"提醒比例必须在 0 和 1 之间：{self.reminder_fraction}")

    def timers_for(self, urgency: Urgency, item_code: str | None = None) -> UrgencyTimers:
        base = self.urgent if urgency is Urgency.URGENT else self.normal
        own = self.item_timers.get(item_code) if item_code is not None else None
        if own is None:
            return base
        return own.over(base) if isinstance(own, ItemTimers) else own


@dataclass(frozen=True, slots=True)
class Milestones:
    """The moments one clock (claim or handling) fires, in order."""

    reminder: datetime  # reminder_fraction of the limit, if the milestone is not reached
    level1: datetime  # the limit itself
    level2: datetime
    level3: datetime


def claim_deadline(
    *, calendar: WorkingCalendar, policy: TimerPolicy, urgency: Urgency, start: datetime,
    item_code: str | None = None,
) -> datetime:
    limit = policy.timers_for(urgency, item_code).claim_limit
    return calendar.deadline(start=start, limit=limit)


def handle_deadline(*, calendar: WorkingCalendar, start: datetime, limit: TimeLimit) -> datetime:
    """The 处置时限 clock; ``start`` is the dispatch (or the original start on 没解决)."""
    return calendar.deadline(start=start, limit=limit)


def escalation_times(
    *, calendar: WorkingCalendar, policy: TimerPolicy, urgency: Urgency, deadline: datetime,
    item_code: str | None = None,
) -> tuple[datetime, datetime, datetime]:
    """Levels 1, 2 and 3 for a clock whose limit falls at ``deadline``."""
    timers = policy.timers_for(urgency, item_code)
    return (
        deadline,
        calendar.deadline(start=deadline, limit=timers.level2_after),
        calendar.deadline(start=deadline, limit=timers.level3_after),
    )


def milestones(
    *, calendar: WorkingCalendar, policy: TimerPolicy, urgency: Urgency, start: datetime,
    limit: TimeLimit, item_code: str | None = None,
) -> Milestones:
    """Reminder and escalation moments of one clock running ``limit`` from ``start``."""
    reminder = calendar.deadline(start=start, limit=limit, fraction=policy.reminder_fraction)
    level1, level2, level3 = escalation_times(
        calendar=calendar, policy=policy, urgency=urgency, item_code=item_code,
        deadline=calendar.deadline(start=start, limit=limit),
    )
    return Milestones(reminder=reminder, level1=level1, level2=level2, level3=level3)


def claim_milestones(
    *, calendar: WorkingCalendar, policy: TimerPolicy, urgency: Urgency, start: datetime,
    item_code: str | None = None,
) -> Milestones:
    limit = policy.timers_for(urgency, item_code).claim_limit
    return milestones(calendar=calendar, policy=policy, urgency=urgency, start=start,
                      limit=limit, item_code=item_code)


def triage_deadline(*, calendar: WorkingCalendar, policy: TimerPolicy, start: datetime) -> datetime:
    """When an unassigned triage goes to level 2 (the station head had this long to assign)."""
    return calendar.deadline(start=start, limit=policy.triage_assign_limit)


def auto_close_at(*, calendar: WorkingCalendar, policy: TimerPolicy, done_at: datetime) -> datetime:
    """When a 办结 ticket closes itself if the reporter has not answered."""
    return calendar.deadline(start=done_at, limit=policy.auto_close_after)
