"""Clocks: the only place the core may learn the current time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, always timezone-aware (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """A settable clock for replay and tests; never moves on its own."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")
        self._now = max(self._now, moment)

    def advance(self, delta: timedelta) -> None:
        self._now += delta
