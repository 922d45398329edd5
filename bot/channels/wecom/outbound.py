"""Which WeCom senders the running service has, and which chats they deliver to.

Outbox rows name a channel; the worker picks the sender by the part before ":".
``wecom-robot`` posts to a group's robot webhook (target = chat id), ``wecom-app`` sends a
private message through the self-built app (target = ``@userid``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from bot.channels.base import Sender
from bot.channels.wecom.ratelimit import RateLimiter
from bot.channels.wecom.senders import AppSender, RobotSender, make_http_client
from bot.channels.wecom.settings import WeComSettings
from dispatcher.clock import Clock

ROBOT_CHANNEL = "wecom-robot"
APP_CHANNEL = "wecom-app"


@dataclass
class WeComOutbound:
    """The senders built from ``wecom:`` and the HTTP client they share (closed at exit)."""

    senders: dict[str, Sender] = field(default_factory=dict)
    http: httpx.AsyncClient | None = None

    async def aclose(self) -> None:
        if self.http is not None:
            await self.http.aclose()


def build_wecom_outbound(settings: WeComSettings, *, clock: Clock,
                         environ: Mapping[str, str] = os.environ) -> WeComOutbound:
    """Robot and app senders for what is configured; nothing (no client) when nothing is.

    Raises ``WeComConfigError`` (naming the field and env var) when a secret is missing or
    malformed, so a misconfigured service refuses to start instead of failing every call.
    """
    # Checked before the client exists, so a missing secret leaves nothing to close.
    check_secrets(settings, environ=environ)
    if not settings.robots and not settings.apps:
        return WeComOutbound()
    http = make_http_client(settings)
    outbound = WeComOutbound(http=http)
    if settings.robots:
        # One budget per process: every robot key's 20/min is counted in one place.
        outbound.senders[ROBOT_CHANNEL] = RobotSender(
            http=http, settings=settings, limiter=RateLimiter(), clock=clock, environ=environ)
    if settings.apps:
        outbound.senders[APP_CHANNEL] = AppSender(
            http=http, settings=settings, app=private_app(settings), clock=clock,
            environ=environ)
    return outbound


def check_secrets(settings: WeComSettings, *, environ: Mapping[str, str]) -> None:
    """Every configured secret is set and well-formed (callback keys, app secrets, robot keys)."""
    for bot in settings.aibots:
        settings.aibot_crypto(bot, environ=environ)
    for app in settings.apps:
        settings.app_crypto(app, environ=environ)
        settings.app_secret(app, environ=environ)
    for chat in settings.robots:
        settings.robot_key(chat, environ=environ)


def private_app(settings: WeComSettings) -> str:
    """The app that sends private messages: the first one configured under ``wecom.apps``."""
    return next(iter(settings.apps))


def wecom_channel_for(settings: WeComSettings, chat_id: str) -> str | None:
    """The WeCom channel that reaches ``chat_id``, or None when WeCom cannot reach it."""
    if chat_id.startswith("@") and settings.apps:
        return APP_CHANNEL
    if chat_id in settings.robots:
        return ROBOT_CHANNEL
    return None

