"""``POST /channels/generic/{source}``: any bridge, HMAC-signed JSON (contract §10).

The signature and timestamp are checked on the raw bytes before the body is parsed.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from bot.channels.bodies import NUL_REASON, contains_nul, read_limited
from bot.channels.signing import verify
from bot.openapi import error_responses
from bot.runtime import Runtime
from dispatcher.messages import ChatType, InboundMessage

router = APIRouter()


class ChatIn(BaseModel):
    id: str = Field(min_length=1, max_length=128)
    type: Literal["group", "private"] = "group"
    name: str | None = None


class SenderIn(BaseModel):
    id: str = Field(min_length=1, max_length=128)
    name: str = Field(default="", max_length=128)


class QuoteIn(BaseModel):
    message_id: str | None = Field(default=None, max_length=160)
    text: str | None = Field(default=None, max_length=8000)


class GenericIn(BaseModel):
    message_id: str = Field(min_length=1, max_length=160)
    chat: ChatIn
    sender: SenderIn
    text: str = Field(default="", max_length=8000)
    mentions: list[str] = Field(default_factory=list, max_length=100)
    mentions_bot: bool = False
    quote: QuoteIn | None = None
    # Epoch seconds up to 2100-01-01: beyond that is a bug or an attack, not a chat message
    # (and datetime cannot hold it).
    sent_at: float | None = Field(default=None, ge=0, le=4_102_444_800, allow_inf_nan=False)
    recalled: bool = False

    def to_message(self, *, source: str, received: datetime) -> InboundMessage:
        private = self.chat.type == "private"
        return InboundMessage(
            channel=f"generic:{source}", message_id=self.message_id,
            chat_id=f"@{self.sender.id}" if private else self.chat.id,
            sender_id=self.sender.id, sender_name=self.sender.name, text=self.text,
            sent_at=datetime.fromtimestamp(self.sent_at, UTC) if self.sent_at else received,
            chat_type=ChatType.PRIVATE if private else ChatType.GROUP,
            mentions=tuple(self.mentions), mentions_bot=self.mentions_bot,
            quote_text=self.quote.text if self.quote else None,
            quote_message_id=self.quote.message_id if self.quote else None,
            recalled=self.recalled)


@router.post("/channels/generic/{source}", responses=error_responses(401, 404, 413, 422, 503))
async def receive(source: str, request: Request) -> dict[str, object]:
    runtime: Runtime = request.app.state.runtime
    settings = runtime.services.settings
    config = settings.generic.get(source)
    if config is None:
        raise HTTPException(404, f"未知的消息来源「{source}」")
    body = await read_limited(request, settings.max_body_bytes)
    secret = os.environ.get(config.secret_env, "")
    if not secret:
        raise HTTPException(503, f"来源「{source}」未配置签名密钥（环境变量 {config.secret_env}）")
    timestamp = request.headers.get("X-Gridbot-Timestamp", "")
    _check_timestamp(timestamp, skew=settings.signature_skew_seconds)
    if not verify(secret, timestamp, body, request.headers.get("X-Gridbot-Signature", "")):
        raise HTTPException(401, "签名校验失败")
    message = _parse(body).to_message(source=source, received=runtime.services.clock.now())
    stored = await asyncio.to_thread(runtime.services.inbox.accept, message)
    runtime.wake_inbox()
    return {"ok": True, "duplicate": not stored}


def _check_timestamp(timestamp: str, *, skew: int) -> None:
    try:
        sent = int(timestamp)
    except ValueError:
        raise HTTPException(401, "缺少或无效的 X-Gridbot-Timestamp") from None
    if abs(time.time() - sent) > skew:  # wall clock on purpose: replay protection is real time
        raise HTTPException(401, "时间戳超出允许范围（防重放）")


def _parse(body: bytes) -> GenericIn:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise HTTPException(422, f"消息体不是合法的 UTF-8 JSON：{err}") from None
    if contains_nul(data):
        raise HTTPException(422, NUL_REASON)
    try:
        return GenericIn.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in err.errors()[:5])
        raise HTTPException(422, f"消息格式错误：{problems}") from None
