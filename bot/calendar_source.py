"""Builds the working calendar from the ``chinesecalendar`` package and ``config.yaml``.

Config shape (the ``calendar:`` section; every key optional)::

    calendar:
      timezone: Asia/Shanghai
      windows: [["08:30", "12:00"], ["14:00", "17:30"]]
      workdays: [2026-03-07]          # local extra working days, any year
      holidays: [2026-03-06]          # local extra days off, any year
      years:                          # years the package may not know yet
        2027:
          holidays: [2027-01-01]
          workdays: [2027-02-20]

Precedence for a date: top-level ``workdays``/``holidays``, then the listed days of its entry in
``years``, then the package. A year listed under ``years`` that the package does not cover is
"weekends off plus the listed days"; a year neither knows raises ``CalendarYearUnknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dispatcher.calendar import (
    CalendarYearUnknown,
    DayKind,
    Window,
    WorkingCalendar,
    check_windows,
)

DEFAULT_WINDOWS: tuple[Window, ...] = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class YearOverrides:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()


def build_day_kind(
    *,
    extra_workdays: Collection[date] = frozenset(),
    extra_holidays: Collection[date] = frozenset(),
    extra_years: Mapping[int, YearOverrides] | None = None,
    package_is_workday: Callable[[date], bool] = chinese_calendar.is_workday,
) -> DayKind:
    """``day_kind(d)`` is True on working days; see the module docstring for precedence."""
    workdays, holidays = frozenset(extra_workdays), frozenset(extra_holidays)
    years = dict(extra_years or {})

    def day_kind(day: date) -> bool:
        if day in workdays:
            return True
        if day in holidays:
            return False
        year = years.get(day.year)
        if year is not None and day in year.workdays:
            return True
        if year is not None and day in year.holidays:
            return False
        try:
            return bool(package_is_workday(day))
        except NotImplementedError:  # how chinesecalendar says "no data for this year"
            if year is None:
                raise CalendarYearUnknown(day.year) from None
            return day.weekday() < 5

    return day_kind


def years_to_check(today: date, *, horizon: timedelta = timedelta(days=366)) -> tuple[int, ...]:
    """The years deadlines may reach from ``today``: by default this year and the next."""
    return tuple(range(today.year, (today + horizon).year + 1))


def check_years(day_kind: DayKind, years: Iterable[int]) -> None:
    """Raise ``CalendarYearUnknown`` at start-up for any year the calendar cannot answer."""
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:  # every day: a single configured date must not hide a gap
            day_kind(day)
            day += timedelta(days=1)


def _parse_hhmm(value: Any, where: str) -> time:
    if isinstance(value, time):
        return value
    match = _HHMM.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{where}：时间「{value}」格式不对，应为 HH:MM，例如 08:30")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_dates(value: Any, where: str) -> tuple[date, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ValueError(f"{where}：应为日期列表，例如 [2026-02-14]")
    return tuple(_parse_date(item, where) for item in value)


def _parse_date(item: Any, where: str) -> date:
    if isinstance(item, date) and not isinstance(item, datetime):
        return item  # YAML already reads 2026-02-14 as a date
    if isinstance(item, str):
        try:
            return date.fromisoformat(item.strip())
        except ValueError:
            pass
    raise ValueError(f"{where}：日期「{item}」格式不对，应为 YYYY-MM-DD")


class YearSettings(BaseModel):
    """One year the package may not know: weekends off plus these days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()

    @field_validator("holidays", "workdays", mode="before")
    @classmethod
    def _dates(cls, value: Any, info: ValidationInfo) -> tuple[date, ...]:
        return _parse_dates(value, f"calendar.years 的 {info.field_name}")

    def overrides(self) -> YearOverrides:
        return YearOverrides(holidays=frozenset(self.holidays), workdays=frozenset(self.workdays))


class CalendarSettings(BaseModel):
    """The ``calendar:`` section of ``config.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "Asia/Shanghai"
    windows: tuple[Window, ...] = Field(default=DEFAULT_WINDOWS, validate_default=False)
    workdays: tuple[date, ...] = ()
    holidays: tuple[date, ...] = ()
    years: dict[int, YearSettings] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"calendar.timezone：未知的时区「{value}」") from None
        return value

    @field_validator("workdays", "holidays", mode="before")
    @classmethod
    def _dates(cls, value: Any, info: ValidationInfo) -> tuple[date, ...]:
        return _parse_dates(value, f"calendar.{info.field_name}")

    @field_validator("windows", mode="before")
    @classmethod
    def _parse_windows(cls, value: Any) -> tuple[Window, ...]:
        if not isinstance(value, list | tuple) or not value:
            raise ValueError("calendar.windows：应为非空列表，例如 [[\"08:30\", \"12:00\"]]")
        windows = []
        for number, pair in enumerate(value, start=1):
            where = f"calendar.windows 第 {number} 段"
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValueError(f"{where}：应为 [开始, 结束] 两个时间，实际为 {pair!r}")
            windows.append((_parse_hhmm(pair[0], where), _parse_hhmm(pair[1], where)))
        try:
            return check_windows(windows)
        except ValueError as error:
            raise ValueError(f"calendar.windows：{error}") from None

    @model_validator(mode="after")
    def _consistent_days(self) -> CalendarSettings:
        _no_conflict("calendar", self.workdays, self.holidays)
        for year, days in self.years.items():
            where = f"calendar.years.{year}"
            _no_conflict(where, days.workdays, days.holidays)
            strays = sorted(d for d in (*days.workdays, *days.holidays) if d.year != year)
            if strays:
                raise ValueError(f"{where}：日期 {strays[0].isoformat()} 不属于 {year} 年")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def day_kind(self) -> DayKind:
        return build_day_kind(
            extra_workdays=self.workdays,
            extra_holidays=self.holidays,
            extra_years={year: days.overrides() for year, days in self.years.items()},
        )


def _no_conflict(where: str, workdays: Iterable[date], holidays: Iterable[date]) -> None:
    both = sorted(set(workdays) & set(holidays))
    if both:
        raise ValueError(f"{where}：{both[0].isoformat()} 同时列在 workdays 和 holidays 中")


def build_working_calendar(
    settings: CalendarSettings, *, today: date | None = None
) -> WorkingCalendar:
    """The calendar for the service; with ``today`` also checks the years it will need."""
    day_kind = settings.day_kind()
    if today is not None:
        check_years(day_kind, years_to_check(today))
    return WorkingCalendar(tz=settings.zone, windows=settings.windows, day_kind=day_kind)
