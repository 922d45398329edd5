"""The core loop on fakes: report, claim, resolve, confirm; refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dispatcher.desk import handle_message
from dispatcher.tickets import Status
from tests.builders import make_desk, message
from tests.fakes.domain import ContinuousTimers, FakeUnitOfWork

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _run(uow: FakeUnitOfWork, text: str, sender: str = "grid-wang", minutes: int = 0,
         quote: str | None = None) -> list[str]:
    desk = make_desk(ContinuousTimers())
    before = len(uow.outbox.sent)
    handle_message(desk=desk, uow=uow, message=message(text, sender=sender, quote=quote),
                   now=NOW + timedelta(minutes=minutes))
    return [m.event or "" for _, m in uow.outbox.sent[before:]]


def test_walkthrough_report_claim_resolve_confirm() -> None:
    uow = FakeUnitOfWork()
    assert _run(uow, "文山路菜场门口有人跨门经营") == ["dispatch"]
    ticket = uow.tickets.get("A0001")
    assert ticket is not None and ticket.department == "zhifa"
    dispatch = uow.outbox.sent[0][1]
    assert dispatch.mentions == ("zhifa-1",) and "A0001" in dispatch.text
    assert "店外经营" in dispatch.text and "2紧急工作时" in dispatch.text
    assert _run(uow, "认领", sender="zhifa-1", minutes=5) == ["claim_ack"]
    assert ticket.status is Status.CLAIMED and ticket.claimed_by == "zhifa-1"
    assert _run(uow, "已办结 A0001 已劝离", sender="zhifa-1", minutes=30) == ["resolve_ack"]
    assert ticket.status is Status.RESOLVED
    assert _run(uow, "确认", minutes=40) == ["closed"]
    assert ticket.status is Status.CLOSED
    kinds = [e.kind for e in uow.tickets.events("A0001")]
    assert kinds == ["dispatch", "claim", "resolve", "close"]


def test_chatter_opens_nothing() -> None:
    uow = FakeUnitOfWork()
    for text in ["收到", "好的👍", "辛苦了", "明天下午2点在社区三楼开会，请各位网格员准时参加"]:
        assert _run(uow, text) == []
    assert uow.tickets.rows == {}


def test_other_department_cannot_claim_and_nothing_changes() -> None:
    uow = FakeUnitOfWork()
    _run(uow, "文山路菜场门口有人跨门经营")
    assert _run(uow, "认领 A0001", sender="gongan-1") == ["refused"]
    assert uow.tickets.get("A0001").status is Status.DISPATCHED  # type: ignore[union-attr]


def test_reopen_counts_rework_and_keeps_deadline() -> None:
    uow = FakeUnitOfWork()
    _run(uow, "文山路菜场门口有人跨门经营")
    ticket = uow.tickets.get("A0001")
    assert ticket is not None
    deadline = ticket.handle_deadline
    _run(uow, "已办结 A0001", sender="zhifa-1")
    assert _run(uow, "没解决 A0001 还在摆") == ["reopened"]
    assert ticket.status is Status.CLAIMED and ticket.reopen_count == 1
    assert ticket.handle_deadline == deadline


def test_two_problems_in_one_message_open_two_tickets() -> None:
    uow = FakeUnitOfWork()
    assert _run(uow, "菜场门口跨门经营还开着大喇叭招揽") == ["dispatch", "dispatch"]
    assert {t.department for t in uow.tickets.rows.values()} == {"zhifa", "gongan"}


def test_ambiguous_bare_claim_asks_which() -> None:
    uow = FakeUnitOfWork()
    _run(uow, "文山路跨门经营")
    _run(uow, "东江路出店经营")
    assert _run(uow, "认领", sender="zhifa-1") == ["refused"]
    assert "A0001" in uow.outbox.sent[-1][1].text and "A0002" in uow.outbox.sent[-1][1].text


def test_quote_names_the_ticket_and_help_answers() -> None:
    uow = FakeUnitOfWork()
    _run(uow, "文山路跨门经营")
    assert _run(uow, "收到我们来处理", sender="zhifa-1",
                quote="【A0001】新工单：文山路跨门经营") == ["claim_ack"]
    assert _run(uow, "帮助") == ["help"]
    assert _run(uow, "进度 A0001") == ["status"]
