"""Per-robot-key send budget (≤ 20 per rolling 60 s) and coalescing of waiting messages.

WeCom documents "每个机器人发送的消息不能超过20条/分钟" without saying whether the window is
fixed or sliding; a rolling window is the safe reading (it never exceeds a fixed one).
The limiter never sleeps: the outbox worker asks ``next_allowed_at`` and schedules the
message for then, so nothing blocks the event loop and nothing is dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.channels.wecom import texts
from bot.channels.wecom.payloads import robot_content, robot_limit, utf8_len
from dispatcher.messages import OutboundMessage

ROBOT_SENDS_PER_WINDOW = 20
ROBOT_WINDOW = timedelta(seconds=60)


class RateLimiter:
    """Sliding-window log of send times per key (a robot key, or any other budget key)."""

    def __init__(
        self, *, limit: int = ROBOT_SENDS_PER_WINDOW, window: timedelta = ROBOT_WINDOW
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._window = window
        self._sent: dict[str, deque[datetime]] = {}
        self._held_until: dict[str, datetime] = {}

    def next_allowed_at(self, key: str, now: datetime) -> datetime:
        """The earliest moment ``key`` may send (``now`` when it may send right away)."""
        sent = self._prune(key, now)
        earliest = now
        if len(sent) >= self._limit:
            earliest = max(earliest, sent[len(sent) - self._limit] + self._window)
        return max(earliest, self._held_until.get(key, now))

    def record(self, key: str, now: datetime) -> None:
        """Count one send (an attempt counts: WeCom counts what reaches it)."""
        self._prune(key, now)
        self._sent.setdefault(key, deque()).append(now)

    def hold(self, key: str, until: datetime) -> None:
        """WeCom said "too many" (45009): send nothing on ``key`` before ``until``."""
        self._held_until[key] = max(until, self._held_until.get(key, until))

    def _prune(self, key: str, now: datetime) -> deque[datetime]:
        sent = self._sent.setdefault(key, deque())
        while sent and sent[0] <= now - self._window:
            sent.popleft()
        return sent


@dataclass(frozen=True, slots=True)
class Coalesced:
    """One payload to send, and the positions of the input messages it carries."""

    message: OutboundMessage
    sources: tuple[int, ...]


def coalesce(messages: Sequence[OutboundMessage], *, limit_bytes: int | None = None) -> list[
    Coalesced
]:
    """Join neighbouring messages for the same chat and format while the result fits.

    ``limit_bytes`` defaults to the robot limit of the message's format. Order is kept;
    a message that is too big on its own stays alone (the sender cuts it).
    """
    result: list[Coalesced] = []
    for index, message in enumerate(messages):
        last = result[-1] if result else None
        if last is not None:
            joined = _join(last.message, message)
            limit = limit_bytes if limit_bytes is not None else robot_limit(joined)
            if _compatible(last.message, message) and utf8_len(robot_content(joined)) <= limit:
                result[-1] = Coalesced(joined, (*last.sources, index))
                continue
        result.append(Coalesced(message, (index,)))
    return result


def _compatible(a: OutboundMessage, b: OutboundMessage) -> bool:
    return a.chat_id == b.chat_id and a.markdown == b.markdown


def _join(a: OutboundMessage, b: OutboundMessage) -> OutboundMessage:
    return replace(
        a,
        text=f"{a.text}{texts.COALESCE_SEPARATOR}{b.text}",
        mentions=tuple(dict.fromkeys((*a.mentions, *b.mentions))),
        ticket=a.ticket if a.ticket == b.ticket else None,
        event=a.event if a.event == b.event else None,
        level=a.level if a.level == b.level else None,
        extra={**a.extra, **b.extra},
    )
