"""WeCom outbound payloads: byte limits, robot/app message bodies, response checking.

Limits (see docs/wecom.md): robot text content ≤ 2048 bytes, robot markdown ≤ 4096 bytes,
app ``message/send`` text/markdown content ≤ 2048 bytes, all counted in UTF-8 bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.channels.base import SendError
from bot.channels.wecom import texts
from dispatcher.messages import OutboundMessage

ROBOT_TEXT_LIMIT = 2048
ROBOT_MARKDOWN_LIMIT = 4096
APP_CONTENT_LIMIT = 2048

# errcodes worth retrying later: -1 系统繁忙, 45009 接口调用超过限制, 45033 并发超过限制.
RETRYABLE_ERRCODES = frozenset({-1, 45009, 45033})
RATE_LIMITED_ERRCODES = frozenset({45009, 45033})
# access_token missing / invalid / expired: fetch a new token and try once more.
TOKEN_ERRCODES = frozenset({40014, 41001, 42001})


class WeComApiError(SendError):
    """WeCom answered with a non-zero ``errcode``."""

    def __init__(self, *, errcode: int, retryable: bool, reason: str) -> None:
        super().__init__(retryable=retryable, reason=reason)
        self.errcode = errcode


def cut_utf8(text: str, limit_bytes: int, *, mark: str = texts.TRUNCATED_MARK) -> str:
    """``text`` if it fits in ``limit_bytes`` UTF-8 bytes, else a prefix + ``mark`` that fits.

    Never splits a multi-byte character: the prefix is cut at a character boundary.
    """
    data = text.encode("utf-8")
    if len(data) <= limit_bytes:
        return text
    mark_bytes = mark.encode("utf-8")
    if len(mark_bytes) > limit_bytes:
        mark_bytes = b""
    prefix = data[: limit_bytes - len(mark_bytes)].decode("utf-8", errors="ignore")
    return prefix + mark_bytes.decode("utf-8")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def robot_content(message: OutboundMessage) -> str:
    """Content as the robot will show it; markdown has no mention list, so ``<@userid>``."""
    if message.markdown and message.mentions:
        tags = " ".join(f"<@{user}>" for user in message.mentions)
        return f"{message.text}\n{tags}"
    return message.text


def robot_limit(message: OutboundMessage) -> int:
    return ROBOT_MARKDOWN_LIMIT if message.markdown else ROBOT_TEXT_LIMIT


def robot_payload(message: OutboundMessage, *, mobiles: Mapping[str, str]) -> dict[str, Any]:
    """Body of ``webhook/send``. Members listed in ``mobiles`` are @-ed by phone number."""
    content = cut_utf8(robot_content(message), robot_limit(message))
    if message.markdown:
        return {"msgtype": "markdown", "markdown": {"content": content}}
    body: dict[str, Any] = {"content": content}
    by_userid = [u for u in message.mentions if u not in mobiles]
    by_mobile = [mobiles[u] for u in message.mentions if u in mobiles]
    if by_userid:
        body["mentioned_list"] = by_userid
    if by_mobile:
        body["mentioned_mobile_list"] = by_mobile
    return {"msgtype": "text", "text": body}


def app_payload(message: OutboundMessage, *, agent_id: int, users: Sequence[str]) -> dict[str, Any]:
    """Body of ``message/send`` to members (``touser`` is "|"-joined userids)."""
    kind = "markdown" if message.markdown else "text"
    return {
        "touser": "|".join(users),
        "msgtype": kind,
        "agentid": agent_id,
        kind: {"content": cut_utf8(message.text, APP_CONTENT_LIMIT)},
    }


def check_errcode(body: Mapping[str, Any], *, what: str) -> None:
    """Raise SendError unless WeCom answered ``errcode`` 0 (the HTTP status is not enough)."""
    errcode = body.get("errcode", 0)
    if not isinstance(errcode, int):
        raise SendError(retryable=True, reason=f"{what}: malformed errcode {errcode!r}")
    if errcode == 0:
        return
    errmsg = str(body.get("errmsg", ""))[:200]
    raise WeComApiError(
        errcode=errcode,
        retryable=errcode in RETRYABLE_ERRCODES,
        reason=f"{what}: errcode {errcode} {errmsg}".strip(),
    )
