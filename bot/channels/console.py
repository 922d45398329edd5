"""The web console: play any demo member in the demo chats and watch the bot answer.

Posting here goes through the same inbox and desk as every other channel.
"""

from __future__ import annotations

import asyncio
import uuid
from importlib import resources
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select

from bot.channels.bodies import NUL_REASON, contains_nul
from bot.openapi import error_responses
from bot.runtime import Runtime
from dispatcher.messages import ChatType, InboundMessage
from models.tables import InboundRow, OutboxRow

router = APIRouter()


class ConsolePost(BaseModel):
    chat_id: str = Field(min_length=1, max_length=128)
    sender_id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=4000)
    quote_text: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _no_nul(self) -> ConsolePost:
        if contains_nul([self.chat_id, self.sender_id, self.text, self.quote_text or ""]):
            raise ValueError(NUL_REASON)
        return self


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    if not runtime.services.settings.console_enabled:
        raise HTTPException(404, "网页控制台未启用")
    return runtime


@router.get("/console", response_class=HTMLResponse, responses=error_responses(404))
async def page(request: Request) -> str:
    _runtime(request)
    return resources.files("bot").joinpath("static/console.html").read_text(encoding="utf-8")


@router.get("/console/api/directory", responses=error_responses(404))
async def directory(request: Request) -> dict[str, Any]:
    org = _runtime(request).services.desk.org
    chats = []
    for chat_id, member_ids in org.chat_members.items():
        community = org.community_of_chat(chat_id)
        name = community.chat_name if community else _chat_title(org, chat_id)
        members = [{"id": m.id, "name": m.name, "role": m.role.value,
                    "department": m.department}
                   for m in (org.member(i) for i in member_ids) if m is not None]
        chats.append({"id": chat_id, "name": name, "members": members})
    return {"chats": chats}


def _chat_title(org: Any, chat_id: str) -> str:
    return {org.command_chat: f"{org.street_name}指挥中心群",
            org.city_chat: "市指挥中心群"}.get(chat_id, chat_id)


@router.post("/console/api/messages", responses=error_responses(404, 422))
async def post(body: ConsolePost, request: Request) -> dict[str, Any]:
    runtime = _runtime(request)
    services = runtime.services
    org = services.desk.org
    private = body.chat_id.startswith("@")
    if not private and body.sender_id not in org.chat_members.get(body.chat_id, ()):
        raise HTTPException(422, f"「{body.sender_id}」不在群「{body.chat_id}」中")
    member = org.member(body.sender_id)
    # The console group stands for a WeCom group in which the bot reads everything, so only
    # a private chat or an "@网格派单助手" addresses the bot (and expects an answer).
    addressed = private or f"@{services.settings.bot_name}" in body.text
    message = InboundMessage(
        channel="console", message_id=uuid.uuid4().hex, chat_id=body.chat_id,
        sender_id=body.sender_id, sender_name=member.name if member else body.sender_id,
        text=body.text, sent_at=services.clock.now(), quote_text=body.quote_text,
        chat_type=ChatType.PRIVATE if private else ChatType.GROUP, mentions_bot=addressed)
    await asyncio.to_thread(services.inbox.accept, message)
    runtime.wake_inbox()
    return {"ok": True, "message_id": message.message_id}


@router.get("/console/api/conversation", responses=error_responses(404, 422))
async def conversation(chat_id: str, request: Request) -> dict[str, Any]:
    services = _runtime(request).services
    if contains_nul(chat_id):
        raise HTTPException(422, NUL_REASON)
    return {"items": await asyncio.to_thread(_conversation, services, chat_id)}


def _conversation(services: Any, chat_id: str, limit: int = 300) -> list[dict[str, Any]]:
    with services.session_factory() as session:
        inbound = session.scalars(select(InboundRow).where(InboundRow.chat_id == chat_id)
                                  .order_by(InboundRow.id.desc()).limit(limit)).all()
        outbound = session.scalars(select(OutboxRow).where(OutboxRow.chat_id == chat_id)
                                   .order_by(OutboxRow.id.desc()).limit(limit)).all()
    items = [{"kind": "in", "at": r.received_at.isoformat(), "sender_id": r.sender_id,
              "sender": r.sender_name, "text": r.text, "state": r.status,
              "tickets": r.tickets, "order": (r.received_at, 0, r.id)} for r in inbound]
    items += [{"kind": "out", "at": r.created_at.isoformat(), "sender": services.settings.bot_name,
               "text": r.text, "ticket": r.ticket, "event": r.event, "mentions": r.mentions,
               "level": r.level, "state": r.status, "order": (r.created_at, 1, r.id)}
              for r in outbound]
    items.sort(key=lambda item: item.pop("order"))
    return items[-limit:]
