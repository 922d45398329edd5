"""Decrypted self-built-app (自建应用) callback XML → channel-neutral InboundMessage.

An app only ever receives the 1:1 conversation between a member and the app (never group
traffic), so every message is private and addressed as ``@<FromUserName>``. Parsing is
wechatpy 1.8.18's ``wechatpy.enterprise.parse_message``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wechatpy.enterprise import parse_message

from bot.channels.wecom import texts
from bot.channels.wecom.aibot import RECALL_EVENTS, Ignored
from bot.channels.wecom.crypto import WeComPayloadError
from bot.channels.wecom.xmlsafe import UnsafeXml, parse_xml
from dispatcher.messages import ChatType, InboundMessage

# Placeholder text for non-text message types the pipeline can still record.
_PLACEHOLDERS = {
    "image": texts.IMAGE,
    "video": texts.VIDEO,
    "shortvideo": texts.VIDEO,
    "location": texts.LOCATION,
    "link": texts.LINK,
}


def channel_name(app: str) -> str:
    return f"wecom-app:{app}"


def translate_app_callback(
    xml: str, *, app: str, agent_id: int | None = None
) -> InboundMessage | Ignored:
    """Translate one decrypted callback; ``agent_id`` (when given) must match AgentID."""
    message = _parse(xml)
    raw: dict[str, Any] = message._data
    sender = raw.get("FromUserName")
    if not sender:
        raise WeComPayloadError("app callback without FromUserName")
    if agent_id is not None and str(raw.get("AgentID", "")) not in ("", str(agent_id)):
        raise WeComPayloadError("app callback for another AgentID")
    if message.type == "event" or str(raw.get("MsgType", "")).lower() == "event":
        return _translate_event(raw, app=app, sender=str(sender))
    text = _text_of(message.type, raw)
    if text is None:
        return Ignored(f"unsupported MsgType {raw.get('MsgType')!r}")
    msg_id = raw.get("MsgId")
    if not msg_id:
        raise WeComPayloadError("app message without MsgId")
    return InboundMessage(
        channel=channel_name(app),
        message_id=str(msg_id),
        chat_id=f"@{sender}",
        chat_type=ChatType.PRIVATE,
        sender_id=str(sender),
        text=text.strip(),
        sent_at=_sent_at(raw),
        mentions_bot=True,  # a private message to the app is addressed to the bot
    )


def _parse(xml: str) -> Any:
    try:
        parse_xml(xml)  # no DTD / entities reach wechatpy's xmltodict, even with our key
    except UnsafeXml as exc:
        raise WeComPayloadError(f"app callback XML refused ({exc})") from exc
    try:
        message = parse_message(xml)
    except Exception as exc:  # xmltodict/expat errors, missing MsgType/Event keys
        raise WeComPayloadError("app callback is not a WeCom message XML") from exc
    if message is None:
        raise WeComPayloadError("empty app callback")
    return message


def _text_of(msg_type: str, raw: dict[str, Any]) -> str | None:
    if msg_type == "text":
        return str(raw.get("Content") or "")
    if msg_type == "voice" and raw.get("Recognition"):
        return str(raw["Recognition"])  # speech-to-text when the app has it enabled
    if msg_type == "voice":
        return None
    return _PLACEHOLDERS.get(msg_type)


def _translate_event(raw: dict[str, Any], *, app: str, sender: str) -> InboundMessage | Ignored:
    event = str(raw.get("Event", "")).lower()
    if event not in RECALL_EVENTS:
        return Ignored(f"event {event}")
    recalled = raw.get("MsgId")
    if not recalled:
        raise WeComPayloadError("recall event without MsgId")
    return InboundMessage(
        channel=channel_name(app),
        message_id=str(recalled),
        chat_id=f"@{sender}",
        chat_type=ChatType.PRIVATE,
        sender_id=sender,
        text="",
        sent_at=_sent_at(raw),
        recalled=True,
    )


def _sent_at(raw: dict[str, Any]) -> datetime:
    try:
        return datetime.fromtimestamp(int(raw["CreateTime"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise WeComPayloadError("app callback without a valid CreateTime") from exc
