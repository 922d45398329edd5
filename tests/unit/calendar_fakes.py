"""A small fake working calendar for the core's unit tests (no chinesecalendar)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dispatcher.calendar import CalendarYearUnknown, WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOWS = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
# A made-up week off in March 2030 with a 调休 Saturday before it.
FAKE_HOLIDAYS = frozenset(date(2030, 3, d) for d in range(11, 16))
FAKE_WORKDAYS = frozenset({date(2030, 3, 9)})
KNOWN_YEARS = range(2029, 2032)


def fake_day_kind(day: date) -> bool:
    if day.year not in KNOWN_YEARS:
        raise CalendarYearUnknown(day.year)
    if day in FAKE_WORKDAYS:
        return True
    return day not in FAKE_HOLIDAYS and day.weekday() < 5


def fake_calendar() -> WorkingCalendar:
    return WorkingCalendar(tz=SHANGHAI, windows=WINDOWS, day_kind=fake_day_kind)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
