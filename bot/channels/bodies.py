"""Reading request bodies with a size limit, before anything looks at their content."""

from __future__ import annotations

from fastapi import HTTPException, Request


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
