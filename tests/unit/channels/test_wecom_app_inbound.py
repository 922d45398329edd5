"""Self-built-app callback XML → InboundMessage, table-driven over fixture files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.channels.wecom.aibot import Ignored
from bot.channels.wecom.app_inbound import translate_app_callback
from bot.channels.wecom.crypto import CallbackCrypto, WeComPayloadError
from dispatcher.messages import ChatType, InboundMessage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wecom"
T0 = datetime.fromtimestamp(1772413200, UTC)


def _xml(name: str) -> str:
    return (FIXTURES / "app" / f"{name}.xml").read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "text", "message_id"),
    [("text_claim", "认领 A0012", "4561255354251345929"),
     ("image", "[图片]", "4561255354251345930")],
)
def test_messages_translate_to_private_inbound(name: str, text: str, message_id: str) -> None:
    msg = translate_app_callback(_xml(name), app="liaison", agent_id=1000002)
    assert isinstance(msg, InboundMessage)
    assert (msg.channel, msg.chat_id, msg.chat_type) == (
        "wecom-app:liaison", "@zhifa-1", ChatType.PRIVATE)
    assert (msg.sender_id, msg.text, msg.message_id, msg.sent_at) == (
        "zhifa-1", text, message_id, T0)
    assert msg.mentions_bot
    assert not msg.recalled


@pytest.mark.parametrize(
    ("name", "reason"),
    [("event_enter_agent", "event enter_agent"), ("event_subscribe", "event subscribe"),
     ("voice_untranscribed", "unsupported MsgType 'voice'")],
)
def test_events_and_unreadable_messages_are_ignored(name: str, reason: str) -> None:
    assert translate_app_callback(_xml(name), app="liaison") == Ignored(reason)


def test_recall_event_marks_the_message_recalled() -> None:
    msg = translate_app_callback(_xml("event_recall"), app="liaison")
    assert isinstance(msg, InboundMessage)
    assert msg.recalled
    assert msg.message_id == "4561255354251345929"


def test_other_agent_is_rejected() -> None:
    with pytest.raises(WeComPayloadError, match="AgentID"):
        translate_app_callback(_xml("text_claim"), app="liaison", agent_id=1000003)


@pytest.mark.parametrize(
    "xml",
    ["", "<xml>", "<xml><FromUserName>u</FromUserName></xml>",
     "<xml><MsgType>text</MsgType><CreateTime>1</CreateTime><MsgId>1</MsgId></xml>",
     "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><MsgId>1</MsgId></xml>",
     "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><CreateTime>1</CreateTime></xml>"],
    ids=["empty", "broken", "no-type", "no-sender", "no-time", "no-msgid"],
)
def test_malformed_xml_is_rejected(xml: str) -> None:
    with pytest.raises(WeComPayloadError):
        translate_app_callback(xml, app="liaison")


def test_official_vector_decrypts_and_translates() -> None:
    vectors: list[dict[str, Any]] = json.loads(
        (FIXTURES / "crypto_vectors.json").read_text("utf-8"))["vectors"]
    v = next(x for x in vectors if x["id"].startswith("V2b"))
    crypto = CallbackCrypto(token=v["token"], encoding_aes_key=v["encoding_aes_key"],
                            receive_id=v["receive_id"])
    body = f"<xml><Encrypt><![CDATA[{v['encrypt']}]]></Encrypt></xml>"
    xml = crypto.decrypt_xml(body, msg_signature=v["msg_signature"], timestamp=v["timestamp"],
                             nonce=v["nonce"])
    msg = translate_app_callback(xml, app="liaison", agent_id=1000002)
    assert isinstance(msg, InboundMessage)
    assert (msg.chat_id, msg.text, msg.message_id) == ("@ChenJiaShun", "你好", "1456453720")
