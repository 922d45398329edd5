"""Properties of the calendar arithmetic over random starts and amounts (fake day_kind)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.lists import TimeLimit, TimeUnit
from tests.unit.calendar_fakes import SHANGHAI, fake_calendar

CAL = fake_calendar()
WINDOW_ENDS = {end for _, end in CAL.windows}
WORKING_UNITS = (TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS)

# hypothesis takes naive bounds and attaches the zone itself
starts = st.datetimes(
    min_value=datetime(2030, 1, 1),  # noqa: DTZ001
    max_value=datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)
amounts = st.floats(min_value=0.01, max_value=20, allow_nan=False)
units = st.sampled_from(list(TimeUnit))


def _lands_in_working_time_or_at_a_window_end(moment: datetime) -> bool:
    local = moment.astimezone(SHANGHAI)
    at_end = CAL.is_working_day(local.date()) and local.timetz().replace(tzinfo=None) in WINDOW_ENDS
    return CAL.is_working_time(local) or at_end


@given(a=starts, b=starts, amount=amounts, unit=units)
def test_deadline_is_monotone_in_start(
    a: datetime, b: datetime, amount: float, unit: TimeUnit
) -> None:
    early, late = sorted((a, b))
    limit = TimeLimit(amount, unit)
    assert CAL.deadline(start=early, limit=limit) <= CAL.deadline(start=late, limit=limit)


@given(start=starts, x=amounts, y=amounts, unit=units)
def test_deadline_is_monotone_in_amount(
    start: datetime, x: float, y: float, unit: TimeUnit
) -> None:
    small, large = sorted((x, y))
    assert CAL.deadline(start=start, limit=TimeLimit(small, unit)) <= CAL.deadline(
        start=start, limit=TimeLimit(large, unit)
    )


@given(start=starts, amount=amounts, unit=st.sampled_from(WORKING_UNITS))
def test_working_deadlines_land_in_working_time_or_at_a_window_end(
    start: datetime, amount: float, unit: TimeUnit
) -> None:
    due = CAL.deadline(start=start, limit=TimeLimit(amount, unit))
    assert due > start
    assert _lands_in_working_time_or_at_a_window_end(due)


@given(
    start=starts,
    amount=amounts,
    unit=units,
    f=st.floats(min_value=0, max_value=1),
    g=st.floats(min_value=0, max_value=1),
)
def test_fractions_are_ordered_and_never_pass_the_deadline(
    start: datetime, amount: float, unit: TimeUnit, f: float, g: float
) -> None:
    limit = TimeLimit(amount, unit)
    low, high = sorted((f, g))
    assert (
        CAL.deadline(start=start, limit=limit, fraction=low)
        <= CAL.deadline(start=start, limit=limit, fraction=high)
        <= CAL.deadline(start=start, limit=limit)
    )


@given(start=starts, minutes=st.integers(min_value=0, max_value=20 * 420))
def test_working_minutes_between_inverts_add_working_minutes(start: datetime, minutes: int) -> None:
    assert CAL.working_minutes_between(start, CAL.add_working_minutes(start, minutes)) == minutes


@given(start=starts, minutes=st.floats(min_value=0, max_value=5000, allow_nan=False))
def test_fractional_working_minutes_round_trip_to_the_microsecond(
    start: datetime, minutes: float
) -> None:
    back = CAL.working_minutes_between(start, CAL.add_working_minutes(start, minutes))
    assert abs(back - minutes) < 1e-6


@given(start=starts, days=st.integers(min_value=1, max_value=20))
def test_whole_working_days_keep_the_clock_time_of_the_first_working_moment(
    start: datetime, days: int
) -> None:
    begin = CAL.next_working_start(start)
    due = CAL.add_working_days(start, days)
    assert due.timetz() == begin.timetz()
    assert CAL.working_minutes_between(begin, due) == days * CAL.day_minutes
