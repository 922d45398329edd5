"""The calendar built from the real chinesecalendar data, config overrides and unknown years."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from pydantic import ValidationError

from bot.calendar_source import (
    CalendarSettings,
    YearOverrides,
    build_day_kind,
    build_working_calendar,
    check_years,
    years_to_check,
)
from dispatcher.calendar import CalendarYearUnknown
from dispatcher.lists import TimeLimit

SETTINGS = CalendarSettings()
CAL = build_working_calendar(SETTINGS)
TZ = SETTINGS.zone
UNKNOWN_YEAR = 2099  # chinesecalendar will not know this one for a long time


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def _days(month: int, first: int, last: int) -> list[date]:
    return [date(2026, month, day) for day in range(first, last + 1)]


HOLIDAYS_2026 = [
    *_days(1, 1, 3),  # 元旦
    *_days(2, 15, 23),  # 春节
    *_days(4, 4, 6),  # 清明
    *_days(5, 1, 5),  # 劳动节
    *_days(6, 19, 21),  # 端午
    *_days(9, 25, 27),  # 中秋
    *_days(10, 1, 7),  # 国庆
]
MAKE_UP_WORKDAYS_2026 = [
    date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
    date(2026, 9, 20), date(2026, 10, 10),
]
ORDINARY_2026 = [
    (date(2026, 2, 13), True), (date(2026, 2, 24), True), (date(2026, 4, 3), True),
    (date(2026, 4, 7), True), (date(2026, 5, 6), True), (date(2026, 10, 8), True),
    (date(2026, 3, 7), False), (date(2026, 3, 8), False), (date(2026, 10, 11), False),
]


@pytest.mark.parametrize(
    ("day", "working"),
    [*((d, False) for d in HOLIDAYS_2026), *((d, True) for d in MAKE_UP_WORKDAYS_2026),
     *ORDINARY_2026],
    ids=str,
)
def test_2026_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working
    assert CAL.is_working_time(datetime.combine(day, time(10, 0), tzinfo=TZ)) is working


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        # the examples: Friday before 春节 -> the 调休 Saturday -> after the holiday
        (at(2026, 2, 13, 17, 0), "1工作日", at(2026, 2, 14, 17, 0)),
        (at(2026, 2, 14, 17, 0), "1工作日", at(2026, 2, 24, 17, 0)),
        (at(2026, 2, 13, 17, 0), "1工作时", at(2026, 2, 14, 9, 0)),
        (at(2026, 2, 14, 17, 0), "1工作时", at(2026, 2, 24, 9, 0)),
        (at(2026, 9, 30, 16, 0), "2工作日", at(2026, 10, 9, 16, 0)),  # 国庆
        (at(2026, 10, 9, 12, 30), "1工作日", at(2026, 10, 10, 14, 0)),  # lunch gap, 调休 Sat
        (at(2026, 4, 3, 17, 30), "1工作日", at(2026, 4, 7, 17, 30)),  # window end before 清明
        (at(2026, 4, 30, 10, 0), "3工作日", at(2026, 5, 8, 10, 0)),  # 劳动节
        (at(2026, 2, 14, 17, 0), "2紧急工作时", at(2026, 2, 14, 19, 0)),  # continuous
        (at(2026, 2, 15, 9, 0), "1自然日", at(2026, 2, 16, 9, 0)),
    ],
)
def test_2026_deadlines(start: datetime, limit: str, expected: datetime) -> None:
    assert CAL.deadline(start=start, limit=TimeLimit.parse(limit)) == expected


def test_working_minutes_across_the_spring_festival() -> None:
    # Sat 17:00–17:30, then Tue 2026-02-24 08:30–09:00
    assert CAL.working_minutes_between(at(2026, 2, 14, 17, 0), at(2026, 2, 24, 9, 0)) == 60


def test_overrides_win_over_the_package() -> None:
    day_kind = build_day_kind(
        extra_workdays={date(2026, 2, 16)}, extra_holidays={date(2026, 2, 13)}
    )
    assert day_kind(date(2026, 2, 16)) is True
    assert day_kind(date(2026, 2, 13)) is False
    assert day_kind(date(2026, 2, 17)) is False  # untouched days still come from the package


def test_an_unknown_year_is_an_error_naming_the_year() -> None:
    day_kind = build_day_kind()
    with pytest.raises(CalendarYearUnknown, match=f"{UNKNOWN_YEAR} 年") as caught:
        day_kind(date(UNKNOWN_YEAR, 3, 2))
    assert caught.value.year == UNKNOWN_YEAR
    with pytest.raises(CalendarYearUnknown):
        check_years(day_kind, [2026, UNKNOWN_YEAR])
    check_years(day_kind, [2025, 2026])


def test_a_single_override_does_not_make_a_year_known() -> None:
    day_kind = build_day_kind(extra_holidays={date(UNKNOWN_YEAR, 1, 1)})
    assert day_kind(date(UNKNOWN_YEAR, 1, 1)) is False
    with pytest.raises(CalendarYearUnknown):
        check_years(day_kind, [UNKNOWN_YEAR])


def test_a_configured_year_is_weekends_plus_its_listed_days() -> None:
    year = YearOverrides(
        holidays=frozenset({date(UNKNOWN_YEAR, 1, 1)}),  # a Thursday
        workdays=frozenset({date(UNKNOWN_YEAR, 1, 3)}),  # a Saturday
    )
    day_kind = build_day_kind(extra_years={UNKNOWN_YEAR: year})
    check_years(day_kind, [UNKNOWN_YEAR])
    assert [day_kind(date(UNKNOWN_YEAR, 1, d)) for d in range(1, 6)] == [
        False, True, True, False, True,
    ]


def test_a_configured_known_year_overrides_only_its_listed_days() -> None:
    year = YearOverrides(holidays=frozenset({date(2026, 3, 2)}))
    day_kind = build_day_kind(extra_years={2026: year})
    assert day_kind(date(2026, 3, 2)) is False
    assert day_kind(date(2026, 2, 14)) is True  # package data kept for the rest of the year


def test_settings_from_config_shape() -> None:
    settings = CalendarSettings.model_validate({
        "windows": [["09:00", "12:00"], ["13:30", "18:00"]],
        "holidays": ["2026-03-02"],
        "workdays": [date(2026, 3, 7)],
        "years": {str(UNKNOWN_YEAR): {"holidays": [f"{UNKNOWN_YEAR}-01-01"]}},
    })
    cal = build_working_calendar(settings)
    check_years(settings.day_kind(), [UNKNOWN_YEAR])
    assert cal.windows == ((time(9, 0), time(12, 0)), (time(13, 30), time(18, 0)))
    assert not cal.is_working_day(date(2026, 3, 2))
    assert cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(UNKNOWN_YEAR, 1, 1))


def test_start_up_checks_this_year_and_the_next() -> None:
    assert years_to_check(date(2026, 11, 21)) == (2026, 2027)
    settings = CalendarSettings.model_validate({"years": {UNKNOWN_YEAR: {}}})
    with pytest.raises(CalendarYearUnknown, match=str(UNKNOWN_YEAR + 1)):
        build_working_calendar(settings, today=date(UNKNOWN_YEAR, 6, 1))
    both = CalendarSettings.model_validate({"years": {UNKNOWN_YEAR: {}, UNKNOWN_YEAR + 1: {}}})
    cal = build_working_calendar(both, today=date(UNKNOWN_YEAR, 6, 1))
    assert cal.is_working_day(date(UNKNOWN_YEAR + 1, 1, 4))  # a Monday


@pytest.mark.parametrize(
    ("section", "field", "reason"),
    [
        ({"windows": [["8:30", "12:00"]]}, "windows", "HH:MM"),
        ({"windows": [["08:30"]]}, "windows", "两个时间"),
        ({"windows": [["14:00", "12:00"]]}, "windows", "晚于开始"),
        ({"windows": [["08:00", "12:00"], ["11:00", "13:00"]]}, "windows", "重叠"),
        ({"windows": []}, "windows", "非空"),
        ({"holidays": ["2026-13-01"]}, "holidays", "YYYY-MM-DD"),
        ({"workdays": "2026-01-01"}, "workdays", "日期列表"),
        ({"timezone": "Mars/Olympus"}, "timezone", "时区"),
        ({"years": {2027: {"holidays": ["2026-10-01"]}}}, "calendar.years.2027", "不属于 2027"),
        ({"holidays": ["2026-03-02"], "workdays": ["2026-03-02"]}, "calendar", "同时列在"),
        ({"weekends": []}, "weekends", "Extra"),
    ],
)
def test_bad_settings_name_the_field(section: dict[str, object], field: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarSettings.model_validate(section)
    text = str(caught.value)
    assert field in text
    assert reason in text
