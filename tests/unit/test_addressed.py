"""A message that @-mentions the bot gets an answer: substance goes to the station head."""

from __future__ import annotations

from datetime import UTC, datetime

from dispatcher.addressed import has_substance
from dispatcher.desk import handle_message
from dispatcher.tickets import Status
from tests.builders import make_desk, message
from tests.fakes.domain import ContinuousTimers, FakeUnitOfWork

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
QUESTION = "@机器人 请问明天下午的会议改到几点了"


def _events(uow: FakeUnitOfWork, text: str, *, mentions_bot: bool) -> list[str]:
    desk = make_desk(ContinuousTimers())
    before = len(uow.outbox.sent)
    handle_message(desk=desk, uow=uow, message=message(text, mentions_bot=mentions_bot), now=NOW)
    return [m.event or "" for _, m in uow.outbox.sent[before:]]


def test_addressed_talk_goes_to_the_station_head() -> None:
    uow = FakeUnitOfWork()
    assert _events(uow, QUESTION, mentions_bot=True) == ["triage"]
    ticket = uow.tickets.get("A0001")
    assert ticket is not None and ticket.status is Status.TRIAGE
    triage = uow.outbox.sent[0][1]
    assert triage.mentions == ("xialing-head",)  # the station head is asked to decide


def test_the_same_talk_not_addressed_stays_quiet() -> None:
    uow = FakeUnitOfWork()
    assert _events(uow, QUESTION.removeprefix("@机器人 "), mentions_bot=False) == []
    assert uow.tickets.rows == {}


def test_addressed_acknowledgements_and_greetings_stay_quiet() -> None:
    uow = FakeUnitOfWork()
    for text in ["@机器人 收到", "@机器人 你好", "@机器人 👍", "@机器人 [图片]", "@机器人 好的谢谢"]:
        assert _events(uow, text, mentions_bot=True) == [], text
    assert uow.tickets.rows == {}


def test_substance_needs_more_than_a_nudge() -> None:
    assert has_substance("@机器人 这个事情到底归谁管啊")
    assert not has_substance("@机器人 在吗")
    assert not has_substance("@机器人 辛苦了 🙏")
