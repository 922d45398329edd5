"""The dashboard's pages (server-rendered, Chinese, phone-friendly). Every one needs a login;
what it shows is limited by the viewer's scope in the query layer."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.dashboard import charts, data, texts
from bot.dashboard.auth import Viewer, page_viewer
from bot.dashboard.filters import parse_filters
from bot.dashboard.schemas import StatsOut
from bot.dashboard.views import render
from bot.runtime import Runtime
from bot.services import Services

router = APIRouter(include_in_schema=False)
ViewerDep = Annotated[Viewer, Depends(page_viewer)]
HEAT_COLUMNS = 10


def _services(request: Request) -> Services:
    runtime: Runtime = request.app.state.runtime
    return runtime.services


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, viewer: ViewerDep) -> Response:
    services = _services(request)
    stats = await asyncio.to_thread(data.stats, services, viewer)
    return render(request, "overview.html", viewer, stats=stats,
                  day_chart=charts.day_bars([(d.day, d.count) for d in stats.by_day],
                                            title="近 30 天每日上报量"),
                  item_chart=charts.name_bars([(r.name, r.count) for r in stats.by_item],
                                              title="近 30 天上报最多的事项"),
                  dept_chart=charts.name_bars([(r.name, r.count) for r in stats.by_department],
                                              title="近 30 天各部门派单量"),
                  heat_chart=_heat(services, viewer, stats))


def _heat(services: Services, viewer: Viewer, stats: StatsOut) -> object:
    names = data.community_names(services)
    lst = services.lists.current
    communities = [(c, n) for c, n in names.items()
                   if viewer.scope.community in (None, c)]
    totals: dict[str, int] = {}
    for cell in stats.overdue_heat:
        totals[cell.department or ""] = totals.get(cell.department or "", 0) + cell.count
    departments = sorted(totals, key=lambda d: (-totals[d], d))[:HEAT_COLUMNS]
    if viewer.scope.department:
        departments = [viewer.scope.department]
    columns = [(d, lst.department_label(d) if d else "未分派") for d in departments]
    values = {(c.community or "", c.department or ""): c.count for c in stats.overdue_heat}
    return charts.heat_grid(communities, columns, values, title="超时工单：社区 × 部门")


@router.get("/tickets", response_class=HTMLResponse)
async def tickets(request: Request, viewer: ViewerDep) -> Response:
    services = _services(request)
    parsed = parse_filters(request.query_params, tz=services.settings.tz)
    result = await asyncio.to_thread(data.ticket_page, services, viewer, parsed.filters,
                                     parsed.page)
    lst = services.lists.current
    departments = sorted(lst.departments.values(), key=lambda d: d.id)
    if viewer.scope.department:
        departments = [d for d in departments if d.id == viewer.scope.department]
    communities = [(c, n) for c, n in data.community_names(services).items()
                   if viewer.scope.community in (None, c)]
    return render(request, "tickets.html", viewer, result=result, form=parsed.values,
                  errors=parsed.errors, departments=departments, communities=communities,
                  items=lst.items)


@router.get("/tickets/{tag}", response_class=HTMLResponse)
async def ticket(tag: str, request: Request, viewer: ViewerDep) -> Response:
    detail = await asyncio.to_thread(data.ticket_detail, _services(request), viewer, tag)
    if detail is None:
        return render(request, "not_found.html", viewer, message=texts.NOT_FOUND,
                      status_code=404)
    return render(request, "ticket.html", viewer, detail=detail, ticket=detail.ticket)


@router.get("/lists", response_class=HTMLResponse)
async def lists(request: Request, viewer: ViewerDep, q: str = "") -> Response:
    result = data.lists_out(_services(request).lists.current, q.strip()[:50])
    return render(request, "lists.html", viewer, lists=result, q=q.strip()[:50])


@router.get("/classify", response_class=HTMLResponse)
async def classify_page(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "classify.html", viewer, text="", result=None, error=None)


@router.post("/classify", response_class=HTMLResponse)
async def classify(request: Request, viewer: ViewerDep,
                   text: Annotated[str, Form()] = "") -> Response:
    text = text.strip()[:4000]
    if not text:
        return render(request, "classify.html", viewer, text="", result=None,
                      error=texts.EMPTY_TEXT, status_code=422)
    result = await asyncio.to_thread(data.classify, _services(request), text)
    return render(request, "classify.html", viewer, text=text, result=result, error=None)
