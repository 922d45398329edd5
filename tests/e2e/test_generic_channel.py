"""The generic webhook: signatures, bad bodies, oversize bodies, duplicate delivery."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from sqlalchemy import Engine, func, select

from bot.app import create_app
from bot.channels.signing import verify
from bot.settings import Settings
from models.migrate import upgrade
from models.tables import InboundRow, OutboxRow, TicketRow
from tests.conftest import GENERIC_SECRET
from tests.live import serve, signed_post, wait_for

URL = "/channels/generic/bridge"


def _body(message_id: str = "w1", text: str = "文山路菜场门口有人跨门经营") -> bytes:
    return json.dumps({
        "message_id": message_id, "chat": {"id": "xialing-grid", "type": "group"},
        "sender": {"id": "grid-wang", "name": "王网格员"}, "text": text,
        "mentions": ["gridbot"], "mentions_bot": True, "sent_at": int(time.time())},
        ensure_ascii=False).encode()


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def live(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    upgrade(engine)
    with serve(create_app(settings)) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


def test_duplicate_delivery_gives_one_ticket(live: httpx.Client, engine: Engine) -> None:
    answers = [signed_post(live, URL, _body("dup-1"), GENERIC_SECRET).json() for _ in range(3)]
    assert [a["duplicate"] for a in answers] == [False, True, True]
    wait_for(lambda: _count(engine, OutboxRow) >= 1)
    assert _count(engine, InboundRow) == 1
    assert _count(engine, TicketRow) == 1


@pytest.mark.parametrize("case", ["bad_signature", "stale", "no_timestamp"])
def test_rejected_signatures_change_nothing(live: httpx.Client, engine: Engine,
                                            case: str) -> None:
    body = _body("sig-1")
    if case == "bad_signature":
        response = signed_post(live, URL, body, "wrong-secret")
    elif case == "stale":
        response = signed_post(live, URL, body, GENERIC_SECRET, timestamp=int(time.time()) - 301)
    else:
        response = live.post(URL, content=body, headers={"X-Gridbot-Signature": "sha256=00"})
    assert response.status_code == 401
    assert _count(engine, InboundRow) == 0


@pytest.mark.parametrize("payload", [b"{not json", b'{"message_id": "x"}', b"\xff\xfe\x00",
                                     b'{"message_id": "", "chat": {"id": "c"}, '
                                     b'"sender": {"id": "s"}}'])
def test_malformed_body_is_422_and_changes_nothing(live: httpx.Client, engine: Engine,
                                                   payload: bytes) -> None:
    response = signed_post(live, URL, payload, GENERIC_SECRET)
    assert response.status_code == 422
    assert "消息" in response.json()["detail"]
    assert _count(engine, InboundRow) == 0


def test_oversize_body_is_413(live: httpx.Client, engine: Engine) -> None:
    response = signed_post(live, URL, b"x" * 70_000, GENERIC_SECRET)
    assert response.status_code == 413
    assert _count(engine, InboundRow) == 0


def test_unknown_source_is_404(live: httpx.Client) -> None:
    assert signed_post(live, "/channels/generic/nobody", _body(), GENERIC_SECRET).status_code == 404


def test_replies_reach_the_bridge_signed_and_once(settings: Settings, engine: Engine) -> None:
    received: list[dict[str, object]] = []
    deliveries: list[str] = []  # X-Gridbot-Delivery of every attempt, failed ones included
    failures = {"left": 2}  # the bridge is down twice: the outbox must retry, not duplicate
    bridge = FastAPI()

    @bridge.post("/outbound")
    async def outbound(request: Request) -> dict[str, bool]:
        body = await request.body()
        assert verify(GENERIC_SECRET, request.headers["X-Gridbot-Timestamp"], body,
                      request.headers["X-Gridbot-Signature"])
        deliveries.append(request.headers["X-Gridbot-Delivery"])
        if failures["left"]:
            failures["left"] -= 1
            raise HTTPException(503)
        received.append(json.loads(body))
        return {"ok": True}

    upgrade(engine)
    with serve(bridge) as bridge_url:
        routed = settings.model_copy(update={
            "generic": {"bridge": settings.generic["bridge"].model_copy(
                update={"callback_url": f"{bridge_url}/outbound"})},
            "outbound": settings.outbound.model_copy(
                update={"chats": {"xialing-grid": "generic:bridge"}})})
        with serve(create_app(routed)) as base, httpx.Client(base_url=base) as client:
            assert signed_post(client, URL, _body("out-1"), GENERIC_SECRET).status_code == 200
            wait_for(lambda: received, timeout=30)
            wait_for(lambda: _count(engine, OutboxRow) == 1)
    assert len(received) == 1
    assert len(deliveries) == 3 and len(set(deliveries)) == 1  # one key for every retry
    assert received[0]["event"] == "dispatch"
    assert received[0]["mentions"] == ["zhifa-1"]


def test_an_addressed_question_reaches_the_station_head(live: httpx.Client,
                                                       engine: Engine) -> None:
    """"@bot …" with substance but no problem the bot can place: triage, not silence."""
    question = "@gridbot 请问明天下午的会议改到几点了"
    signed_post(live, URL, _body("ask-1", question), GENERIC_SECRET)
    wait_for(lambda: _count(engine, OutboxRow) >= 1)
    with engine.connect() as connection:
        status = connection.scalar(select(TicketRow.status))
        event = connection.scalar(select(OutboxRow.event))
    assert (status, event) == ("triage", "triage")
