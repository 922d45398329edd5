"""Login, logout and who is looking: signed session cookies, per-user login backoff, and
the ``Scope`` each role may see."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyCookie

from bot.dashboard import texts
from bot.dashboard.settings import DashboardRole, DashboardSettings, DashboardUser
from bot.settings import Settings
from models.dashboard_queries import Scope

log = logging.getLogger(__name__)
SESSION_COOKIE = "gridbot_session"
# Documents the cookie in the OpenAPI schema; the check itself reads the signed session.
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                             description="登录后浏览器持有的签名会话 cookie（POST /login 获取）")


def session_secret(settings: DashboardSettings) -> str:
    secret = os.environ.get(settings.session_secret_env, "")
    if secret:
        return secret
    log.warning("%s is not set: using a random per-process session secret "
                "(sessions end when the process restarts)", settings.session_secret_env)
    return secrets.token_urlsafe(32)


def fingerprint(user: DashboardUser) -> str:
    """Stored in the session so that changing a password ends the user's old sessions."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Viewer:
    user: DashboardUser
    scope: Scope

    @property
    def role_label(self) -> str:
        return texts.ROLE[self.user.role.value]


def scope_for(user: DashboardUser, settings: Settings) -> Scope:
    if user.role is DashboardRole.STATION_HEAD:
        community = next((c for c in settings.organisation.communities
                          if c.id == user.community), None)
        chats = (community.chat_id, f"@{community.station_head.id}") if community else ()
        return Scope(community=user.community, chats=chats)
    if user.role is DashboardRole.DEPARTMENT:
        return Scope(department=user.department)
    return Scope()


def current_viewer(request: Request) -> Viewer | None:
    settings: Settings = request.app.state.dashboard_settings
    username = request.session.get("user")
    user = settings.dashboard.user(username) if isinstance(username, str) else None
    if user is None or request.session.get("pw") != fingerprint(user):
        return None
    return Viewer(user=user, scope=scope_for(user, settings))


class LoginRequired(Exception):
    """A page asked for without a session: the handler redirects to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_viewer(request: Request) -> Viewer:
    viewer = current_viewer(request)
    if viewer is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return viewer


def api_viewer(request: Request, _cookie: str | None = Security(cookie_scheme)) -> Viewer:
    viewer = current_viewer(request)
    if viewer is None:
        raise HTTPException(401, texts.LOGIN_REQUIRED)
    return viewer


def safe_next(value: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


class LoginThrottle:
    """Consecutive failed logins per username; past the limit the account waits, doubling
    each further failure (capped at an hour). In memory: a restart forgets, which is fine
    for slowing down guessing, and the table is bounded."""

    def __init__(self, *, max_failures: int, lockout_seconds: float,
                 now: Callable[[], float] = time.monotonic, capacity: int = 10_000) -> None:
        self._max = max_failures
        self._base = lockout_seconds
        self._now = now
        self._capacity = capacity
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def wait_seconds(self, username: str) -> int:
        count, until = self._failures.get(username, (0, 0.0))
        return max(0, int(until - self._now() + 0.999)) if count >= self._max else 0

    def failed(self, username: str) -> None:
        count = self._failures.pop(username, (0, 0.0))[0] + 1
        extra = count - self._max
        until = self._now() + min(self._base * 2 ** extra, 3600.0) if extra >= 0 else 0.0
        self._failures[username] = (count, until)
        while len(self._failures) > self._capacity:
            self._failures.popitem(last=False)

    def succeeded(self, username: str) -> None:
        self._failures.pop(username, None)
