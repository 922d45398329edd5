"""What the running app holds: the services and, when started, the background work.

The background work runs either in this process (``Workers``, as in the in-process tests) or
in supervised child processes (``WorkerProcesses``, what ``gridbot serve`` does); the routes
only ever wake it and ``/healthz`` only asks whether it runs, so both hide behind one
protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.services import Services


class Background(Protocol):
    """Inbox processing, outbox delivery, the sweep and the digests, wherever they run."""

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    async def stop(self) -> None: ...

    def wake_inbox(self) -> None: ...

    def wake_outbox(self) -> None: ...


@dataclass
class Runtime:
    services: Services
    background: Background | None = field(default=None)

    def wake_inbox(self) -> None:
        """A message was stored: process it now rather than at the next poll."""
        if self.background is not None:
            self.background.wake_inbox()

    @property
    def background_running(self) -> bool:
        return self.background is not None and self.background.running
