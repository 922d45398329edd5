"""The FastAPI app factory; the lifespan builds services, workers and the scheduler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from bot import logredact
from bot.channels import console, generic
from bot.channels.base import Sender
from bot.channels.bridge_out import BridgeSender
from bot.channels.wecom import routes as wecom_routes
from bot.channels.wecom.outbound import build_wecom_outbound
from bot.dashboard.mount import mount_dashboard
from bot.openapi import document_errors, error_responses
from bot.runtime import Runtime
from bot.services import build_services
from bot.settings import Settings
from bot.workers import Workers
from dispatcher.clock import Clock, SystemClock

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None,
               senders: Mapping[str, Sender] | None = None, start_workers: bool = True) -> FastAPI:
    """Build the app; nothing is opened until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logredact.install(settings)  # before anything can log a secret or a phone number
        the_clock = clock or SystemClock()
        wecom = build_wecom_outbound(settings.wecom, clock=the_clock)
        bridge_http = httpx.AsyncClient(timeout=10)
        bridge = BridgeSender(http=bridge_http, sources=settings.generic,
                              route=settings.outbound.chats)
        try:
            services = build_services(settings, clock=the_clock, engine=engine,
                                      senders={"generic": bridge, **wecom.senders,
                                               **(senders or {})})
            runtime = Runtime(services=services)
            app.state.runtime = runtime
            if start_workers:
                runtime.workers = Workers(services)
                runtime.workers.start()
            try:
                yield
            finally:
                if runtime.workers is not None:
                    await runtime.workers.stop()
                if engine is None:
                    services.engine.dispose()
        finally:
            await wecom.aclose()
            await bridge_http.aclose()

    app = FastAPI(title="gridbot", version="0.1.0", lifespan=lifespan)
    app.include_router(generic.router)
    app.include_router(console.router)
    app.include_router(wecom_routes.router)
    app.add_exception_handler(DBAPIError, database_unavailable)
    app.add_api_route("/healthz", healthz, methods=["GET"], responses=error_responses(503))
    mount_dashboard(app, settings)
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    document_errors(app)
    return app


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database is out of reach: refuse with 503 so the sender retries; nothing was
    acknowledged, and the one-transaction rule means nothing was half-stored."""
    log.warning("database unavailable: %s", type(exc).__name__)
    return JSONResponse({"detail": "数据库暂时不可用，消息未保存，请稍后重试"}, status_code=503,
                        headers={"Retry-After": "5"})


async def healthz(request: Request) -> JSONResponse:
    """Liveness, database reachability and scheduler state."""
    runtime: Runtime = request.app.state.runtime
    database = await asyncio.to_thread(_database_ok, runtime.services.engine)
    workers = runtime.workers
    body: dict[str, Any] = {
        "status": "ok" if database else "degraded",
        "database": "ok" if database else "unreachable",
        "scheduler": "running" if workers and workers.running else "stopped",
        "responsibility_list": runtime.services.lists.current.label,
    }
    return JSONResponse(body, status_code=200 if database else 503)


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
