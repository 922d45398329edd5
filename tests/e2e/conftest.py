"""Fixtures shared by the end-to-end tests that run real ``gridbot serve`` processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.harness import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A stand-in bridge on loopback that records every message the service sends it."""
    bridge = Receiver().start_in_thread()
    yield bridge
    bridge.stop()
