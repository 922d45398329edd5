"""Seed data for the dashboard tests: a two-day conversation in both communities replayed
through the whole bot on the virtual clock, then delivered by the real outbox worker with
the 东江 group robot refusing every message (so failures show on the dashboard)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from bot.app import create_app
from bot.channels.base import SendError
from bot.outbox import OutboxWorker
from bot.replay import read_replay, run_replay
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from dispatcher.messages import OutboundMessage
from models.base import make_session_factory

SEED = Path(__file__).resolve().parent / "data" / "replay" / "dashboard.jsonl"
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone(timedelta(hours=8)))
PASSWORD = "demo1234"  # the demo users' password in config.yaml (documented in README)
BROKEN_CHAT = "dongjiang-grid"
# Who sees which ticket of the seed (A0001 … A0006), by role.
VISIBLE = {
    "lanjiang": {"A0001", "A0002", "A0003", "A0004", "A0005", "A0006"},
    "xialing-head": {"A0001", "A0003", "A0005"},
    "dongjiang-head": {"A0002", "A0004", "A0006"},
    "zhifa": {"A0001", "A0003", "A0006"},
}
OVERDUE = {"A0002", "A0003", "A0004", "A0005", "A0006"}


class RefusingRobot:
    """Delivers everything except to the 东江 chat, whose robot key is rejected."""

    async def send(self, message: OutboundMessage, *, target: str) -> None:
        if target == BROKEN_CHAT:
            raise SendError(retryable=False, reason="robot key rejected (errcode 93000)")


def seed(settings: Settings, engine: Engine) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    run_replay(settings, read_replay(lines), engine=engine, until=NOW)
    worker = OutboxWorker(session_factory=make_session_factory(engine),
                          senders={"console": RefusingRobot()}, now=lambda: NOW)
    # In its own thread: the browser tests' driver already runs an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, worker.deliver_due(batch=1000)).result()


def dashboard_app(settings: Settings, engine: Engine) -> FastAPI:
    """The real app over the seeded database, its clock stopped at ``NOW``."""
    return create_app(settings, engine=engine, clock=VirtualClock(NOW), background="none")
