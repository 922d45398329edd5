"""Inbox batches: messages waiting together share one transaction; one that fails sends each
back to its own, so nothing is lost, doubled or half-applied (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError

import bot.inbox
from bot.inbox import BATCH
from bot.services import Services, build_services
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from dispatcher.messages import InboundMessage
from models.migrate import upgrade
from models.tables import InboundRow, OutboxRow, TicketRow

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")  # a Monday, working hours
REPORTS = ["文山路菜场门口有人跨门经营", "阳明路一盏路灯不亮了", "菜场边垃圾桶满了没人清运",
           "3幢楼下井盖没了", "幸福小区门口有人乱倒建筑垃圾"]


def _services(settings: Settings, engine: Engine, count: int) -> Services:
    upgrade(engine)
    services = build_services(settings, clock=VirtualClock(T0), engine=engine, today=T0)
    for number in range(count):
        services.inbox.accept(InboundMessage(
            channel="test", message_id=f"m{number}", chat_id="xialing-grid",
            sender_id="grid-wang", text=REPORTS[number % len(REPORTS)], sent_at=T0))
    return services


def _fail_on(monkeypatch: pytest.MonkeyPatch, message_id: str, error: Exception) -> Any:
    """Make the desk raise ``error`` for one message; returns the real desk function."""
    decide = bot.inbox.handle_message

    def failing(**kwargs: Any) -> Any:
        if kwargs["message"].message_id == message_id:
            raise error
        return decide(**kwargs)

    monkeypatch.setattr(bot.inbox, "handle_message", failing)
    return decide


def _commits(engine: Engine) -> list[int]:
    commits = [0]

    @event.listens_for(engine, "commit")
    def count(_connection: Any) -> None:
        commits[0] += 1

    return commits


def test_messages_waiting_together_share_one_commit(settings: Settings, engine: Engine) -> None:
    services = _services(settings, engine, BATCH)
    services.desk.classifier()  # its periodic read of learned examples commits on its own
    commits = _commits(engine)
    assert services.inbox.process_pending() == BATCH
    assert commits[0] == 1
    with services.session_factory() as session:
        assert set(session.scalars(select(InboundRow.status))) == {"done"}
        assert session.query(TicketRow).count() == BATCH


def test_a_failing_message_fails_alone(settings: Settings, engine: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    services = _services(settings, engine, 5)
    _fail_on(monkeypatch, "m2", RuntimeError("a bug in the desk"))
    assert services.inbox.process_pending() == 5
    with services.session_factory() as session:
        statuses = dict(session.execute(select(InboundRow.message_id, InboundRow.status)).all())
        sources = Counter(session.scalars(select(TicketRow.source_message_id)))
        dispatches = Counter(session.scalars(select(OutboxRow.ticket)
                                             .where(OutboxRow.event == "dispatch")))
    assert statuses == {"m0": "done", "m1": "done", "m2": "failed", "m3": "done", "m4": "done"}
    assert sources == {"m0": 1, "m1": 1, "m3": 1, "m4": 1}  # the rolled-back try left nothing
    assert set(dispatches.values()) == {1} and len(dispatches) == 4


def test_a_database_error_leaves_the_message_pending(settings: Settings, engine: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    services = _services(settings, engine, 3)
    decide = _fail_on(monkeypatch, "m1", OperationalError(
        "SELECT …", {}, ConnectionError("server closed the connection")))
    with pytest.raises(OperationalError):  # the worker's loop logs it and tries again
        services.inbox.process_pending()
    monkeypatch.setattr(bot.inbox, "handle_message", decide)
    assert services.inbox.process_pending() == 2  # m1 and m2: nothing was marked failed
    with services.session_factory() as session:
        statuses = dict(session.execute(select(InboundRow.message_id, InboundRow.status)).all())
    assert statuses == {"m0": "done", "m1": "done", "m2": "done"}
