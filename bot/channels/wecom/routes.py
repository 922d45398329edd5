"""``GET/POST /channels/wecom-aibot/{bot}`` and ``/channels/wecom-app/{app}`` (contract §10).

WeCom retries a callback that is not answered within 5 s, so a POST does only the cheap,
local work before it answers: limited body read, freshness + signature, decrypt, translate,
one INSERT into the inbox. Classification and sending happen in the background workers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response

from bot.channels.bodies import read_limited
from bot.channels.wecom import texts
from bot.channels.wecom.aibot import Ignored
from bot.channels.wecom.callbacks import (
    aibot_inbound,
    app_inbound,
    verify_aibot_url,
    verify_app_url,
)
from bot.channels.wecom.crypto import WeComCryptoError, WeComStaleError, WeComUnauthenticated
from bot.channels.wecom.settings import WeComConfigError
from bot.openapi import error_responses
from bot.runtime import Runtime
from dispatcher.messages import InboundMessage

log = logging.getLogger(__name__)
router = APIRouter()
T = TypeVar("T")
# What WeCom expects as the acknowledgement: the AI bot an empty 200, the app "success".
AIBOT_ACK, APP_ACK = "", "success"


@router.get("/channels/wecom-aibot/{bot}", response_class=PlainTextResponse,
            responses=error_responses(400, 401, 404, 503))
async def verify_aibot(bot: str, request: Request) -> PlainTextResponse:
    runtime = _runtime(request)
    wecom = runtime.services.settings.wecom
    _known(bot in wecom.aibots, texts.UNKNOWN_AIBOT.format(name=bot))
    return PlainTextResponse(_guard(lambda: verify_aibot_url(wecom, bot, request.query_params)))


@router.get("/channels/wecom-app/{app}", response_class=PlainTextResponse,
            responses=error_responses(400, 401, 404, 503))
async def verify_app(app: str, request: Request) -> PlainTextResponse:
    runtime = _runtime(request)
    wecom = runtime.services.settings.wecom
    _known(app in wecom.apps, texts.UNKNOWN_APP.format(name=app))
    return PlainTextResponse(_guard(lambda: verify_app_url(wecom, app, request.query_params)))


@router.post("/channels/wecom-aibot/{bot}", response_class=PlainTextResponse,
             responses=error_responses(400, 401, 404, 413, 503))
async def receive_aibot(bot: str, request: Request) -> Response:
    runtime = _runtime(request)
    wecom = runtime.services.settings.wecom
    _known(bot in wecom.aibots, texts.UNKNOWN_AIBOT.format(name=bot))
    body = await read_limited(request, runtime.services.settings.max_body_bytes)
    result = _guard(lambda: aibot_inbound(wecom, bot, request.query_params, body))
    await _store(runtime, result)
    return PlainTextResponse(AIBOT_ACK)


@router.post("/channels/wecom-app/{app}", response_class=PlainTextResponse,
             responses=error_responses(400, 401, 404, 413, 503))
async def receive_app(app: str, request: Request) -> Response:
    runtime = _runtime(request)
    wecom = runtime.services.settings.wecom
    _known(app in wecom.apps, texts.UNKNOWN_APP.format(name=app))
    body = await read_limited(request, runtime.services.settings.max_body_bytes)
    result = _guard(lambda: app_inbound(wecom, app, request.query_params, body))
    await _store(runtime, result)
    return PlainTextResponse(APP_ACK)


def inbox_message(message: InboundMessage) -> InboundMessage:
    """The message as the inbox stores it.

    A recall event keeps the recalled message's msgid: the inbox itself stores recalls under a
    key of their own (see ``bot.inbox``), so every channel shares one rule. WeCom's content is
    authenticated, so a NUL in it is dropped rather than refused (PostgreSQL cannot store it).
    """
    values = {f.name: getattr(message, f.name) for f in fields(message)}
    clean: dict[str, Any] = {name: value.replace("\x00", "") for name, value in values.items()
             if isinstance(value, str) and "\x00" in value}
    return replace(message, **clean) if clean else message


async def _store(runtime: Runtime, result: InboundMessage | Ignored) -> None:
    if isinstance(result, Ignored):
        log.info("WeCom callback acknowledged and dropped: %s", result.reason)
        return
    stored = await asyncio.to_thread(runtime.services.inbox.accept, inbox_message(result))
    if stored:
        runtime.wake_inbox()


def _guard(step: Callable[[], T]) -> T:
    """Run a callback step; crypto/payload problems are the caller's fault (4xx)."""
    try:
        return step()
    except WeComStaleError:
        raise HTTPException(401, texts.STALE_CALLBACK) from None
    except WeComUnauthenticated as err:
        log.warning("unauthenticated WeCom callback: %s", err)
        raise HTTPException(401, texts.BAD_SIGNATURE) from None
    except WeComCryptoError as err:
        log.warning("rejected WeCom callback: %s", err)
        raise HTTPException(400, texts.BAD_CALLBACK) from None
    except WeComConfigError as err:  # e.g. the Token env var is unset: ours, not WeCom's
        raise HTTPException(503, str(err)) from None


def _known(configured: bool, message: str) -> None:
    if not configured:
        raise HTTPException(404, message)


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime
