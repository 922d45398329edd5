"""What the running app holds: the services and, when started, the background workers."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.services import Services
from bot.workers import Workers


@dataclass
class Runtime:
    services: Services
    workers: Workers | None = field(default=None)

    def wake_inbox(self) -> None:
        if self.workers is not None:
            self.workers.inbox_wake.set()
