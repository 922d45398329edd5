"""Inbox lanes: threads of one process decide different chats side by side, but one chat's
messages strictly one after another, in the order they arrived (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import datetime
from itertools import count, pairwise
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.services import Services, build_services
from bot.settings import Settings
from bot.workers import inbox_lanes
from dispatcher.clock import VirtualClock
from dispatcher.messages import InboundMessage
from models.migrate import upgrade
from models.tables import InboundRow

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")  # a Monday, working hours
CHATS = {"xialing-grid": "grid-wang", "dongjiang-grid": "grid-zhao"}


def _services(settings: Settings, engine: Engine) -> Services:
    upgrade(engine)
    return build_services(settings, clock=VirtualClock(T0), engine=engine, today=T0)


def _accept(services: Services, number: int, chat: str, text: str) -> None:
    services.inbox.accept(InboundMessage(
        channel="test", message_id=f"m{number}", chat_id=chat, sender_id=CHATS[chat],
        text=text, sent_at=T0))


def test_a_thread_skips_a_chat_another_thread_is_deciding(
        settings: Settings, engine: Engine) -> None:
    services = _services(settings, engine)
    _accept(services, 1, "xialing-grid", "文山路菜场门口有人跨门经营")
    _accept(services, 2, "xialing-grid", "认领")
    _accept(services, 3, "dongjiang-grid", "阳明路一盏路灯不亮了")
    inbox = services.inbox
    with services.unit_of_work() as first, services.unit_of_work() as second:
        taken = inbox._take(first, 1)
        other = inbox._take(second, 5)  # m2 is older than m3, but its chat is taken
        assert [row.message_id for row in taken] == ["m1"]
        assert [row.message_id for row in other] == ["m3"]
        with services.unit_of_work() as third:
            assert inbox._take(third, 5) == []  # m2 waits for its chat
    assert inbox._busy_chats == {"xialing-grid", "dongjiang-grid"}


def test_parallel_threads_keep_each_chats_order(
        settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    services = _services(settings, engine)
    texts = ["文山路菜场门口有人跨门经营", "阳明路一盏路灯不亮了", "收到", "菜场边垃圾桶满了没人清运",
             "好的", "3幢楼下井盖没了"]
    for number in range(30):
        chat = list(CHATS)[number % 2 if number < 20 else 0]  # the last ten all in one chat
        _accept(services, number, chat, texts[number % len(texts)])
    # Every decision's start and end on one shared counter: within a chat, one decision must
    # end before the next begins, and they must begin in arrival order.
    ticks, lock = count(), threading.Lock()
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    decide = services.inbox._decide

    def recorded(uow: Any, row: Any) -> Any:
        with lock:
            began = next(ticks)
        try:
            return decide(uow, row)
        finally:
            with lock:
                spans[row.chat_id].append((began, next(ticks), row.id))

    monkeypatch.setattr(services.inbox, "_decide", recorded)
    threads = [threading.Thread(target=services.inbox.process_pending) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with services.session_factory() as session:
        statuses = session.scalars(select(InboundRow.status)).all()
    assert statuses == ["done"] * 30
    assert sum(len(chat_spans) for chat_spans in spans.values()) == 30
    for chat, chat_spans in spans.items():
        ordered = sorted(chat_spans)
        assert [row_id for *_, row_id in ordered] == sorted(row_id for *_, row_id in ordered), chat
        assert all(a[1] < b[0] for a, b in pairwise(ordered)), f"{chat}: two decisions overlapped"
    assert not services.inbox._busy_chats


def test_one_lane_unless_configured(settings: Settings, engine: Engine) -> None:
    services = _services(settings, engine)
    assert inbox_lanes(services) == 1
    configured = build_services(settings.model_copy(update={"inbox_parallel_chats": 2}),
                                clock=VirtualClock(T0), engine=engine, today=T0)
    assert inbox_lanes(configured) == 2
