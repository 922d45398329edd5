"""Log every request the service refuses (status 400 and up), and nothing else.

This replaces uvicorn's access log by default (``gridbot serve --access-log`` brings it back).
An accepted message is already on record in the database (``inbound_messages``), so a log line
per message told the operator nothing new. It cost about 9 % of the HTTP process under load,
and that process's time is the acknowledgement latency (docs/benchmarks.md). A refusal has no
other record, and a wrong secret or a clock that drifts shows up only here.

Only the path is logged, never the query string: WeCom's callbacks carry their signature
and nonce there.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

FIRST_REFUSED_STATUS = 400


class LogRefusals:
    """Pure ASGI (no per-request task or body copy, unlike ``BaseHTTPMiddleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_noting_refusal(message: Message) -> None:
            if message["type"] == "http.response.start" \
                    and message["status"] >= FIRST_REFUSED_STATUS:
                client = scope.get("client") or ("-", 0)
                log.warning("refused %s %s with %d (client %s)", scope["method"],
                            scope["path"], message["status"], client[0])
            await send(message)

        await self.app(scope, receive, send_noting_refusal)
