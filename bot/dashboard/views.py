"""Template rendering shared by the pages: one Jinja2 environment, local times, nav."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.dashboard import texts
from bot.dashboard.auth import Viewer
from bot.settings import Settings

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
NAV = (("/", "概览"), ("/tickets", "工单"), ("/scorecards", "考核"), ("/lists", "责任清单"),
       ("/classify", "试分类"))


def render(request: Request, name: str, viewer: Viewer | None, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    settings: Settings = request.app.state.dashboard_settings
    tz = settings.tz

    def local(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        return value.astimezone(tz).strftime(pattern) if value else "—"

    def page_url(page: int) -> str:
        query = dict(request.query_params)
        query["page"] = str(page)
        return f"{request.url.path}?{urlencode(query)}"

    base = {"viewer": viewer, "nav": NAV, "path": request.url.path, "t": texts, "local": local,
            "page_url": page_url, "street_name": settings.organisation.street.name}
    return templates.TemplateResponse(request, name, {**base, **context},
                                      status_code=status_code)
