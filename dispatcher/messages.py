"""Channel-neutral messages: what every channel adapter translates to and from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ChatType(StrEnum):
    GROUP = "group"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message somebody sent, as any channel delivers it.

    ``channel`` + ``message_id`` is the de-duplication key: a message is processed once,
    however often a platform redelivers it.
    """

    channel: str
    message_id: str
    chat_id: str
    sender_id: str
    text: str
    sent_at: datetime
    sender_name: str = ""
    chat_type: ChatType = ChatType.GROUP
    mentions: tuple[str, ...] = ()
    mentions_bot: bool = False
    quote_text: str | None = None
    quote_message_id: str | None = None
    recalled: bool = False  # a recall event for ``message_id`` rather than a new message


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message the bot wants delivered; stored in the outbox before any send."""

    chat_id: str
    text: str
    mentions: tuple[str, ...] = ()
    ticket: str | None = None
    event: str | None = None
    level: int | None = None
    markdown: bool = False
    extra: dict[str, str] = field(default_factory=dict)
