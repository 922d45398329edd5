"""``/api/…``: the dashboard's data as JSON, behind the same session login (401 without)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from bot.dashboard import data, texts
from bot.dashboard.auth import Viewer, api_viewer
from bot.dashboard.filters import parse_filters
from bot.dashboard.schemas import (
    ClassifyIn,
    ClassifyOut,
    ListsOut,
    MeOut,
    StatsOut,
    TicketDetailOut,
    TicketPageOut,
)
from bot.runtime import Runtime
from bot.services import Services

router = APIRouter(prefix="/api", tags=["dashboard"],
                   responses={401: {"description": texts.LOGIN_REQUIRED}})
ViewerDep = Annotated[Viewer, Depends(api_viewer)]


def _services(request: Request) -> Services:
    runtime: Runtime = request.app.state.runtime
    return runtime.services


@router.get("/me", response_model=MeOut, summary="当前登录用户")
async def me(viewer: ViewerDep) -> MeOut:
    user = viewer.user
    return MeOut(username=user.username, name=user.name, role=user.role.value,
                 community=user.community, department=user.department)


@router.get("/tickets", response_model=TicketPageOut, summary="工单列表（按权限范围）")
async def tickets(
    request: Request, viewer: ViewerDep,
    status: Annotated[str | None, Query(description="triage|dispatched|claimed|…")] = None,
    department: str | None = None, community: str | None = None,
    item: Annotated[str | None, Query(description="事项编码")] = None,
    overdue: bool = False,
    date_from: Annotated[str | None, Query(description="上报日期起 YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="上报日期止 YYYY-MM-DD（含）")] = None,
    q: Annotated[str | None, Query(description="工单号或上报内容关键词")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> TicketPageOut:
    services = _services(request)
    raw = {"status": status, "department": department, "community": community, "item": item,
           "overdue": "1" if overdue else "", "date_from": date_from, "date_to": date_to,
           "q": q, "page": str(page)}
    parsed = parse_filters({k: v for k, v in raw.items() if v}, tz=services.settings.tz)
    if parsed.errors:
        raise HTTPException(422, "；".join(parsed.errors))
    return await asyncio.to_thread(data.ticket_page, services, viewer, parsed.filters, parsed.page)


@router.get("/tickets/{tag}", response_model=TicketDetailOut, summary="工单详情与全程留痕",
            responses={404: {"description": texts.NOT_FOUND}})
async def ticket(tag: str, request: Request, viewer: ViewerDep) -> TicketDetailOut:
    detail = await asyncio.to_thread(data.ticket_detail, _services(request), viewer, tag)
    if detail is None:
        raise HTTPException(404, texts.NOT_FOUND)
    return detail


@router.get("/stats", response_model=StatsOut, summary="概览统计（按权限范围）")
async def stats(request: Request, viewer: ViewerDep) -> StatsOut:
    return await asyncio.to_thread(data.stats, _services(request), viewer)


@router.get("/lists", response_model=ListsOut, summary="责任清单")
async def lists(request: Request, _viewer: ViewerDep,
                q: Annotated[str, Query(description="名称、编码、别名或部门")] = "") -> ListsOut:
    return data.lists_out(_services(request).lists.current, q)


@router.post("/classify", response_model=ClassifyOut, summary="试分类一句话")
async def classify(body: ClassifyIn, request: Request, _viewer: ViewerDep) -> ClassifyOut:
    if not body.text.strip():
        raise HTTPException(422, texts.EMPTY_TEXT)
    return await asyncio.to_thread(data.classify, _services(request), body.text.strip())
