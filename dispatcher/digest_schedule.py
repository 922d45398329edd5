"""When digests are due (contract §9): every working day at 08:30 for each station head,
and the weekly summary on the first working day of each week. Pure: the calendar is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatcher.calendar import WorkingCalendar

DIGEST_TIME = time(8, 30)
WEEKLY_JOB = "weekly"


def daily_job(community_id: str) -> str:
    return f"digest:{community_id}"


@dataclass(frozen=True, slots=True)
class Run:
    """One job due on one day; ``job`` + ``day`` is the once-only key in scheduled_runs."""

    job: str
    day: date
    at: datetime  # the scheduled moment (08:30 local)


def moment(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, DIGEST_TIME, tzinfo=tz)


def is_weekly_day(calendar: WorkingCalendar, day: date) -> bool:
    """Monday, or the week's first working day when Monday is a holiday."""
    if not calendar.is_working_day(day):
        return False
    monday = day - timedelta(days=day.weekday())
    return not any(calendar.is_working_day(monday + timedelta(days=i))
                   for i in range(day.weekday()))


def runs_on(calendar: WorkingCalendar, day: date, tz: ZoneInfo,
            communities: Sequence[str]) -> list[Run]:
    """Every run due on ``day`` (none on a day off), daily digests first."""
    if not calendar.is_working_day(day):
        return []
    at = moment(day, tz)
    runs = [Run(job=daily_job(c), day=day, at=at) for c in communities]
    if is_weekly_day(calendar, day):
        runs.append(Run(job=WEEKLY_JOB, day=day, at=at))
    return runs


def due_now(calendar: WorkingCalendar, now: datetime, tz: ZoneInfo,
            communities: Sequence[str]) -> list[Run]:
    """Today's runs once 08:30 has passed — a late start still catches up on today."""
    local = now.astimezone(tz)
    return [r for r in runs_on(calendar, local.date(), tz, communities) if r.at <= now]


def next_moment(calendar: WorkingCalendar, after: datetime, tz: ZoneInfo) -> datetime:
    """The first digest moment strictly after ``after``."""
    day = after.astimezone(tz).date()
    for offset in range(0, 400):
        candidate = day + timedelta(days=offset)
        at = moment(candidate, tz)
        if at > after and calendar.is_working_day(candidate):
            return at
    raise AssertionError("no working day within 400 days")


def previous_working_day(calendar: WorkingCalendar, day: date) -> date:
    for offset in range(1, 60):
        candidate = day - timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    return day - timedelta(days=1)


def daily_window(calendar: WorkingCalendar, day: date, tz: ZoneInfo) -> datetime:
    """Start of what a day's digest reports as "昨日": the previous working day's 00:00, so a
    Monday digest also covers the weekend and nothing reported on a day off is lost."""
    return datetime.combine(previous_working_day(calendar, day), time(0), tzinfo=tz)


def weekly_window(day: date, tz: ZoneInfo) -> datetime:
    """The weekly summary covers the previous Monday 00:00 up to now."""
    monday = day - timedelta(days=day.weekday())
    return datetime.combine(monday - timedelta(days=7), time(0), tzinfo=tz)


def month_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day.replace(day=1), time(0), tzinfo=tz)
