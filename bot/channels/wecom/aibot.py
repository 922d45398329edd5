"""Decrypted WeCom AI-bot (智能机器人) callback JSON → channel-neutral InboundMessage.

Pure translation: no I/O, no crypto. Field meanings follow the official SDK types
(WecomTeam/aibot-node-sdk ``src/types/message.ts``, ``event.ts``): ``msgid`` is the
de-duplication key, ``chatid`` is only present in groups, text content still carries the
leading "@机器人名", and a quote carries the quoted content but never its msgid.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.channels.wecom import texts
from bot.channels.wecom.crypto import WeComPayloadError
from dispatcher.messages import ChatType, InboundMessage

# Whitespace WeCom / WeChat clients put after an @-mention (incl. U+2005 and the ideographic space).
_MENTION_GAP = " \t\u2005\u3000\u00a0"
# Events that carry no message for the pipeline.
_IGNORED_EVENTS = frozenset({"enter_chat", "template_card_event", "feedback_event"})
# Recall events are not in the docs read (UNVERIFIED); accepted in the documented event shape
# {"eventtype": X, X: {"msgid": recalled}} under any of these names.
RECALL_EVENTS = frozenset({"recall", "recall_msg", "msg_recall", "recall_message"})


@dataclass(frozen=True, slots=True)
class Ignored:
    """A callback the bot acknowledges and drops; ``reason`` is for the log."""

    reason: str


def channel_name(bot: str) -> str:
    return f"wecom-aibot:{bot}"


def parse_aibot_json(plaintext: str) -> dict[str, Any]:
    """The decrypted callback text as a JSON object (WeComPayloadError otherwise)."""
    try:
        data = json.loads(plaintext)
    except (ValueError, RecursionError) as exc:
        raise WeComPayloadError("AI-bot callback is not JSON") from exc
    if not isinstance(data, dict):
        raise WeComPayloadError("AI-bot callback is not a JSON object")
    return data


def translate_aibot_callback(
    payload: Mapping[str, Any], *, bot: str, bot_name: str, received_at: datetime
) -> InboundMessage | Ignored:
    """Translate one decrypted callback; ``received_at`` stands in for a missing create_time."""
    msgtype = str(payload.get("msgtype", ""))
    if msgtype == "event":
        return _translate_event(payload, bot=bot, received_at=received_at)
    if msgtype == "stream":
        return Ignored("stream refresh callback")
    text = _content_text(payload, msgtype)
    if text is None:
        return Ignored(f"unsupported msgtype {msgtype!r}")
    return InboundMessage(
        **_envelope(payload, bot=bot, received_at=received_at),
        text=strip_bot_mention(text, bot_name),
        mentions_bot=True,  # the bot is only called when @-ed (groups) or addressed (1:1)
        quote_text=_quote_text(payload.get("quote")),
    )


def strip_bot_mention(text: str, bot_name: str) -> str:
    """Drop a leading "@机器人名" (and the gap after it); other text is kept as typed."""
    stripped = text.lstrip(_MENTION_GAP)
    mention = f"@{bot_name}"
    if bot_name and stripped.startswith(mention):
        stripped = stripped[len(mention) :]
    return stripped.strip(_MENTION_GAP)


def _translate_event(
    payload: Mapping[str, Any], *, bot: str, received_at: datetime
) -> InboundMessage | Ignored:
    event = _mapping(payload.get("event"))
    eventtype = str(event.get("eventtype", ""))
    if eventtype in RECALL_EVENTS:
        recalled = _mapping(event.get(eventtype)).get("msgid") or event.get("msgid")
        if not recalled:
            raise WeComPayloadError("recall event without the recalled msgid")
        envelope = _envelope(payload, bot=bot, received_at=received_at)
        envelope["message_id"] = str(recalled)
        return InboundMessage(**envelope, text="", recalled=True)
    if eventtype in _IGNORED_EVENTS:
        return Ignored(f"event {eventtype}")
    return Ignored(f"unknown event {eventtype!r}")


def _envelope(payload: Mapping[str, Any], *, bot: str, received_at: datetime) -> dict[str, Any]:
    msgid = payload.get("msgid")
    sender = _mapping(payload.get("from")).get("userid")
    if not msgid or not sender:
        raise WeComPayloadError("AI-bot callback without msgid or from.userid")
    chat_type = ChatType.GROUP if payload.get("chattype") == "group" else ChatType.PRIVATE
    if chat_type is ChatType.GROUP:
        chat_id = payload.get("chatid")
        if not chat_id:
            raise WeComPayloadError("group callback without chatid")
    else:
        chat_id = f"@{sender}"  # the contract's private-chat address
    return {
        "channel": channel_name(bot),
        "message_id": str(msgid),
        "chat_id": str(chat_id),
        "chat_type": chat_type,
        "sender_id": str(sender),
        "sent_at": _sent_at(payload.get("create_time"), received_at),
    }


def _sent_at(create_time: Any, received_at: datetime) -> datetime:
    if isinstance(create_time, int | float) and create_time > 0:
        try:
            return datetime.fromtimestamp(create_time, UTC)
        except (OverflowError, OSError, ValueError):  # far outside datetime's range
            return received_at
    return received_at


def _content_text(content: Mapping[str, Any], msgtype: str) -> str | None:
    """Readable text of a message or quote body, None for a type the bot does not read."""
    if msgtype in ("text", "voice"):  # voice arrives already transcribed
        return str(_mapping(content.get(msgtype)).get("content", ""))
    if msgtype == "image":
        return texts.IMAGE
    if msgtype == "file":
        return texts.FILE
    if msgtype == "video":
        return texts.VIDEO
    if msgtype == "mixed":
        items = _mapping(content.get("mixed")).get("msg_item") or []
        parts = [_content_text(_mapping(i), str(_mapping(i).get("msgtype"))) for i in items]
        return " ".join(p.strip() for p in parts if p and p.strip())
    return None


def _quote_text(quote: Any) -> str | None:
    if not isinstance(quote, Mapping):
        return None
    return _content_text(quote, str(quote.get("msgtype", "")))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
