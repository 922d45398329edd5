"""The README walk-through over real HTTP: report, claim, resolve, confirm in the console;
then the same service restarted mid-conversation loses nothing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine

from bot.app import create_app
from bot.settings import Settings
from models.migrate import upgrade
from tests.live import serve, wait_for

CHAT = "xialing-grid"


def _post(client: httpx.Client, base: str, sender: str, text: str) -> None:
    response = client.post(f"{base}/console/api/messages",
                           json={"chat_id": CHAT, "sender_id": sender, "text": text})
    assert response.status_code == 200, response.text


def _bot_events(client: httpx.Client, base: str) -> list[dict[str, Any]]:
    items = client.get(f"{base}/console/api/conversation", params={"chat_id": CHAT}).json()
    return [i for i in items["items"] if i["kind"] == "out"]


def _say_and_wait(client: httpx.Client, base: str, sender: str, text: str,
                  event: str) -> dict[str, Any]:
    before = len(_bot_events(client, base))
    _post(client, base, sender, text)
    replies = wait_for(lambda: _bot_events(client, base)[before:])
    assert [r["event"] for r in replies] == [event], replies
    return dict(replies[0])


def test_console_walkthrough_and_restart(settings: Settings, engine: Engine) -> None:
    upgrade(engine)
    with httpx.Client(timeout=10) as client:
        with serve(create_app(settings)) as base:
            page = client.get(f"{base}/console")
            assert page.status_code == 200
            assert "演示控制台" in page.text
            chats = client.get(f"{base}/console/api/directory").json()["chats"]
            assert any(c["id"] == CHAT and c["name"] == "下菱社区全科网格群" for c in chats)
            dispatch = _say_and_wait(client, base, "grid-wang", "文山路菜场门口有人跨门经营",
                                     "dispatch")
            assert dispatch["ticket"] == "A0001"
            assert dispatch["mentions"] == ["zhifa-1"]
            assert "@综合执法联络员" in dispatch["text"]
            _say_and_wait(client, base, "zhifa-1", "认领", "claim_ack")
        # The service stops mid-conversation and starts again on the same database.
        with serve(create_app(settings)) as base:
            _say_and_wait(client, base, "zhifa-1", "已办结 A0001 已劝离", "resolve_ack")
            closed = _say_and_wait(client, base, "grid-wang", "确认", "closed")
            assert closed["ticket"] == "A0001"
            health = client.get(f"{base}/healthz").json()
            assert health["database"] == "ok"
            assert health["scheduler"] == "running"
            sent = wait_for(lambda: all(e["state"] == "sent" for e in _bot_events(client, base)))
            assert sent
