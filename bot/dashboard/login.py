"""The login page, the login form, and logout."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.dashboard import texts
from bot.dashboard.auth import LoginThrottle, current_viewer, fingerprint, safe_next
from bot.dashboard.passwords import hash_password, verify_password
from bot.dashboard.views import render
from bot.settings import Settings

router = APIRouter(include_in_schema=False)
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password("gridbot-dummy-password")


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/") -> Response:
    if current_viewer(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", None, next=safe_next(next), error=None, username="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "",
                next: Annotated[str, Form()] = "/") -> Response:
    settings: Settings = request.app.state.dashboard_settings
    throttle: LoginThrottle = request.app.state.login_throttle
    username = username.strip()[:64]
    target = safe_next(next)
    wait = throttle.wait_seconds(username)
    if wait:
        return _failed(request, username, target, texts.LOCKED.format(seconds=wait), 429)
    user = settings.dashboard.user(username)
    ok = await asyncio.to_thread(verify_password, password,
                                 user.password_hash if user else _DUMMY_HASH)
    if user is None or not ok:
        throttle.failed(username)
        return _failed(request, username, target, texts.BAD_LOGIN, 401)
    throttle.succeeded(username)
    request.session.clear()
    request.session.update({"user": user.username, "pw": fingerprint(user)})
    return RedirectResponse(target, status_code=303)


def _failed(request: Request, username: str, target: str, error: str, code: int) -> Response:
    return render(request, "login.html", None, next=target, error=error, username=username,
                  status_code=code)


@router.post("/logout")
async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
