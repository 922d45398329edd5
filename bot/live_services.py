"""The services of a running bot with their outbound clients, built one way for both
processes: the HTTP app's lifespan and ``gridbot work``. Building them in one place keeps the
two processes identical (same senders, same routing, same redaction), so moving the
background work into its own process changes where it runs, never what it does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import Engine

from bot import logredact
from bot.channels.base import Sender
from bot.channels.bridge_out import BridgeSender
from bot.channels.wecom.outbound import build_wecom_outbound
from bot.services import Services, build_services
from bot.settings import Settings
from dispatcher.clock import Clock, SystemClock


@asynccontextmanager
async def open_services(settings: Settings, *, clock: Clock | None = None,
                        engine: Engine | None = None,
                        senders: Mapping[str, Sender] | None = None) -> AsyncIterator[Services]:
    """Yield the services; on exit close the HTTP clients and dispose the engine when it was
    made here (a caller's engine stays the caller's to dispose).

    ``senders`` are added over the built-in ones (tests use it for fakes).
    """
    logredact.install(settings)  # before anything can log a secret or a phone number
    the_clock = clock or SystemClock()
    wecom = build_wecom_outbound(settings.wecom, clock=the_clock)
    bridge_http = httpx.AsyncClient(timeout=10)
    bridge = BridgeSender(http=bridge_http, sources=settings.generic,
                          route=settings.outbound.chats)
    try:
        services = build_services(settings, clock=the_clock, engine=engine,
                                  senders={"generic": bridge, **wecom.senders, **(senders or {})})
        try:
            yield services
        finally:
            if engine is None:
                services.engine.dispose()
    finally:
        await wecom.aclose()
        await bridge_http.aclose()
