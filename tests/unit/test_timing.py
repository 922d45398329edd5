"""Timer policy numbers of contract §8 on the fake calendar."""

from __future__ import annotations

import pytest

from dispatcher.lists import TimeLimit, TimeUnit, Urgency
from dispatcher.timing import (
    Milestones,
    TimerPolicy,
    UrgencyTimers,
    auto_close_at,
    claim_deadline,
    claim_milestones,
    escalation_times,
    handle_deadline,
    milestones,
    triage_deadline,
)
from tests.unit.calendar_fakes import at, fake_calendar

CAL = fake_calendar()
POLICY = TimerPolicy()


def test_urgent_claim_runs_on_the_continuous_clock_at_night() -> None:
    start = at(2030, 3, 2, 23, 0)  # a Saturday night
    assert claim_milestones(calendar=CAL, policy=POLICY, urgency=Urgency.URGENT, start=start) == (
        Milestones(
            reminder=at(2030, 3, 2, 23, 12),
            level1=at(2030, 3, 2, 23, 15),
            level2=at(2030, 3, 2, 23, 45),  # + 30 minutes
            level3=at(2030, 3, 3, 1, 15),  # + 2 hours
        )
    )


def test_normal_claim_counts_working_minutes_over_the_weekend() -> None:
    start = at(2030, 3, 1, 17, 0)  # Friday: 17:00–17:30, then Monday 08:30–09:00
    deadline = claim_deadline(calendar=CAL, policy=POLICY, urgency=Urgency.NORMAL, start=start)
    assert deadline == at(2030, 3, 4, 9, 0)
    assert escalation_times(
        calendar=CAL, policy=POLICY, urgency=Urgency.NORMAL, deadline=deadline
    ) == (deadline, at(2030, 3, 4, 11, 0), at(2030, 3, 5, 9, 0))
    reminder = claim_milestones(
        calendar=CAL, policy=POLICY, urgency=Urgency.NORMAL, start=start
    ).reminder
    assert reminder == at(2030, 3, 4, 8, 48)  # 48 of 60 working minutes


def test_level2_of_a_limit_at_a_window_end_starts_next_morning() -> None:
    # Level 2 (+2 working hours) has no minutes left on the limit's day; level 3 (+1工作日)
    # is the same clock time, 17:30, on the next working day.
    deadline = at(2030, 3, 4, 17, 30)
    _, level2, level3 = escalation_times(
        calendar=CAL, policy=POLICY, urgency=Urgency.NORMAL, deadline=deadline
    )
    assert level2 == at(2030, 3, 5, 10, 30)
    assert level3 == at(2030, 3, 5, 17, 30)


def test_handling_clock_uses_the_item_limit() -> None:
    start = at(2030, 3, 8, 17, 0)
    limit = TimeLimit(1, TimeUnit.WORK_DAYS)
    assert handle_deadline(calendar=CAL, start=start, limit=limit) == at(2030, 3, 9, 17, 0)
    assert milestones(
        calendar=CAL, policy=POLICY, urgency=Urgency.NORMAL, start=start, limit=limit
    ) == Milestones(
        reminder=at(2030, 3, 9, 15, 36),
        level1=at(2030, 3, 9, 17, 0),
        level2=at(2030, 3, 18, 10, 0),  # 30 minutes on the 调休 Saturday, 90 after the holiday
        level3=at(2030, 3, 18, 17, 0),
    )


def test_triage_and_auto_close() -> None:
    assert triage_deadline(calendar=CAL, policy=POLICY, start=at(2030, 3, 1, 17, 0)) == at(
        2030, 3, 4, 9, 0
    )
    assert auto_close_at(calendar=CAL, policy=POLICY, done_at=at(2030, 3, 4, 10, 0)) == at(
        2030, 3, 5, 10, 0
    )
    # 办结 in the evening: the working day counts from the next morning
    assert auto_close_at(calendar=CAL, policy=POLICY, done_at=at(2030, 3, 1, 18, 0)) == at(
        2030, 3, 5, 8, 30
    )


def test_item_timers_override_the_urgency_defaults() -> None:
    fast = UrgencyTimers(
        claim_limit=TimeLimit(5, TimeUnit.MINUTES),
        level2_after=TimeLimit(10, TimeUnit.MINUTES),
        level3_after=TimeLimit(1, TimeUnit.HOURS),
    )
    policy = TimerPolicy(item_timers={"0101": fast})
    start = at(2030, 3, 2, 23, 0)
    assert policy.timers_for(Urgency.NORMAL, "0101") is fast
    assert policy.timers_for(Urgency.NORMAL, "0102") is policy.normal
    assert claim_deadline(
        calendar=CAL, policy=policy, urgency=Urgency.NORMAL, start=start, item_code="0101"
    ) == at(2030, 3, 2, 23, 5)


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.5])
def test_reminder_fraction_must_be_inside_the_limit(fraction: float) -> None:
    with pytest.raises(ValueError, match="提醒比例"):
        TimerPolicy(reminder_fraction=fraction)


def test_policies_compare_by_value_and_stay_hashable() -> None:
    assert TimerPolicy() == TimerPolicy()
    assert hash(TimerPolicy(item_timers={"0101": TimerPolicy().urgent})) == hash(TimerPolicy())
