"""Crash and restart: timers that fell due while the service was stopped fire on restart,
in time order, each exactly once (real database, SQLite and PostgreSQL).

The live phase runs like the service (the replay's ``advance`` stops at every due timer);
then the service "stops", the clock jumps over two days, and a freshly built service with a
new engine (a new process, as after a crash) runs the worker's sweep.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from itertools import pairwise

import pytest
from sqlalchemy import Engine, select

from bot.replay import advance
from bot.services import Services, build_services
from bot.settings import Settings
from bot.workers import Workers
from dispatcher.clock import VirtualClock
from dispatcher.messages import InboundMessage
from models.base import make_engine
from models.migrate import upgrade
from models.tables import OutboxRow, TicketEventRow

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")  # a Monday
STOPPED_AT = datetime.fromisoformat("2026-03-02T09:50:00+08:00")
RESTARTED_AT = datetime.fromisoformat("2026-03-04T18:00:00+08:00")

# (at, chat, sender, text)
LIVE = [
    ("09:00", "xialing-grid", "grid-wang", "文山路菜场门口有人跨门经营"),        # A0001 never claimed
    ("09:00", "dongjiang-grid", "grid-zhao", "阳明路一盏路灯不亮了"),            # A0002 resolved
    ("09:10", "dongjiang-grid", "grid-zhao", "菜场边垃圾桶满了没人清运"),        # A0003 claimed
    ("09:20", "dongjiang-grid", "zhifa-1", "认领"),
    ("09:25", "dongjiang-grid", "ludeng-1", "认领"),
    ("09:30", "xialing-grid", "grid-wang", "幸福小区3幢楼道里闻到煤气味很重"),    # A0004 urgent
    ("09:40", "dongjiang-grid", "ludeng-1", "处理好了"),
]

# Worked out by hand from contract §8 (windows 08:30–12:00, 14:00–17:30).
FIRED_LIVE = [
    ("2026-03-02T09:42:00+08:00", "A0004", "reminder", None),  # urgent: 80% of 15 min
    ("2026-03-02T09:45:00+08:00", "A0004", "escalation", 1),
    ("2026-03-02T09:48:00+08:00", "A0001", "reminder", None),  # 80% of 60 working minutes
]
MISSED = [
    ("2026-03-02T10:00:00+08:00", "A0001", "escalation", 1),
    ("2026-03-02T10:15:00+08:00", "A0004", "escalation", 2),   # urgent: + 30 minutes
    ("2026-03-02T11:45:00+08:00", "A0004", "escalation", 3),   # urgent: limit 09:45 + 2 hours
    ("2026-03-02T12:00:00+08:00", "A0001", "escalation", 2),   # + 2 working hours
    # A0003 4工作时 from 09:10: 170 minutes to 12:00, 70 more → 15:10; 80% = 192 → 14:22.
    ("2026-03-02T14:22:00+08:00", "A0003", "reminder", None),
    ("2026-03-02T15:10:00+08:00", "A0003", "escalation", 1),
    ("2026-03-02T17:10:00+08:00", "A0003", "escalation", 2),
    ("2026-03-03T09:40:00+08:00", "A0002", "closed", None),    # 1 working day after 办结
    ("2026-03-03T10:00:00+08:00", "A0001", "escalation", 3),   # + 1 working day
    ("2026-03-03T15:10:00+08:00", "A0003", "escalation", 3),
]
TIMER_EVENTS = ("reminder", "escalation", "closed")


def _at(hhmm: str) -> datetime:
    hour, minute = hhmm.split(":")
    return T0.replace(hour=int(hour), minute=int(minute))


def _run_live(settings: Settings, engine: Engine) -> None:
    clock = VirtualClock(T0)
    services = build_services(settings, clock=clock, engine=engine, today=T0)
    for number, (at, chat, sender, text) in enumerate(LIVE, start=1):
        advance(services, clock, _at(at))
        services.inbox.accept(InboundMessage(
            channel="test", message_id=f"live-{number}", chat_id=chat, sender_id=sender,
            text=text, sent_at=_at(at)))
        services.inbox.process_pending()
    advance(services, clock, STOPPED_AT)


def _restart(settings: Settings, database_url: str, at: datetime) -> Services:
    """A new process: its own engine, services and clock, nothing shared with the old one."""
    return build_services(settings, clock=VirtualClock(at), engine=make_engine(database_url),
                          today=at)


def _timer_messages(services: Services) -> list[tuple[str, str | None, str, int | None]]:
    tz = services.settings.tz
    with services.session_factory() as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.event.in_(TIMER_EVENTS))
                               .order_by(OutboxRow.id))
        return [(r.created_at.astimezone(tz).isoformat(), r.ticket, r.event, r.level)
                for r in rows]


def _timer_events(services: Services) -> list[tuple[str, str, int | None, str | None]]:
    with services.session_factory() as session:
        rows = session.scalars(select(TicketEventRow).where(
            TicketEventRow.kind.in_(("reminder", "escalation", "auto_close")))
            .order_by(TicketEventRow.id))
        return [(r.ticket_tag, r.kind, (r.detail or {}).get("level"),
                 (r.detail or {}).get("clock")) for r in rows]


@pytest.mark.parametrize("batch", [500, 2])  # 2: the catch-up spans many batches
def test_restart_fires_everything_missed_in_order_exactly_once(
        settings: Settings, engine: Engine, database_url: str, batch: int) -> None:
    upgrade(engine)
    _run_live(settings, engine)
    assert _timer_messages(build_services(settings, clock=VirtualClock(STOPPED_AT),
                                          engine=engine)) == FIRED_LIVE

    restarted = _restart(settings, database_url, RESTARTED_AT)
    try:
        worker = Workers(restarted)
        assert worker.sweep_once(batch=batch) == len(MISSED)
        assert _timer_messages(restarted) == FIRED_LIVE + MISSED
        assert worker.sweep_once(batch=batch) == 0  # a second sweep fires nothing
    finally:
        restarted.engine.dispose()

    again = _restart(settings, database_url, datetime.fromisoformat("2026-03-20T12:00:00+08:00"))
    try:
        assert Workers(again).sweep_once(batch=batch) == 0  # every ladder is complete
        messages = _timer_messages(again)
        events = _timer_events(again)
    finally:
        again.engine.dispose()
    assert messages == FIRED_LIVE + MISSED
    assert all(a[0] <= b[0] for a, b in pairwise(messages))
    reminders = Counter((tag, clock) for tag, kind, _, clock in events if kind == "reminder")
    assert reminders == {("A0004", "claim"): 1, ("A0001", "claim"): 1, ("A0003", "handle"): 1}
    escalations = Counter((tag, level) for tag, kind, level, _ in events if kind == "escalation")
    assert set(escalations.values()) == {1}
    assert len(escalations) == 3 + 3 + 3  # A0001, A0003, A0004 each climbed to level 3 once
