"""What every outbound channel shares: the sender port the outbox worker calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from dispatcher.messages import OutboundMessage


class SendError(Exception):
    """A send that did not deliver.

    ``retryable`` tells the outbox worker whether to try again later (rate limit, server
    busy, 5xx, timeout) or to give the message up as dead (bad key, unknown user, payload
    rejected). ``retry_at`` is set when the channel knows the earliest sensible retry.
    """

    def __init__(self, *, retryable: bool, reason: str, retry_at: datetime | None = None):
        super().__init__(reason)
        self.retryable = retryable
        self.reason = reason
        self.retry_at = retry_at

    def __repr__(self) -> str:
        return f"SendError(retryable={self.retryable}, reason={self.reason!r})"


class Sender(Protocol):
    """Delivers one outbox message to ``target`` (a chat id, or ``@userid`` for a person)."""

    async def send(self, message: OutboundMessage, *, target: str) -> None: ...


class Deferred(Exception):
    """The channel may not send yet (its own budget is used up); nothing reached the far end.

    The outbox worker reschedules the message for ``retry_at`` without counting an attempt
    or a failure, so a long burst waits its turn instead of running out of attempts.
    """

    def __init__(self, *, retry_at: datetime, reason: str = "deferred") -> None:
        super().__init__(reason)
        self.retry_at = retry_at
        self.reason = reason


@runtime_checkable
class Coalescing(Protocol):
    """A sender that can join several due messages for one target into fewer sends.

    ``coalesce`` returns the payloads to send, each with the positions (in ``messages``) of
    the messages it carries, in order.
    """

    def coalesce(self, messages: Sequence[OutboundMessage]) -> list[
        tuple[OutboundMessage, tuple[int, ...]]
    ]: ...
