"""The working calendar and deadline arithmetic of contract §8.

Rules, all in the calendar's time zone:

- A working day has the configured windows (default 08:30–12:00 and 14:00–17:30); windows are
  half-open, so 08:30 is working time and 17:30 is not.
- Working-minute arithmetic returns the *earliest* moment at which the minutes have elapsed, so a
  result for a positive amount lies inside a window or exactly at a window's end (e.g. 17:30).
- ``N工作日`` is the same clock time N working days later; a start outside working time first
  moves to the next window's start. A start exactly at a window's end (a deadline at 17:30,
  say) counts as that clock time: a 数字城管 desk reads "17:30 + 1工作日" as 17:30 the next
  working day, not 08:30 the day after. A fractional part is converted to working minutes of a
  standard day (the sum of the windows, 420 minutes by default): 0.5工作日 = 210 working minutes.
  Because every working day has the same windows, the result lands in working time and grows
  monotonically with the amount.
- Continuous units (紧急工作时, 小时, 分钟, 自然日) ignore the calendar; 自然日 is 24 hours.

Whether a date is a working day comes from an injected ``day_kind`` function (built in
``bot/calendar_source.py`` from the ``chinesecalendar`` package), which raises
``CalendarYearUnknown`` for a year it has no data for — never a silent guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from dispatcher.lists import TimeLimit, TimeUnit

ONE_DAY = timedelta(days=1)
# A calendar with no working day for a whole year is misconfigured, not a long holiday.
MAX_GAP_DAYS = 366

DayKind = Callable[[date], bool]
Window = tuple[time, time]

_CONTINUOUS_MINUTES = {
    TimeUnit.URGENT_WORK_HOURS: 60.0,
    TimeUnit.HOURS: 60.0,
    TimeUnit.MINUTES: 1.0,
    TimeUnit.NATURAL_DAYS: 24 * 60.0,
}


class CalendarYearUnknown(ValueError):
    """The calendar has no holiday/调休 data for a year; raised instead of guessing."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"工作日历缺少 {year} 年的节假日与调休数据：chinesecalendar 尚未收录该年。"
            f"请升级 chinesecalendar，或在 config.yaml 的 calendar.years 下配置 {year} 年"
            f"的 holidays 与 workdays。"
        )


class CalendarError(ValueError):
    """A misconfigured calendar or an impossible request (negative amounts, naive times)."""


def check_windows(windows: Sequence[Window]) -> tuple[Window, ...]:
    """Sorted windows, each non-empty and none overlapping; raises ``CalendarError``."""
    ordered = tuple(sorted(windows))
    if not ordered:
        raise CalendarError("工作时段不能为空")
    for start, end in ordered:
        if not start < end:
            raise CalendarError(f"工作时段 {start:%H:%M}–{end:%H:%M} 的结束时间必须晚于开始时间")
    for (_, end), (start, _) in pairwise(ordered):
        if start < end:
            raise CalendarError(f"工作时段重叠：{start:%H:%M} 早于上一段的结束 {end:%H:%M}")
    return ordered


def _span(a: datetime, b: datetime) -> timedelta:
    """Elapsed absolute time; aware subtraction within one tzinfo would use wall-clock time."""
    return b.astimezone(UTC) - a.astimezone(UTC)


class WorkingCalendar:
    def __init__(
        self, *, tz: ZoneInfo, windows: Sequence[Window], day_kind: DayKind
    ) -> None:
        self.tz = tz
        self.windows = check_windows(windows)
        self._day_minutes = sum(
            (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds()
            for start, end in self.windows
        ) / 60
        # Deadlines are computed for every ticket and in every sweep: look each day up once.
        self._is_working_day: DayKind = lru_cache(maxsize=8192)(day_kind)
        self._windows_cache: Callable[[date], tuple[tuple[datetime, datetime], ...]] = (
            lru_cache(maxsize=8192)(self._build_windows_on)
        )

    @property
    def day_minutes(self) -> float:
        """Working minutes of a standard working day (420 with the default windows)."""
        return self._day_minutes

    def is_working_day(self, day: date) -> bool:
        return self._is_working_day(day)

    def is_working_time(self, at: datetime) -> bool:
        local = self._local(at)
        return any(start <= local < end for start, end in self._windows_on(local.date()))

    def next_working_start(self, at: datetime) -> datetime:
        """``at`` itself when it is working time, else the start of the next window."""
        local = self._local(at)
        for day in self._working_days_from(local.date()):
            for start, end in self._windows_on(day):
                if local < end:
                    return max(start, local)
        raise AssertionError("unreachable: _working_days_from never ends normally")

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The earliest moment by which ``minutes`` working minutes have passed since ``start``."""
        local = self._local(start)
        remaining = timedelta(minutes=_non_negative(minutes, "工作分钟数"))
        if not remaining:
            return local
        for day in self._working_days_from(local.date()):
            for win_start, win_end in self._windows_on(day):
                if win_end <= local:
                    continue
                begin = max(win_start, local)
                room = _span(begin, win_end)
                if remaining <= room:
                    return (begin.astimezone(UTC) + remaining).astimezone(self.tz)
                remaining -= room
        raise AssertionError("unreachable: _working_days_from never ends normally")

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.working_minutes_between(b, a)
        total = timedelta()
        day = a.date()
        while day <= b.date():
            for start, end in self._windows_on(day):
                low, high = max(start, a), min(end, b)
                if low < high:
                    total += _span(low, high)
            day += ONE_DAY
        return total.total_seconds() / 60

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """The same clock time ``days`` working days later (module docstring for the rules)."""
        whole, fraction = divmod(_non_negative(days, "工作日数"), 1)
        begin = start if self._at_window_end(start) else self.next_working_start(start)
        begin = self._local(begin)
        target = begin.date()
        if whole:
            later = self._working_days_from(target + ONE_DAY)
            for _ in range(int(whole)):
                target = next(later)
        result = datetime.combine(target, begin.time(), tzinfo=self.tz)
        if fraction:
            result = self.add_working_minutes(result, fraction * self.day_minutes)
        return result

    def deadline(self, *, start: datetime, limit: TimeLimit, fraction: float = 1.0) -> datetime:
        """When ``fraction`` of ``limit`` has run from ``start`` (0.8 = the reminder point).

        Working hours and continuous units scale their amount; for 工作日 the fraction applies
        to the working minutes between ``start`` and the full deadline.
        """
        _non_negative(fraction, "比例")
        unit = limit.unit
        if unit in _CONTINUOUS_MINUTES:
            minutes = limit.amount * _CONTINUOUS_MINUTES[unit] * fraction
            local = self._local(start)
            return (local.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(self.tz)
        if unit is TimeUnit.WORK_HOURS:
            return self.add_working_minutes(start, limit.amount * 60 * fraction)
        full = self.add_working_days(start, limit.amount)
        if fraction == 1:
            return full
        return self.add_working_minutes(start, self.working_minutes_between(start, full) * fraction)

    # -- internals -------------------------------------------------------------------------

    def _at_window_end(self, at: datetime) -> bool:
        local = self._local(at)
        return any(end == local for _, end in self._windows_on(local.date()))

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is self.tz:  # already local (every result of this class is)
            return at
        if at.tzinfo is None or at.utcoffset() is None:
            raise CalendarError(f"时间 {at.isoformat()} 缺少时区（需要带时区的时间）")
        return at.astimezone(self.tz)

    def _windows_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        return self._windows_cache(day)

    def _build_windows_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if not self._is_working_day(day):
            return ()
        tz = self.tz
        return tuple(
            (datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz))
            for start, end in self.windows
        )

    def _working_days_from(self, first: date) -> Iterator[date]:
        """Working days on or after ``first``, endlessly; fails if a whole year has none."""
        day, gap = first, 0
        while True:
            if self._is_working_day(day):
                gap = 0
                yield day
            else:
                gap += 1
                if gap > MAX_GAP_DAYS:
                    raise CalendarError(f"工作日历在 {first.isoformat()} 之后一年内没有任何工作日")
            day += ONE_DAY


def _non_negative(value: float, what: str) -> float:
    if not value >= 0:  # also rejects NaN
        raise CalendarError(f"{what}不能为负数：{value}")
    return value
