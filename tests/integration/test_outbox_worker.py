"""The outbox worker on a real database: deferrals cost no attempt, order is kept per chat,
and a coalescing sender gets neighbouring due messages joined into one send."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.channels.base import Deferred, SendError
from bot.outbox import OutboxWorker
from dispatcher.clock import VirtualClock
from dispatcher.messages import OutboundMessage
from models.base import make_session_factory
from models.migrate import upgrade
from models.tables import OutboxRow
from models.uow import SqlUnitOfWork

CHAT = "xialing-grid"


class ScriptedSender:
    """Records what it was asked to send; defers or fails while told to (a test double of a
    channel, so the worker's own bookkeeping is what is under test)."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.sent: list[OutboundMessage] = []
        self.defer_until: datetime | None = None
        self.fail: SendError | None = None

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        if self.defer_until is not None and self.clock.now() < self.defer_until:
            raise Deferred(retry_at=self.defer_until, reason="budget used")
        if self.fail is not None:
            raise self.fail
        self.sent.append(message)


class JoiningSender(ScriptedSender):
    """Joins every neighbouring message into one, as the WeCom robot sender does."""

    def coalesce(self, messages: Sequence[OutboundMessage]) -> list[
        tuple[OutboundMessage, tuple[int, ...]]
    ]:
        text = "\n\n".join(m.text for m in messages)
        mentions = tuple(dict.fromkeys(u for m in messages for u in m.mentions))
        joined = OutboundMessage(chat_id=messages[0].chat_id, text=text, mentions=mentions)
        return [(joined, tuple(range(len(messages))))]


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


def _post(engine: Engine, clock: VirtualClock, messages: Sequence[OutboundMessage]) -> None:
    upgrade(engine)
    with SqlUnitOfWork(make_session_factory(engine), route=lambda _chat: "robot") as uow:
        for message in messages:
            uow.outbox.post(message, at=clock.now())
        uow.commit()


def _rows(engine: Engine) -> list[OutboxRow]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def _worker(engine: Engine, clock: VirtualClock, sender: ScriptedSender,
            max_attempts: int = 3) -> OutboxWorker:
    return OutboxWorker(session_factory=make_session_factory(engine), senders={"robot": sender},
                        now=clock.now, max_attempts=max_attempts)


def test_deferrals_cost_no_attempt_and_nothing_goes_dead(engine: Engine,
                                                         clock: VirtualClock) -> None:
    _post(engine, clock, [OutboundMessage(chat_id=CHAT, text="提醒")])
    sender = ScriptedSender(clock)
    worker = _worker(engine, clock, sender, max_attempts=3)
    for _ in range(10):  # ten passes, far beyond max_attempts, each deferred a minute on
        sender.defer_until = clock.now() + timedelta(minutes=1)
        assert asyncio.run(worker.deliver_due()) == 0
        (row,) = _rows(engine)
        assert (row.status, row.attempts) == ("pending", 0)
        assert row.next_attempt_at == sender.defer_until
        clock.set(row.next_attempt_at)
    assert asyncio.run(worker.deliver_due()) == 1
    (row,) = _rows(engine)
    assert (row.status, row.attempts) == ("sent", 1)
    assert [m.text for m in sender.sent] == ["提醒"]


def test_a_waiting_message_holds_back_the_later_ones_of_its_chat(engine: Engine,
                                                                  clock: VirtualClock) -> None:
    _post(engine, clock, [OutboundMessage(chat_id=CHAT, text=f"第{i}条") for i in range(3)]
          + [OutboundMessage(chat_id="other-grid", text="别的群")])
    sender = ScriptedSender(clock)
    sender.fail = SendError(retryable=True, reason="HTTP 500")
    worker = _worker(engine, clock, sender)
    asyncio.run(worker.deliver_due())
    rows = _rows(engine)
    # One attempt spent on the first message; the two behind it were not tried at all.
    assert [r.attempts for r in rows if r.chat_id == CHAT] == [1, 0, 0]
    sender.fail = None
    clock.advance(timedelta(minutes=1))
    assert asyncio.run(worker.deliver_due()) == 4
    assert [m.text for m in sender.sent if m.chat_id == CHAT] == ["第0条", "第1条", "第2条"]


def test_coalesced_rows_are_sent_once_and_marked_together(engine: Engine,
                                                          clock: VirtualClock) -> None:
    _post(engine, clock, [OutboundMessage(chat_id=CHAT, text=f"【#A000{i}】请认领",
                                          mentions=(f"liaison-{i % 2}",)) for i in range(5)])
    sender = JoiningSender(clock)
    assert asyncio.run(_worker(engine, clock, sender).deliver_due()) == 5
    (only,) = sender.sent
    assert only.text.split("\n\n") == [f"【#A000{i}】请认领" for i in range(5)]
    assert only.mentions == ("liaison-0", "liaison-1")
    rows = _rows(engine)
    assert {r.status for r in rows} == {"sent"}
    assert len({r.sent_at for r in rows}) == 1


def test_a_failed_coalesced_send_counts_for_every_row(engine: Engine,
                                                      clock: VirtualClock) -> None:
    _post(engine, clock, [OutboundMessage(chat_id=CHAT, text=f"第{i}条") for i in range(3)])
    sender = JoiningSender(clock)
    sender.fail = SendError(retryable=False, reason="errcode 93000 invalid webhook url")
    assert asyncio.run(_worker(engine, clock, sender).deliver_due()) == 0
    assert [(r.status, r.last_error) for r in _rows(engine)] == [
        ("dead", "errcode 93000 invalid webhook url")] * 3


def test_a_chat_sends_on_while_the_previous_mark_commits(
        engine: Engine, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Order needs only the previous send's answer, not its commit: with the first "sent"
    mark held up, the chat's other messages still go, in order; the round ends only once
    every mark is on record."""
    _post(engine, clock, [OutboundMessage(chat_id=CHAT, text=f"第{i}条") for i in range(3)])
    sender = ScriptedSender(clock)
    worker = _worker(engine, clock, sender)
    held, write = threading.Event(), worker._mark_sent
    marked: list[list[int]] = []

    def slow_first_mark(row_ids: Sequence[int]) -> None:
        if not marked:
            held.wait(10)
        marked.append(list(row_ids))
        write(row_ids)

    monkeypatch.setattr(worker, "_mark_sent", slow_first_mark)

    async def round_() -> int:
        all_sent, send = asyncio.Event(), sender.send

        async def counted(message: OutboundMessage, *, target: str) -> None:
            await send(message, target=target)
            if len(sender.sent) == 3:
                all_sent.set()

        monkeypatch.setattr(sender, "send", counted)
        delivering = asyncio.create_task(worker.deliver_due())
        # the sends go on while the first mark is held (bounded: a failure, not a hang)
        await asyncio.wait_for(all_sent.wait(), timeout=5)
        assert not delivering.done() and not marked
        held.set()
        return await delivering

    assert asyncio.run(round_()) == 3
    assert [m.text for m in sender.sent] == ["第0条", "第1条", "第2条"]
    assert [r.status for r in _rows(engine)] == ["sent"] * 3
    assert sorted(i for batch in marked for i in batch) == [r.id for r in _rows(engine)]
