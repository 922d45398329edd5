"""A burst to one group robot through the real outbox worker, over real HTTP to the fake WeCom
server, on a virtual clock: every message delivered exactly once, never more than 20 sends in
any 60 s, nothing dead, and coalescing keeps a burst of short notices within one minute."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.channels.wecom import texts
from bot.channels.wecom.senders import RobotSender, make_http_client
from bot.channels.wecom.settings import WeComSettings
from bot.outbox import OutboxWorker
from dispatcher.clock import VirtualClock
from dispatcher.messages import OutboundMessage
from models.base import make_session_factory
from models.migrate import upgrade
from models.tables import OutboxRow
from models.uow import SqlUnitOfWork
from tests.fakes.fake_wecom import FakeWeCom

ROBOT = "/cgi-bin/webhook/send"
CHAT = "xialing-grid"
ENV = {"XIALING_ROBOT_KEY": "key-xialing"}
WINDOW, LIMIT = timedelta(seconds=60), 20


def _drain(engine: Engine, clock: VirtualClock, fake: FakeWeCom,
           messages: list[OutboundMessage]) -> list[OutboxRow]:
    """Post the burst, then run the worker, jumping the clock to the next due row each pass."""
    upgrade(engine)
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, route=lambda _chat: "wecom-robot") as uow:
        for message in messages:
            uow.outbox.post(message, at=clock.now())
        uow.commit()
    settings = WeComSettings.model_validate({
        "base_url": fake.base_url, "timeout_seconds": 2,
        "robots": {CHAT: {"key_env": "XIALING_ROBOT_KEY"}}})

    async def run() -> None:
        async with make_http_client(settings) as http:
            robot = RobotSender(http=http, settings=settings, clock=clock, environ=ENV)
            worker = OutboxWorker(session_factory=factory, senders={"wecom-robot": robot},
                                  now=clock.now, max_attempts=3)
            for _ in range(200):  # bounded: a stuck worker fails the test, never hangs it
                await worker.deliver_due()
                pending = [r for r in _rows(engine) if r.status == "pending"]
                if not pending:
                    return
                clock.set(max(clock.now(), min(r.next_attempt_at for r in pending)))
            raise AssertionError("burst not drained")

    asyncio.run(run())
    return _rows(engine)


def _rows(engine: Engine) -> list[OutboxRow]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def _delivered_parts(fake: FakeWeCom) -> list[str]:
    contents = [body["text"]["content"] for body in fake.delivered(ROBOT)]
    return [part for content in contents for part in content.split(texts.COALESCE_SEPARATOR)]


def _max_in_any_window(fake: FakeWeCom) -> int:
    times = fake.arrivals(ROBOT)
    return max(sum(1 for t in times if start <= t < start + WINDOW) for start in times)


def test_a_long_burst_is_delivered_once_within_the_robot_limit(
        engine: Engine, wecom_clock: VirtualClock, fake_wecom: FakeWeCom) -> None:
    # About 600-1100 UTF-8 bytes each: at most three fit in one 2048-byte text payload, so the
    # burst needs more than 20 sends and must wait for a second window.
    texts_sent = [f"【#A{i:04d}】" + "文山路菜场门口跨门经营，请执法中队认领处理。" * (10 + i % 3 * 5)
                  for i in range(60)]
    start = wecom_clock.now()
    rows = _drain(engine, wecom_clock, fake_wecom, [
        OutboundMessage(chat_id=CHAT, text=t, mentions=(f"zhifa-{i % 3}",))
        for i, t in enumerate(texts_sent)])
    assert [r.status for r in rows] == ["sent"] * 60
    assert _delivered_parts(fake_wecom) == texts_sent  # each once, in order
    assert all(call.delivered for call in fake_wecom.calls)  # WeCom never said 45009
    assert fake_wecom.count(ROBOT) > LIMIT
    assert _max_in_any_window(fake_wecom) <= LIMIT
    assert wecom_clock.now() - start >= WINDOW  # the rest waited for the next window
    assert max(r.attempts for r in rows) == 1  # waiting for the budget spent no attempts


def test_a_burst_of_short_notices_is_coalesced_into_few_sends(
        engine: Engine, wecom_clock: VirtualClock, fake_wecom: FakeWeCom) -> None:
    notices = [OutboundMessage(chat_id=CHAT, text=f"【#A{i:04d}】请认领", mentions=(f"zhifa-{i % 4}",))
               for i in range(60)]
    start = wecom_clock.now()
    rows = _drain(engine, wecom_clock, fake_wecom, notices)
    assert [r.status for r in rows] == ["sent"] * 60
    assert Counter(_delivered_parts(fake_wecom)) == Counter(n.text for n in notices)
    assert fake_wecom.count(ROBOT) <= 3
    assert wecom_clock.now() == start  # nothing had to wait for the budget
    mentioned = {u for body in fake_wecom.delivered(ROBOT) for u in body["text"]["mentioned_list"]}
    assert mentioned == {"zhifa-0", "zhifa-1", "zhifa-2", "zhifa-3"}


def test_a_rejected_key_is_final_and_not_in_the_reason(
        engine: Engine, wecom_clock: VirtualClock, fake_wecom: FakeWeCom) -> None:
    """A bad robot key is final: the rows go dead with the reason, and no key in the reason."""
    fake_wecom.invalid_keys.add("key-xialing")
    rows = _drain(engine, wecom_clock, fake_wecom,
                  [OutboundMessage(chat_id=CHAT, text=f"第{i}条") for i in range(3)])
    assert [r.status for r in rows] == ["dead"] * 3
    assert all("93000" in (r.last_error or "") and "key-xialing" not in (r.last_error or "")
               for r in rows)
