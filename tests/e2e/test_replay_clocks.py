"""Contract §8 clocks end to end: replay files on the virtual clock, SQLite and PostgreSQL.

Every expected time below was worked out by hand from the contract (windows 08:30–12:00 and
14:00–17:30, the 2026 春节 holiday 02-15..02-23 with 02-14 a 调休 working Saturday); the
comment next to each line shows the arithmetic.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.replay import read_replay, run_replay
from bot.settings import Settings
from bot.timer_settings import ItemTimerSettings, TimerSettings, UrgencyTimerSettings

DATA = Path(__file__).resolve().parents[1] / "data" / "replay"
Timer = tuple[str, str, int | None, str, str, list[str]]


def _replay(settings: Settings, engine: Engine, name: str,
            until: str | None = None) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return run_replay(settings, read_replay(lines), engine=engine,
                      until=datetime.fromisoformat(until) if until else None)


def _timers(out: list[dict[str, Any]]) -> list[Timer]:
    """Every reminder and escalation: (at, event, level, ticket, chat, mentions)."""
    return [(m["at"], m["event"], m["level"], m["ticket"], m["chat_id"], m["mentions"])
            for m in out if m["kind"] == "message" and m["event"] in ("reminder", "escalation")]


def _tickets(out: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in out if o["kind"] == "ticket"}


def test_claimed_in_time_never_reminds_or_escalates(settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "claimed_in_time.jsonl")
    assert _timers(out) == []
    # the next morning's station-head digests are about the day, not this ticket's clocks
    events = [(m["at"], m["event"]) for m in out
              if m["kind"] == "message" and m["event"] != "digest"]
    assert events == [("2026-03-02T09:00:00+08:00", "dispatch"),
                      ("2026-03-02T09:30:00+08:00", "claim_ack"),
                      ("2026-03-02T14:10:00+08:00", "resolve_ack"),
                      ("2026-03-02T14:30:00+08:00", "closed")]
    ticket = _tickets(out)["A0001"]
    # 垃圾满溢 4工作时 from Monday 09:00: 180 min to 12:00, 60 more → 15:00.
    assert ticket["claim_deadline"] == "2026-03-02T10:00:00+08:00"
    assert ticket["handle_deadline"] == "2026-03-02T15:00:00+08:00"
    assert (ticket["status"], ticket["escalation_level"]) == ("closed", 0)


def test_claimed_but_not_resolved_climbs_the_handling_ladder(settings: Settings,
                                                             engine: Engine) -> None:
    out = _replay(settings, engine, "claimed_not_resolved.jsonl")
    assert _timers(out) == [
        # 80% of 240 working minutes = 192: 180 to 12:00, 12 after 14:00.
        ("2026-03-02T14:12:00+08:00", "reminder", None, "A0001", "xialing-grid", ["zhifa-1"]),
        ("2026-03-02T15:00:00+08:00", "escalation", 1, "A0001", "xialing-grid",
         ["zhifa-1", "xialing-head"]),
        # limit + 2 working hours, inside the afternoon window.
        ("2026-03-02T17:00:00+08:00", "escalation", 2, "A0001", "lanjiang-center",
         ["lanjiang-duty"]),
        # limit + 1 working day: same clock time on Tuesday.
        ("2026-03-03T15:00:00+08:00", "escalation", 3, "A0001", "city-center", ["city-duty"]),
    ]
    ticket = _tickets(out)["A0001"]
    assert (ticket["status"], ticket["escalation_level"]) == ("claimed", 3)
    assert ticket["claimed_at"] == "2026-03-02T09:20:00+08:00"


def test_spring_festival_eve_skips_the_holiday_and_works_the_make_up_day(
        settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "spring_festival_eve.jsonl", until="2026-02-27T00:00:00+08:00")
    assert _timers(out) == [
        # A0001 路灯 1工作日, Friday 02-13 17:00, claimed 08:40 on the 调休 Saturday. The 1工作日
        # limit is Saturday 17:00; 420 working minutes lie between, 80% = 336: 30 on Friday,
        # 210 on Saturday morning, 96 after 14:00 → 15:36.
        ("2026-02-14T15:36:00+08:00", "reminder", None, "A0001", "xialing-grid", ["ludeng-1"]),
        ("2026-02-14T17:00:00+08:00", "escalation", 1, "A0001", "xialing-grid",
         ["ludeng-1", "xialing-head"]),
        # A0002 垃圾满溢, Saturday 02-14 17:00: claim 60 working minutes = 30 on Saturday, 30
        # after the holiday (Tuesday 02-24 08:30) → 09:00; reminder at 48 → 08:48.
        ("2026-02-24T08:48:00+08:00", "reminder", None, "A0002", "xialing-grid", ["zhifa-1"]),
        ("2026-02-24T09:00:00+08:00", "escalation", 1, "A0002", "xialing-grid",
         ["zhifa-1", "xialing-head"]),
        # A0001 level 2: 30 minutes on Saturday, 90 on Tuesday → 10:00.
        ("2026-02-24T10:00:00+08:00", "escalation", 2, "A0001", "lanjiang-center",
         ["lanjiang-duty"]),
        ("2026-02-24T11:00:00+08:00", "escalation", 2, "A0002", "lanjiang-center",
         ["lanjiang-duty"]),
        # A0001 level 3: the next working day after Saturday 02-14 is Tuesday 02-24.
        ("2026-02-24T17:00:00+08:00", "escalation", 3, "A0001", "city-center", ["city-duty"]),
        ("2026-02-25T09:00:00+08:00", "escalation", 3, "A0002", "city-center", ["city-duty"]),
    ]
    tickets = _tickets(out)
    # Contract example: 1工作日 from Friday 02-13 17:00 is Saturday 02-14 17:00 (调休).
    assert tickets["A0001"]["claim_deadline"] == "2026-02-14T09:00:00+08:00"
    assert tickets["A0001"]["handle_deadline"] == "2026-02-14T17:00:00+08:00"
    assert tickets["A0002"]["claim_deadline"] == "2026-02-24T09:00:00+08:00"
    # 4工作时 from Saturday 17:00: 30 minutes, then 210 on Tuesday morning → 12:00.
    assert tickets["A0002"]["handle_deadline"] == "2026-02-24T12:00:00+08:00"
    holiday = {f"2026-02-{day}" for day in range(15, 24)}
    assert not [t for t in _timers(out) if t[0][:10] in holiday]


def test_urgent_report_at_night_runs_continuous_clocks(settings: Settings,
                                                       engine: Engine) -> None:
    out = _replay(settings, engine, "urgent_at_night.jsonl")
    assert _timers(out) == [
        # A0001 燃气管道泄漏, never claimed: 15 continuous minutes, reminder at 12.
        ("2026-03-03T23:12:00+08:00", "reminder", None, "A0001", "xialing-grid", ["ranqi-1"]),
        ("2026-03-03T23:15:00+08:00", "escalation", 1, "A0001", "xialing-grid",
         ["ranqi-1", "xialing-head"]),
        ("2026-03-03T23:45:00+08:00", "escalation", 2, "A0001", "lanjiang-center",
         ["lanjiang-duty"]),
        # A0002 供水管道破裂, claimed 23:05; handling 1紧急工作时 → 00:00, reminder at 48 min.
        ("2026-03-03T23:48:00+08:00", "reminder", None, "A0002", "xialing-grid", ["shuiwu-1"]),
        ("2026-03-04T00:00:00+08:00", "escalation", 1, "A0002", "xialing-grid",
         ["shuiwu-1", "xialing-head"]),
        ("2026-03-04T00:30:00+08:00", "escalation", 2, "A0002", "lanjiang-center",
         ["lanjiang-duty"]),
        ("2026-03-04T01:15:00+08:00", "escalation", 3, "A0001", "city-center", ["city-duty"]),
        ("2026-03-04T02:00:00+08:00", "escalation", 3, "A0002", "city-center", ["city-duty"]),
    ]
    tickets = _tickets(out)
    assert tickets["A0001"]["claim_deadline"] == "2026-03-03T23:15:00+08:00"
    assert tickets["A0002"]["handle_deadline"] == "2026-03-04T00:00:00+08:00"
    assert (tickets["A0001"]["status"], tickets["A0002"]["status"]) == ("dispatched", "claimed")


def test_configured_timers_drive_the_clocks(settings: Settings, engine: Engine) -> None:
    """config.yaml ``timers:`` reaches the live clocks: a normal-urgency policy, a 50% reminder,
    and an item of its own (店外经营 020405: 30 continuous minutes to claim)."""
    configured = settings.model_copy(update={"timers": TimerSettings(
        reminder_fraction=0.5,
        normal=UrgencyTimerSettings(claim_limit="2工作时", level2_after="1工作时",
                                    level3_after="2工作日"),
        items={"020405": ItemTimerSettings(claim_limit="30分钟")})})
    out = _replay(configured, engine, "never_claimed.jsonl")
    assert _timers(out) == [
        ("2026-03-02T09:15:00+08:00", "reminder", None, "A0001", "xialing-grid", ["zhifa-1"]),
        ("2026-03-02T09:30:00+08:00", "escalation", 1, "A0001", "xialing-grid",
         ["zhifa-1", "xialing-head"]),
        # the item keeps its urgency's (configured) ladder: + 1 working hour, + 2 working days
        ("2026-03-02T10:30:00+08:00", "escalation", 2, "A0001", "lanjiang-center",
         ["lanjiang-duty"]),
        ("2026-03-04T09:30:00+08:00", "escalation", 3, "A0001", "city-center", ["city-duty"]),
    ]
    assert _tickets(out)["A0001"]["claim_deadline"] == "2026-03-02T09:30:00+08:00"


def test_unassigned_triage_goes_to_the_street(settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "triage_unassigned.jsonl")
    assert _timers(out) == [
        # 60 working minutes from 16:30 end with the afternoon window at 17:30.
        ("2026-03-02T17:30:00+08:00", "escalation", 2, "A0001", "lanjiang-center",
         ["lanjiang-duty"]),
        # + 1工作日 from 17:30, a window's end: the same clock time on Tuesday.
        ("2026-03-03T17:30:00+08:00", "escalation", 3, "A0001", "city-center", ["city-duty"]),
    ]


def test_configured_triage_limit(settings: Settings, engine: Engine) -> None:
    configured = settings.model_copy(update={"timers": TimerSettings(
        triage_assign_limit="30分钟")})
    triage = _replay(configured, engine, "triage_unassigned.jsonl")
    # 16:30 + 30 continuous minutes; level 3 one working day later (17:00 is working time).
    assert [(t[0], t[2]) for t in _timers(triage)] == [
        ("2026-03-02T17:00:00+08:00", 2), ("2026-03-03T17:00:00+08:00", 3)]


def test_configured_verification_window(settings: Settings, engine: Engine) -> None:
    configured = settings.model_copy(update={"timers": TimerSettings(
        verification_window="2工作日")})
    closing = _replay(configured, engine, "reopen_autoclose.jsonl")
    (closed,) = [m for m in closing if m["kind"] == "message" and m["event"] == "closed"]
    # 已办结 Monday 10:00 + 2工作日 → Wednesday 10:00, and the message names the window.
    assert closed["at"] == "2026-03-04T10:00:00+08:00"
    assert "2工作日" in closed["text"]
    assert _tickets(closing)["A0001"]["closed_at"] == "2026-03-04T10:00:00+08:00"


def test_matter_without_item_suggests_the_department_owning_it(
    settings: Settings, engine: Engine
) -> None:
    out = _replay(settings, engine, "triage_duty.jsonl", until="2026-03-02T10:30:00+08:00")
    messages = [m for m in out if m["kind"] == "message"]
    assert [m["event"] for m in messages] == ["triage", "transfer"]
    triage = messages[0]
    assert triage["mentions"] == ["xialing-head"]  # the head picks; nothing was dispatched
    assert "按职责建议：司法所（sifa，职责：社区矫正）" in triage["text"]
    assert messages[1]["mentions"] == ["sifa-1"]
    ticket = _tickets(out)["A0001"]
    assert ticket["department"] == "sifa" and ticket["item_code"] is None
