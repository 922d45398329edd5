"""The two roles ``gridbot serve`` runs its background work in (bot/workers.py): ``decide``
decides messages and tells whoever delivers, but never sends; ``deliver`` sends what waits
and runs no scheduler (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.services import build_services
from bot.settings import Settings
from bot.workers import Role, Workers
from dispatcher.clock import VirtualClock
from dispatcher.messages import InboundMessage, OutboundMessage
from models.migrate import upgrade
from models.tables import InboundRow, OutboxRow
from tests.live import wait_for

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")  # a Monday, working hours


class Recorder:
    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        self.sent.append(message)


def _statuses(engine: Engine, column: object) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(column)))  # type: ignore[call-overload]


def test_decide_tells_the_deliverer_and_deliver_sends(settings: Settings,
                                                      engine: Engine) -> None:
    upgrade(engine)
    recorder = Recorder()
    settings = settings.model_copy(update={"outbound": settings.outbound.model_copy(
        update={"default_channel": "recorder"})})
    services = build_services(settings, clock=VirtualClock(T0), engine=engine, today=T0,
                              senders={"recorder": recorder})
    services.inbox.accept(InboundMessage(
        channel="test", message_id="m1", chat_id="xialing-grid", sender_id="grid-wang",
        text="文山路菜场门口有人跨门经营", sent_at=T0))

    async def run() -> None:
        told: list[int] = []
        decide = Workers(services, role=Role.DECIDE, outbound_ready=lambda: told.append(1))
        decide.start()
        try:
            await asyncio.to_thread(wait_for, lambda: told, timeout=30)
            assert decide.running and decide.scheduler.running
        finally:
            await decide.stop()
        assert _statuses(engine, InboundRow.status) == ["done"]
        assert set(_statuses(engine, OutboxRow.status)) == {"pending"}  # decided, not sent
        assert recorder.sent == []

        deliver = Workers(services, role=Role.DELIVER)
        deliver.start()  # delivers what waits at once, without being told
        try:
            await asyncio.to_thread(wait_for, lambda: set(_statuses(engine, OutboxRow.status))
                                    == {"sent"}, timeout=30)
            assert deliver.running and not deliver.scheduler.running
        finally:
            await deliver.stop()

    asyncio.run(run())
    assert "综合执法" in recorder.sent[0].text
