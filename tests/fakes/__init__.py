"""Fakes of outside systems for integration tests (real protocols, local processes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dispatcher.clock import VirtualClock
from tests.fakes.fake_wecom import FakeWeCom, FakeWeComServer


@pytest.fixture
def wecom_clock() -> VirtualClock:
    """The clock both the fake WeCom server and the code under test read."""
    return VirtualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


@pytest.fixture
def fake_wecom(wecom_clock: VirtualClock) -> Iterator[FakeWeCom]:
    with FakeWeComServer(FakeWeCom(clock=wecom_clock.now)) as fake:
        yield fake
