"""Digest rendering and scheduling: pure functions, a fixed calendar, no database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatcher import digest_schedule as schedule
from dispatcher.calendar import WorkingCalendar
from dispatcher.digest import MAX_BYTES, DigestContext, has_news, render_digest
from dispatcher.reporting_ports import DepartmentLoad, DigestData, Scorecard, TicketBrief
from dispatcher.scorecard import RateRule, ScoreWeights, score

TZ = ZoneInfo("Asia/Shanghai")
WINDOWS = ((time(8, 30), time(12)), (time(14), time(17, 30)))
HOLIDAY = date(2026, 3, 9)  # a Monday made a day off for the weekly-summary case
CALENDAR = WorkingCalendar(tz=TZ, windows=WINDOWS,
                           day_kind=lambda d: d.weekday() < 5 and d != HOLIDAY)
CTX = DigestContext(community_name="下菱社区", tz=TZ, public_url="https://grid.example/",
                    label=lambda d: {"zhifa": "综合行政执法局"}.get(d or "", d or "—"))
NOW = datetime(2026, 3, 3, 8, 30, tzinfo=TZ)


def _data(**changes: object) -> DigestData:
    base = DigestData(community_id="xialing", day=NOW.date(),
                      since=datetime(2026, 3, 2, tzinfo=TZ), now=NOW)
    return DigestData(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_long_lists_are_cut_to_fit_wecom_markdown() -> None:
    late = [TicketBrief(tag=f"A{n:04d}", item="很长的事项名称" * 5 + "13812345678",
                        department="zhifa", status="dispatched",
                        at=NOW - timedelta(days=300 - n), kind="claim") for n in range(30)]
    data = _data(overdue=tuple(late), overdue_total=412,
                 unmatched=tuple(f"联系人13812345678 第{n}条说不清的消息" for n in range(30)),
                 unmatched_total=95,
                 open_by_department=tuple(DepartmentLoad(department=f"d{n}", dispatched=n + 1)
                                          for n in range(60)))
    text = render_digest(data, CTX)
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert "……等412件" in text and "……等95件" in text
    assert "1. A0000 " in text and "认领逾期300天" in text  # the oldest first
    assert "13812345678" not in text
    assert text.endswith("[在看板查看全部](https://grid.example/tickets?community=xialing)")


def test_nothing_to_say_is_not_news() -> None:
    assert not has_news(_data(month=(Scorecard(department="zhifa", dispatched=3),)))
    assert has_news(_data(closed=1))
    assert has_news(_data(undelivered=2))


def test_monday_digest_covers_the_weekend() -> None:
    monday = date(2026, 3, 2)
    assert schedule.daily_window(CALENDAR, monday, TZ) == datetime(2026, 2, 27, tzinfo=TZ)
    text = render_digest(_data(day=monday, since=datetime(2026, 2, 27, tzinfo=TZ),
                               reported=2), CTX)
    assert "2月27日至3月1日：上报 2 件" in text


def test_schedule_days() -> None:
    communities = ["xialing", "dongjiang"]
    assert schedule.runs_on(CALENDAR, date(2026, 3, 7), TZ, communities) == []  # Saturday
    tuesday = schedule.runs_on(CALENDAR, date(2026, 3, 10), TZ, communities)
    # Monday 3/9 is a day off here, so Tuesday carries the weekly summary
    assert [r.job for r in tuesday] == ["digest:xialing", "digest:dongjiang", "weekly"]
    assert not schedule.due_now(CALENDAR, datetime(2026, 3, 10, 8, 29, tzinfo=TZ), TZ,
                                communities)
    assert schedule.next_moment(CALENDAR, datetime(2026, 3, 6, 8, 30, tzinfo=TZ), TZ) == \
        datetime(2026, 3, 10, 8, 30, tzinfo=TZ)


def test_score_rules() -> None:
    weights = ScoreWeights()
    card = Scorecard(department="zhifa", dispatched=10, claim_decided=10, claimed_on_time=9,
                     close_decided=10, closed_on_time=6, closed=9, reworks=2,
                     disputes_raised=1, disputes_lost=1, escalations=(3, 2, 1))
    result = score(card, weights)
    # close on time 60% → 50 − 10; closed 90% → 20; claimed 90% → 30;
    # deductions 2×0.2 + 1×1 + 2×0.5 + 1×1 = 3.4
    assert result is not None and (result.earned, result.deducted) == (90.0, 3.4)
    assert result.total == 86.6
    assert score(Scorecard(department="x"), weights) is None
    assert RateRule(points=50, target=0.7).score(0.0) == 0.0
