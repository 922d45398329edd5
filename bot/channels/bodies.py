"""Reading request bodies with a size limit, before anything looks at their content."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

# PostgreSQL text cannot hold NUL; no chat message needs one, so it is refused at the door.
NUL_REASON = "消息格式错误：文本中不能含有 NUL（\\u0000）控制字符"


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, or 413 as soon as it is (declared or actually) larger than ``limit``."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"消息体超过 {limit} 字节")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(413, f"消息体超过 {limit} 字节")
    return bytes(body)


def contains_nul(value: Any) -> bool:
    """Whether a parsed JSON value holds a NUL character in any string, key or value."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(v) for v in value)
    return False
