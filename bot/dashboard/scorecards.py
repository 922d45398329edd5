"""Scorecards ("下考上") in the dashboard: ``/scorecards`` and ``/api/scorecards``.

The figures are the ones ``gridbot report`` exports (``models.reporting.scorecards`` and
``dispatcher.scorecard.score``), limited to what the viewer may see: a station head's
community, a department's own card, or the whole street.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from bot.dashboard import charts, texts
from bot.dashboard.auth import Viewer, api_viewer, page_viewer
from bot.dashboard.views import render
from bot.runtime import Runtime
from bot.services import Services
from dispatcher.reporting_ports import Scorecard
from dispatcher.scorecard import ScoreWeights, score
from models.reporting import scorecards

MAX_DAYS = 366 * 3  # a period longer than three years is a typo, not a question


class ScorecardOut(BaseModel):
    department: str
    department_name: str
    dispatched: int
    on_time_claim_rate: float | None = Field(description="按时认领率 0–1")
    median_claim_minutes: float | None
    on_time_close_rate: float | None = Field(description="按期办结率 0–1")
    close_rate: float | None
    median_handle_minutes: float | None
    reworks: int
    disputes_raised: int
    disputes_lost: int
    extensions: int
    escalations: list[int] = Field(description="升级到 1、2、3 级的工单数")
    score: float | None = Field(description="总分（无工单时为空）")


class ScorecardPageOut(BaseModel):
    date_from: date
    date_to: date
    cards: list[ScorecardOut]


class Period(BaseModel):
    start: date
    end: date  # inclusive


def _period(raw_from: str | None, raw_to: str | None, today: date) -> Period:
    """The asked period; this year to date by default. Raises ValueError with a Chinese text."""
    try:
        start = date.fromisoformat(raw_from) if raw_from else today.replace(month=1, day=1)
        end = date.fromisoformat(raw_to) if raw_to else today
    except ValueError:
        raise ValueError(texts.BAD_DATE) from None
    if end < start:
        raise ValueError(texts.BAD_PERIOD)
    if (end - start).days > MAX_DAYS:
        raise ValueError(texts.LONG_PERIOD)
    return Period(start=start, end=end)


def scorecard_page(services: Services, viewer: Viewer, period: Period) -> ScorecardPageOut:
    tz = services.settings.tz
    start = datetime.combine(period.start, time(0), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz)
    with services.session_factory() as session:
        cards = scorecards(session, start=start, end=end, as_of=services.clock.now(),
                           department=viewer.scope.department,
                           community_id=viewer.scope.community)
    weights = services.settings.scorecard.weights()
    label = services.lists.current.department_label
    return ScorecardPageOut(date_from=period.start, date_to=period.end,
                            cards=[_out(card, label(card.department), weights) for card in cards])


def _out(card: Scorecard, name: str, weights: ScoreWeights) -> ScorecardOut:
    result = score(card, weights)
    return ScorecardOut(
        department=card.department, department_name=name, dispatched=card.dispatched,
        on_time_claim_rate=card.on_time_claim_rate, median_claim_minutes=card.median_claim_minutes,
        on_time_close_rate=card.on_time_close_rate, close_rate=card.close_rate,
        median_handle_minutes=card.median_handle_minutes, reworks=card.reworks,
        disputes_raised=card.disputes_raised, disputes_lost=card.disputes_lost,
        extensions=card.extensions, escalations=list(card.escalations),
        score=result.total if result else None)


def _services(request: Request) -> Services:
    runtime: Runtime = request.app.state.runtime
    return runtime.services


def _today(services: Services) -> date:
    return services.clock.now().astimezone(services.settings.tz).date()


page_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["dashboard"],
                       responses={401: {"description": texts.LOGIN_REQUIRED}})


@page_router.get("/scorecards", response_class=HTMLResponse)
async def scorecards_page(request: Request, viewer: Annotated[Viewer, Depends(page_viewer)],
                          date_from: str = "", date_to: str = "") -> Response:
    services = _services(request)
    try:
        period = _period(date_from or None, date_to or None, _today(services))
    except ValueError as err:
        return render(request, "scorecards.html", viewer, result=None, error=str(err),
                      form={"date_from": date_from, "date_to": date_to}, status_code=422)
    result = await asyncio.to_thread(scorecard_page, services, viewer, period)
    rated = [c for c in result.cards if c.on_time_close_rate is not None]
    chart = charts.name_bars([(c.department_name, round(c.on_time_close_rate * 100))
                              for c in rated if c.on_time_close_rate is not None],
                             title="各部门按期办结率（%）", suffix="%")
    return render(request, "scorecards.html", viewer, result=result, error=None, chart=chart,
                  form={"date_from": period.start.isoformat(), "date_to": period.end.isoformat()})


@api_router.get("/scorecards", response_model=ScorecardPageOut, summary="部门考核记分卡（按权限范围）",
                responses={422: {"description": texts.BAD_PERIOD}})
async def scorecards_api(
    request: Request, viewer: Annotated[Viewer, Depends(api_viewer)],
    date_from: Annotated[str | None, Query(description="起始日期 YYYY-MM-DD（默认当年 1 月 1 日）")] = None,
    date_to: Annotated[str | None, Query(description="截止日期 YYYY-MM-DD（含，默认今天）")] = None,
) -> ScorecardPageOut:
    services = _services(request)
    try:
        period = _period(date_from, date_to, _today(services))
    except ValueError as err:
        raise HTTPException(422, str(err)) from None
    return await asyncio.to_thread(scorecard_page, services, viewer, period)
