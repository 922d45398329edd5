"""Scheduled digests go out once per day across restarts and instances (SQLite and PG)."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.digests import send_due
from bot.replay import read_replay, run_replay
from bot.services import build_services
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from models.tables import OutboxRow, ScheduledRunRow

WALK = ('{"at": "2026-03-02T09:00:00+08:00", "chat_id": "xialing-grid", "sender_id": '
        '"grid-wang", "text": "文山路菜场门口有人跨门经营", "message_id": "w1"}')


def _digests(engine: Engine) -> list[tuple[str, datetime]]:
    with Session(engine) as session:
        return [(r.chat_id, r.created_at) for r in session.scalars(
            select(OutboxRow).where(OutboxRow.event == "digest").order_by(OutboxRow.id))]


def _seeded(settings: Settings, engine: Engine) -> None:
    # one open ticket in 下菱, replayed up to Monday 12:00 (no digest moment passed yet)
    run_replay(settings, read_replay([WALK]), engine=engine,
               until=datetime.fromisoformat("2026-03-02T12:00:00+08:00"))


def test_restart_catches_up_once(settings: Settings, engine: Engine) -> None:
    _seeded(settings, engine)
    assert _digests(engine) == []
    # a service started Tuesday 10:15 (after 08:30) sends today's digest late, once
    late = datetime.fromisoformat("2026-03-03T10:15:00+08:00")
    for _restart in range(3):
        services = build_services(settings, clock=VirtualClock(late), engine=engine)
        send_due(services, now=late)
    assert [chat for chat, _ in _digests(engine)] == ["@xialing-head"]
    with Session(engine) as session:
        rows = session.execute(select(ScheduledRunRow.job, ScheduledRunRow.outcome)).all()
    outcomes = {row.job: row.outcome for row in rows}
    assert outcomes == {"digest:xialing": "sent", "digest:dongjiang": "skipped"}
    # before 08:30 and on a Saturday nothing is due
    for quiet in ("2026-03-04T08:29:00+08:00", "2026-03-07T09:00:00+08:00"):
        at = datetime.fromisoformat(quiet)
        assert send_due(build_services(settings, clock=VirtualClock(at), engine=engine),
                        now=at) == 0


def test_two_instances_never_double_send(settings: Settings, engine: Engine) -> None:
    _seeded(settings, engine)
    at = datetime.fromisoformat("2026-03-03T08:30:00+08:00")
    instances = [build_services(settings, clock=VirtualClock(at), engine=engine)
                 for _ in range(4)]
    barrier = threading.Barrier(len(instances))
    errors: list[BaseException] = []

    def run(services: object) -> None:
        try:
            barrier.wait()
            send_due(services, now=at)  # type: ignore[arg-type]
        except BaseException as err:  # surfaced by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(s,)) for s in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [chat for chat, _ in _digests(engine)] == ["@xialing-head"]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ScheduledRunRow)) == 2


def test_live_workers_schedule_and_send_once(settings: Settings, engine: Engine) -> None:
    import asyncio

    from bot.workers import Workers

    _seeded(settings, engine)
    at = datetime.fromisoformat("2026-03-03T09:00:00+08:00")
    services = build_services(settings, clock=VirtualClock(at), engine=engine)

    async def live() -> None:
        workers = Workers(services)
        workers.start()  # the first digest check runs at start: a restart catches up
        try:
            assert workers.scheduler.get_job("digests") is not None
            await workers.digests()
            await workers.digests()
        finally:
            await workers.stop()

    asyncio.run(live())
    assert [chat for chat, _ in _digests(engine)] == ["@xialing-head"]
