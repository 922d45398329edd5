"""AI-bot callback JSON → InboundMessage, table-driven over fixture files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.channels.wecom.aibot import (
    Ignored,
    parse_aibot_json,
    strip_bot_mention,
    translate_aibot_callback,
)
from bot.channels.wecom.crypto import WeComPayloadError
from dispatcher.messages import ChatType, InboundMessage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wecom" / "aibot"
RECEIVED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
T0 = datetime.fromtimestamp(1772413200, UTC)


def _load(name: str) -> dict[str, Any]:
    return parse_aibot_json((FIXTURES / f"{name}.json").read_text("utf-8"))


def _translate(payload: dict[str, Any]) -> InboundMessage | Ignored:
    return translate_aibot_callback(payload, bot="grid", bot_name="网格助手", received_at=RECEIVED)


MESSAGES = {
    "group_text": {"message_id": "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=", "chat_id": "xialing-grid",
                       "chat_type": ChatType.GROUP, "sender_id": "grid-wang", "sent_at": T0,
                       "text": "文山路菜场门口有人跨门经营", "quote_text": None},
    "group_quote_claim": {"chat_id": "xialing-grid", "sender_id": "zhifa-1", "text": "认领",
                              "quote_text": "【#A0012】文山路菜场门口跨门经营 @zhifa-1 请认领"},
    "single_text": {"chat_id": "@xialing-head", "chat_type": ChatType.PRIVATE, "text": "进度 A0012",
                        "sent_at": RECEIVED},
    "group_mixed": {"text": "已办结 A0012 已清理 [图片]", "quote_text": "【#A0012】请处理 [图片]"},
    "single_image": {"chat_id": "@grid-wang", "text": "[图片]"},
    "single_voice": {"text": "东江路路灯不亮了"},
}


@pytest.mark.parametrize(("name", "expected"), MESSAGES.items(), ids=list(MESSAGES))
def test_messages_translate(name: str, expected: dict[str, Any]) -> None:
    msg = _translate(_load(name))
    assert isinstance(msg, InboundMessage)
    assert msg.channel == "wecom-aibot:grid"
    assert msg.mentions_bot is True
    assert msg.recalled is False
    for field, value in expected.items():
        assert getattr(msg, field) == value, field


@pytest.mark.parametrize(
    ("name", "reason"),
    [("event_enter_chat", "enter_chat"), ("event_template_card", "template_card_event"),
     ("stream_refresh", "stream")],
)
def test_ignored_callbacks_say_why(name: str, reason: str) -> None:
    result = _translate(_load(name))
    assert isinstance(result, Ignored)
    assert reason in result.reason


def test_recall_event_names_the_recalled_message() -> None:
    msg = _translate(_load("event_recall"))
    assert isinstance(msg, InboundMessage)
    assert msg.recalled is True
    assert msg.message_id == "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI="
    assert msg.chat_id == "xialing-grid"


def test_unknown_msgtype_is_ignored() -> None:
    payload = _load("single_text") | {"msgtype": "sticker"}
    assert _translate(payload) == Ignored("unsupported msgtype 'sticker'")


@pytest.mark.parametrize(
    "broken",
    [{"msgid": None}, {"from": {}}, {"chattype": "group", "chatid": None}],
    ids=["no-msgid", "no-sender", "group-without-chatid"],
)
def test_malformed_callbacks_are_rejected(broken: dict[str, Any]) -> None:
    payload = {k: v for k, v in (_load("single_text") | broken).items() if v is not None}
    with pytest.raises(WeComPayloadError):
        _translate(payload)


@pytest.mark.parametrize("text", ["[1, 2]", "not json", '"str"'])
def test_plaintext_must_be_a_json_object(text: str) -> None:
    with pytest.raises(WeComPayloadError):
        parse_aibot_json(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("@网格助手 认领 A0012", "认领 A0012"), ("@网格助手\u2005认领", "认领"),
     ("\u3000@网格助手\u3000确认 A0012 ", "确认 A0012"), ("认领 @网格助手", "认领 @网格助手"),
     ("@别的机器人 你好", "@别的机器人 你好"), ("@网格助手", "")],
)
def test_strip_bot_mention(text: str, expected: str) -> None:
    assert strip_bot_mention(text, "网格助手") == expected


def test_fixture_files_are_valid_json() -> None:
    for path in FIXTURES.glob("*.json"):
        assert isinstance(json.loads(path.read_text("utf-8")), dict), path.name
