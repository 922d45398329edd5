"""Outbound to a generic bridge: POST each outbox message to the bridge's callback URL,
signed like inbound messages, so the bridge can trust it came from gridbot."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping

import httpx

from bot.channels.base import SendError
from bot.channels.signing import sign
from bot.settings import GenericSourceSettings
from dispatcher.messages import OutboundMessage


class BridgeSender:
    """Channel ``generic:<source>``: the outbox routes a chat here by its channel name."""

    def __init__(self, *, http: httpx.AsyncClient, sources: Mapping[str, GenericSourceSettings],
                 route: Mapping[str, str]) -> None:
        self._http = http
        self._sources = sources
        self._route = route  # chat id -> channel, e.g. "generic:bridge"

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        source = self._route.get(target, "").partition(":")[2]
        config = self._sources.get(source)
        if config is None or not config.callback_url:
            raise SendError(retryable=False, reason=f"来源「{source}」未配置 callback_url")
        secret = os.environ.get(config.secret_env, "")
        if not secret:
            raise SendError(retryable=False, reason=f"环境变量 {config.secret_env} 未设置")
        body = json.dumps({"chat_id": target, "text": message.text,
                           "mentions": list(message.mentions), "ticket": message.ticket,
                           "event": message.event, "level": message.level,
                           "markdown": message.markdown}, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Gridbot-Timestamp": stamp,
                   "X-Gridbot-Signature": sign(secret, stamp, body)}
        if "delivery_id" in message.extra:  # the same on every retry: the bridge can dedupe
            headers["X-Gridbot-Delivery"] = message.extra["delivery_id"]
        try:
            response = await self._http.post(config.callback_url, content=body, headers=headers)
        except httpx.HTTPError as err:
            raise SendError(retryable=True, reason=f"bridge unreachable: {err!r}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise SendError(retryable=True, reason=f"bridge answered {response.status_code}")
        if response.status_code >= 400:
            raise SendError(retryable=False, reason=f"bridge refused: {response.status_code}")
