"""Mount the dashboard on the app: session middleware, assets, pages, API, login redirect."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.settings import Settings

STATIC = Path(__file__).parent / "static"


# Paths no browser session belongs to: the channels' webhooks and the machine endpoints.
WITHOUT_SESSION = ("/channels/", "/healthz", "/metrics")


class DashboardSessions:
    """Starlette's ``SessionMiddleware``, except on ``WITHOUT_SESSION`` paths.

    A webhook never carries the dashboard's cookie; skipping the middleware there saves its
    cookie parsing and response wrapping on every inbound message (~5 % of the HTTP
    process's CPU under load)."""

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self._plain = app
        self._with_session = SessionMiddleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(WITHOUT_SESSION):
            await self._plain(scope, receive, send)
        else:
            await self._with_session(scope, receive, send)


def mount_dashboard(app: FastAPI, settings: Settings) -> None:
    from bot.dashboard import api, login, pages, scorecards
    from bot.dashboard.auth import SESSION_COOKIE, LoginRequired, LoginThrottle, session_secret

    config = settings.dashboard
    app.state.dashboard_settings = settings
    app.state.login_throttle = LoginThrottle(max_failures=config.max_failed_logins,
                                             lockout_seconds=config.lockout_seconds)
    # HttpOnly is always set by SessionMiddleware; SameSite=lax keeps other sites' forms
    # from posting with the cookie.
    app.add_middleware(DashboardSessions, secret_key=session_secret(config),
                       session_cookie=SESSION_COOKIE, max_age=config.session_max_age_seconds,
                       same_site="lax", https_only=False)
    app.mount("/assets", StaticFiles(directory=STATIC), name="dashboard-assets")
    app.include_router(login.router)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(scorecards.page_router)
    app.include_router(scorecards.api_router)

    async def to_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='')}", status_code=303)

    app.add_exception_handler(LoginRequired, to_login)
