"""The FastAPI app factory; the lifespan builds the services and starts the background work."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from bot.background import WorkerProcesses
from bot.channels import console, generic
from bot.channels.base import Sender
from bot.channels.wecom import routes as wecom_routes
from bot.dashboard.mount import mount_dashboard
from bot.live_services import open_services
from bot.metrics_dir import ENV, remove_metrics_dir
from bot.openapi import document_errors, error_responses
from bot.refusals import LogRefusals
from bot.runtime import Background, Runtime
from bot.services import Services
from bot.settings import Settings
from bot.workers import Workers
from dispatcher.clock import Clock

log = logging.getLogger(__name__)


BackgroundMode = Literal["thread", "process", "none"]


def create_app(settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None,
               senders: Mapping[str, Sender] | None = None,
               background: BackgroundMode = "thread",
               config_path: Path | None = None) -> FastAPI:
    """Build the app; nothing is opened until the lifespan starts.

    ``background`` says where inbox processing, delivery, the sweep and the digests run:
    ``thread`` in this process (in-process tests), ``process`` in a supervised
    ``gridbot work`` child reading ``config_path`` (``gridbot serve``), ``none`` nowhere.
    """
    if background == "process" and (config_path is None or clock is not None
                                     or senders is not None):
        # The child reads its settings from the file and builds its own clock and senders;
        # a test's virtual clock or fake sender could not follow it there.
        raise ValueError('background="process" needs config_path and takes no clock or senders')

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_services(settings, clock=clock, engine=engine,
                                 senders=senders) as services:
            runtime = Runtime(services=services,
                              background=_background(background, services, config_path))
            app.state.runtime = runtime
            if runtime.background is not None:
                runtime.background.start()
            try:
                yield
            finally:
                if runtime.background is not None:
                    await runtime.background.stop()
                remove_metrics_dir()  # gridbot serve's, now that no child writes to it

    app = FastAPI(title="gridbot", version="0.1.0", lifespan=lifespan)
    app.include_router(generic.router)
    app.include_router(console.router)
    app.include_router(wecom_routes.router)
    app.add_exception_handler(DBAPIError, database_unavailable)
    app.add_api_route("/healthz", healthz, methods=["GET"], responses=error_responses(503))
    mount_dashboard(app, settings)
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    app.add_middleware(LogRefusals)
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
    body: dict[str, Any] = {
        "status": "ok" if database else "degraded",
        "database": "ok" if database else "unreachable",
        "scheduler": "running" if runtime.background_running else "stopped",
        "responsibility_list": runtime.services.lists.current.label,
    }
    return JSONResponse(body, status_code=200 if database else 503)


def _background(mode: BackgroundMode, services: Services,
                config_path: Path | None) -> Background | None:
    if mode == "thread":
        return Workers(services)
    if mode == "process":
        assert config_path is not None  # checked in create_app
        return WorkerProcesses(config_path=config_path)
    return None


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def metrics() -> Response:
    if not os.environ.get(ENV):
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
    # every process's counters, from their files (bot/metrics_dir.py)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
