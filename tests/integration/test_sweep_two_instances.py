"""Two running instances on PostgreSQL never double-fire a timer.

Each thread is a separate instance: its own engine, services and clock. Both sweep the same
due tickets at the same moment in small batches, so their transactions interleave; the row
locks of ``due()`` (FOR UPDATE SKIP LOCKED) must make every timer fire exactly once. SQLite
has no row locks and one writer at a time, so this test exists for PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import Services, build_services
from bot.settings import load_settings
from bot.workers import Workers
from dispatcher.clock import VirtualClock
from dispatcher.tickets import Status, Ticket
from models.base import make_engine
from models.migrate import upgrade
from models.tables import OutboxRow, TicketEventRow

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime.fromisoformat("2026-03-02T08:30:00+08:00")  # a Monday, first window
TICKETS = 120
# 垃圾满溢 4工作时 from 08:30–10:29: by Tuesday 18:00 each ticket owes its handling reminder
# and levels 1 and 2 (level 3 is limit + 1 working day: Tuesday 12:00–15:xx, also due).
SWEEP_AT = datetime.fromisoformat("2026-03-03T18:00:00+08:00")
PER_TICKET = 4  # reminder, levels 1, 2, 3


def _services(url: str, at: datetime, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("GRIDBOT_GENERIC_SECRET", "two-instances")
    settings = load_settings(ROOT / "config.yaml", database_url=url)
    return build_services(settings, clock=VirtualClock(at), engine=make_engine(url), today=at)


def _seed(services: Services) -> None:
    with services.unit_of_work() as uow:
        for number in range(TICKETS):
            at = T0 + timedelta(minutes=number)
            ticket = uow.tickets.add(Ticket(
                chat_id="xialing-grid", community_id="xialing", status=Status.CLAIMED,
                reporter_id="grid-wang", reporter_name="王网格员",
                source_message_id=f"seed-{number}", source_text="菜场边垃圾桶满了没人清运",
                reported_at=at, item_code="020142", item_name="垃圾满溢", department="zhifa",
                urgency="normal", limit_text="4工作时", claimed_at=at, claimed_by="zhifa-1"))
            services.timers.start(ticket, now=at, limit_text=ticket.limit_text)
            uow.tickets.save(ticket)
        uow.commit()


def test_two_instances_fire_each_timer_exactly_once(pg_database_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seeder = _services(pg_database_url, T0, monkeypatch)
    upgrade(seeder.engine)
    _seed(seeder)
    instances = [_services(pg_database_url, SWEEP_AT, monkeypatch) for _ in range(2)]
    start = threading.Barrier(len(instances))
    fired: list[int] = []
    errors: list[BaseException] = []

    def run(services: Services) -> None:
        try:
            start.wait()
            fired.append(Workers(services).sweep_once(batch=7))
        except BaseException as err:  # surfaced below: a thread's failure must fail the test
            errors.append(err)

    threads = [threading.Thread(target=run, args=(s,)) for s in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(fired) == TICKETS * PER_TICKET

    with seeder.session_factory() as session:
        events = Counter(session.execute(
            select(TicketEventRow.ticket_tag, TicketEventRow.kind, TicketEventRow.detail["level"]
                   .as_integer()).where(TicketEventRow.kind.in_(("reminder", "escalation")))))
        outbox = Counter(session.execute(
            select(OutboxRow.ticket, OutboxRow.event, OutboxRow.level)
            .where(OutboxRow.event.in_(("reminder", "escalation")))))
        pending = session.scalar(select(func.count()).select_from(OutboxRow))
    assert len(events) == TICKETS * PER_TICKET and set(events.values()) == {1}
    assert len(outbox) == TICKETS * PER_TICKET and set(outbox.values()) == {1}
    assert pending == TICKETS * PER_TICKET
    assert sum(Workers(s).sweep_once() for s in instances) == 0
    for services in (seeder, *instances):
        services.engine.dispose()
