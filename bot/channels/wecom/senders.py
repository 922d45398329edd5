"""WeCom senders the outbox worker calls: group robot (webhook) and self-built app.

Every call checks WeCom's ``errcode``, not only the HTTP status, and turns every failure
into ``SendError(retryable=…)``. Reasons never contain the robot key or the access token.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.channels.base import Deferred, SendError
from bot.channels.wecom.payloads import (
    RATE_LIMITED_ERRCODES,
    TOKEN_ERRCODES,
    WeComApiError,
    app_payload,
    check_errcode,
    robot_payload,
)
from bot.channels.wecom.ratelimit import ROBOT_WINDOW, RateLimiter, coalesce
from bot.channels.wecom.settings import WeComConfigError, WeComSettings
from dispatcher.clock import Clock, SystemClock
from dispatcher.messages import OutboundMessage

# Refresh the access token this long before WeCom says it expires.
TOKEN_MARGIN = timedelta(minutes=5)


def make_http_client(settings: WeComSettings) -> httpx.AsyncClient:
    """The client senders share: WeCom base URL (configurable for the fake) and timeout."""
    return httpx.AsyncClient(base_url=settings.base_url, timeout=settings.timeout_seconds)


async def call_wecom(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    what: str,
    params: Mapping[str, str],
    json: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One WeCom API call → the JSON body with errcode 0, or SendError."""
    try:
        response = await http.request(method, path, params=dict(params), json=json)
    except httpx.TimeoutException as exc:
        raise SendError(retryable=True, reason=f"{what}: timeout") from exc
    except httpx.TransportError as exc:
        raise SendError(retryable=True, reason=f"{what}: {type(exc).__name__}") from exc
    if response.status_code != 200:
        retryable = response.status_code >= 500 or response.status_code == 429
        raise SendError(retryable=retryable, reason=f"{what}: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise SendError(retryable=True, reason=f"{what}: response is not JSON") from exc
    if not isinstance(body, dict):
        raise SendError(retryable=True, reason=f"{what}: response is not a JSON object")
    check_errcode(body, what=what)
    return body


class RobotSender:
    """Group robot: ``POST {base}/cgi-bin/webhook/send?key=KEY``; ``target`` is the chat id."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        settings: WeComSettings,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self._http = http
        self._settings = settings
        self._limiter = limiter or RateLimiter()
        self._clock = clock or SystemClock()
        self._environ = environ

    def next_allowed_at(self, target: str, now: datetime) -> datetime:
        """When the robot of chat ``target`` may send next (for the outbox scheduler)."""
        return self._limiter.next_allowed_at(self._key(target), now)

    def coalesce(self, messages: Sequence[OutboundMessage]) -> list[
        tuple[OutboundMessage, tuple[int, ...]]
    ]:
        """Join neighbouring due messages of one chat within the robot's byte limits."""
        return [(joined.message, joined.sources) for joined in coalesce(messages)]

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        key = self._key(target)
        now = self._clock.now()
        allowed_at = self._limiter.next_allowed_at(key, now)
        if allowed_at > now:
            # Our own 20/min budget: nothing reached WeCom, so no attempt is spent.
            raise Deferred(retry_at=allowed_at, reason="robot: rate budget used")
        self._limiter.record(key, now)
        payload = robot_payload(message, mobiles=self._settings.mobiles)
        try:
            await call_wecom(self._http, "POST", "/cgi-bin/webhook/send", what="robot",
                             params={"key": key}, json=payload)
        except WeComApiError as exc:
            if exc.errcode in RATE_LIMITED_ERRCODES:
                exc.retry_at = now + ROBOT_WINDOW
                self._limiter.hold(key, exc.retry_at)
            raise

    def _key(self, target: str) -> str:
        try:
            return self._settings.robot_key(target, environ=self._environ)
        except WeComConfigError as exc:
            raise SendError(retryable=False, reason=str(exc)) from exc


class AccessTokenCache:
    """``gettoken`` result of one app, cached until expiry minus a margin."""

    def __init__(
        self, *, http: httpx.AsyncClient, corp_id: str, secret: str, clock: Clock
    ) -> None:
        self._http = http
        self._params = {"corpid": corp_id, "corpsecret": secret}
        self._clock = clock
        self._token: str | None = None
        self._valid_until = clock.now()
        self._lock = asyncio.Lock()  # one gettoken at a time, not one per waiting send

    async def get(self) -> str:
        async with self._lock:
            if self._token is None or self._clock.now() >= self._valid_until:
                await self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (unless another task already replaced it)."""
        if self._token == token:
            self._token = None

    async def _fetch(self) -> None:
        body = await call_wecom(self._http, "GET", "/cgi-bin/gettoken", what="gettoken",
                                params=self._params)
        token, expires_in = body.get("access_token"), body.get("expires_in", 7200)
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise SendError(retryable=True, reason="gettoken: malformed response")
        self._token = token
        self._valid_until = self._clock.now() + timedelta(seconds=expires_in) - TOKEN_MARGIN


class AppSender:
    """Self-built app private message: ``message/send``; ``target`` is ``@userid``."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        settings: WeComSettings,
        app: str,
        clock: Clock | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self._http = http
        self._agent_id = settings.app(app).agent_id
        self._tokens = AccessTokenCache(
            http=http,
            corp_id=settings.corp_id,
            secret=settings.app_secret(app, environ=environ),
            clock=clock or SystemClock(),
        )

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        user = target.removeprefix("@")
        if not user:
            raise SendError(retryable=False, reason="app: empty target user")
        payload = app_payload(message, agent_id=self._agent_id, users=[user])
        try:
            await self._send_once(payload)
        except WeComApiError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            await self._send_once(payload)  # with a fresh token; a second failure is final

    async def _send_once(self, payload: Mapping[str, Any]) -> None:
        token = await self._tokens.get()
        try:
            body = await call_wecom(self._http, "POST", "/cgi-bin/message/send", what="app",
                                    params={"access_token": token}, json=payload)
        except WeComApiError as exc:
            if exc.errcode in TOKEN_ERRCODES:
                self._tokens.invalidate(token)
            raise
        if body.get("invaliduser"):
            raise SendError(retryable=False, reason="app: recipient is not a valid member")
