"""The working calendar on a small fake day_kind (weekends off, a fake holiday week)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from dispatcher.calendar import CalendarError, CalendarYearUnknown, WorkingCalendar
from dispatcher.lists import TimeLimit
from tests.unit.calendar_fakes import SHANGHAI, WINDOWS, at, fake_calendar

CAL = fake_calendar()


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(2030, 3, 4, 8, 29), False),
        (at(2030, 3, 4, 8, 30), True),  # windows are half-open: the start is working time
        (at(2030, 3, 4, 11, 59), True),
        (at(2030, 3, 4, 12, 0), False),  # ... and the end is not
        (at(2030, 3, 4, 13, 59), False),
        (at(2030, 3, 4, 14, 0), True),
        (at(2030, 3, 4, 17, 29), True),
        (at(2030, 3, 4, 17, 30), False),
        (at(2030, 3, 2, 10, 0), False),  # ordinary Saturday
        (at(2030, 3, 9, 10, 0), True),  # 调休 Saturday
        (at(2030, 3, 12, 10, 0), False),  # holiday Tuesday
    ],
)
def test_is_working_time(moment: datetime, working: bool) -> None:
    assert CAL.is_working_time(moment) is working


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2030, 3, 4, 9, 15), at(2030, 3, 4, 9, 15)),
        (at(2030, 3, 4, 7, 0), at(2030, 3, 4, 8, 30)),
        (at(2030, 3, 4, 12, 30), at(2030, 3, 4, 14, 0)),
        (at(2030, 3, 4, 17, 30), at(2030, 3, 5, 8, 30)),
        (at(2030, 3, 1, 18, 0), at(2030, 3, 4, 8, 30)),  # Friday evening -> Monday
        (at(2030, 3, 9, 18, 0), at(2030, 3, 18, 8, 30)),  # across the holiday week
    ],
)
def test_next_working_start(moment: datetime, expected: datetime) -> None:
    assert CAL.next_working_start(moment) == expected


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (at(2030, 3, 1, 17, 0), 60, at(2030, 3, 4, 9, 0)),
        (at(2030, 3, 4, 11, 30), 30, at(2030, 3, 4, 12, 0)),  # lands exactly at a window end
        (at(2030, 3, 4, 11, 30), 31, at(2030, 3, 4, 14, 1)),
        (at(2030, 3, 4, 8, 30), 420, at(2030, 3, 4, 17, 30)),
        (at(2030, 3, 4, 12, 30), 0, at(2030, 3, 4, 12, 30)),  # nothing to add: start itself
        (at(2030, 3, 8, 17, 0), 90, at(2030, 3, 9, 9, 30)),  # onto the 调休 Saturday
        (at(2030, 3, 9, 17, 0), 60, at(2030, 3, 18, 9, 0)),
        (at(2030, 3, 4, 9, 0), 0.5, datetime(2030, 3, 4, 9, 0, 30, tzinfo=SHANGHAI)),
    ],
)
def test_add_working_minutes(start: datetime, minutes: float, expected: datetime) -> None:
    assert CAL.add_working_minutes(start, minutes) == expected


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        (at(2030, 3, 1, 17, 0), at(2030, 3, 4, 9, 0), 60),
        (at(2030, 3, 4, 9, 0), at(2030, 3, 1, 17, 0), -60),
        (at(2030, 3, 4, 12, 0), at(2030, 3, 4, 14, 0), 0),
        (at(2030, 3, 4, 0, 0), at(2030, 3, 5, 0, 0), 420),
        (at(2030, 3, 10, 0, 0), at(2030, 3, 17, 23, 0), 0),  # Sunday + holiday week
    ],
)
def test_working_minutes_between(a: datetime, b: datetime, minutes: float) -> None:
    assert CAL.working_minutes_between(a, b) == minutes


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        # contract §8: Saturday 10:00 counts from Monday 08:30
        (at(2030, 3, 2, 10, 0), "1工作日", at(2030, 3, 5, 8, 30)),
        # lunch gap counts from 14:00
        (at(2030, 3, 4, 12, 30), "1工作日", at(2030, 3, 5, 14, 0)),
        # a window end counts as that clock time: 17:30 + 1工作日 is 17:30 the next working day
        (at(2030, 3, 4, 17, 30), "1工作日", at(2030, 3, 5, 17, 30)),
        (at(2030, 3, 4, 17, 31), "1工作日", at(2030, 3, 6, 8, 30)),  # after hours
        (at(2030, 3, 4, 11, 0), "1工作日", at(2030, 3, 5, 11, 0)),
        (at(2030, 3, 4, 11, 0), "3工作日", at(2030, 3, 7, 11, 0)),
        # the contract's example shape on the fake calendar: a 调休 Saturday, then a holiday
        (at(2030, 3, 8, 17, 0), "1工作日", at(2030, 3, 9, 17, 0)),
        (at(2030, 3, 9, 17, 0), "1工作日", at(2030, 3, 18, 17, 0)),
        # fractions: working minutes of a standard day (420)
        (at(2030, 3, 4, 8, 30), "0.5工作日", at(2030, 3, 4, 12, 0)),
        (at(2030, 3, 4, 10, 0), "1.5工作日", at(2030, 3, 5, 15, 30)),
        (at(2030, 3, 4, 16, 30), "2工作时", at(2030, 3, 5, 9, 30)),
        (at(2030, 3, 2, 23, 0), "2紧急工作时", at(2030, 3, 3, 1, 0)),
        (at(2030, 3, 2, 23, 0), "3小时", at(2030, 3, 3, 2, 0)),
        (at(2030, 3, 2, 23, 0), "15分钟", at(2030, 3, 2, 23, 15)),
        (at(2030, 3, 2, 23, 0), "2自然日", at(2030, 3, 4, 23, 0)),
    ],
)
def test_deadline(start: datetime, limit: str, expected: datetime) -> None:
    assert CAL.deadline(start=start, limit=TimeLimit.parse(limit)) == expected


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        (at(2030, 3, 4, 9, 0), "1工作时", at(2030, 3, 4, 9, 48)),
        (at(2030, 3, 2, 23, 0), "15分钟", at(2030, 3, 2, 23, 12)),
        (at(2030, 3, 2, 23, 0), "1自然日", at(2030, 3, 3, 18, 12)),
        # 工作日: 80% of the 420 working minutes up to Monday 17:00 is 336 -> Monday 15:36
        (at(2030, 3, 1, 17, 0), "1工作日", at(2030, 3, 4, 15, 36)),
    ],
)
def test_deadline_fraction(start: datetime, limit: str, expected: datetime) -> None:
    assert CAL.deadline(start=start, limit=TimeLimit.parse(limit), fraction=0.8) == expected


def test_results_are_in_the_calendar_time_zone() -> None:
    start = datetime(2030, 3, 4, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    result = CAL.deadline(start=start, limit=TimeLimit.parse("1工作时"))
    assert result.tzinfo is SHANGHAI
    assert result == at(2030, 3, 4, 10, 0)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="时区"):
        CAL.is_working_time(datetime(2030, 3, 4, 9, 0))  # noqa: DTZ001


@pytest.mark.parametrize("call", [
    lambda: CAL.add_working_minutes(at(2030, 3, 4), -1),
    lambda: CAL.add_working_days(at(2030, 3, 4), -0.5),
    lambda: CAL.deadline(start=at(2030, 3, 4), limit=TimeLimit.parse("1工作日"), fraction=-1),
])
def test_negative_amounts_are_rejected(call: object) -> None:
    with pytest.raises(CalendarError, match="负数"):
        call()  # type: ignore[operator]


def test_unknown_year_surfaces_with_its_year() -> None:
    with pytest.raises(CalendarYearUnknown, match="2032") as caught:
        CAL.add_working_days(at(2031, 12, 31, 10, 0), 1)
    assert caught.value.year == 2032
    assert isinstance(caught.value, ValueError)


def test_a_calendar_without_working_days_fails_clearly() -> None:
    never = WorkingCalendar(tz=SHANGHAI, windows=WINDOWS, day_kind=lambda _day: False)
    with pytest.raises(CalendarError, match="没有任何工作日"):
        never.next_working_start(at(2030, 3, 4))


@pytest.mark.parametrize(("windows", "reason"), [
    ((), "不能为空"),
    (((time(12, 0), time(8, 30)),), "晚于开始"),
    (((time(8, 0), time(12, 0)), (time(11, 0), time(13, 0))), "重叠"),
])
def test_bad_windows_are_rejected(windows: tuple[tuple[time, time], ...], reason: str) -> None:
    with pytest.raises(CalendarError, match=reason):
        WorkingCalendar(tz=SHANGHAI, windows=windows, day_kind=lambda _day: True)


def test_windows_are_sorted_and_sum_to_a_standard_day() -> None:
    cal = WorkingCalendar(tz=SHANGHAI, windows=tuple(reversed(WINDOWS)), day_kind=lambda _d: True)
    assert cal.windows == WINDOWS
    assert cal.day_minutes == 420
