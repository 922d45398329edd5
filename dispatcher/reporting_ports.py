"""Read-only reporting port: the figures digests, scorecards and the dashboard show.

The data shapes live here (plain frozen dataclasses) so the domain core can format them
without knowing how they were counted; ``models/reporting.py`` counts them in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TicketBrief:
    """One ticket as a list line: ``A0012 店外经营 zhifa``, and the moment that matters."""

    tag: str
    item: str  # item name, or the start of the report text for a triage ticket
    department: str | None
    status: str
    at: datetime  # the missed deadline (overdue), the coming deadline, or the report time
    kind: str = ""  # "claim" or "handle" for deadlines


@dataclass(frozen=True, slots=True)
class DepartmentLoad:
    """Open tickets of one department, by state."""

    department: str
    dispatched: int = 0
    claimed: int = 0
    resolved: int = 0
    disputed: int = 0

    @property
    def total(self) -> int:
        return self.dispatched + self.claimed + self.resolved + self.disputed


@dataclass(frozen=True, slots=True)
class Scorecard:
    """One department's figures for a period (times in minutes, wall clock)."""

    department: str
    dispatched: int = 0
    claim_decided: int = 0  # claimed, or claim deadline passed: the on-time claim denominator
    claimed_on_time: int = 0
    median_claim_minutes: float | None = None
    close_decided: int = 0  # resolved, or handling deadline passed
    closed_on_time: int = 0
    closed: int = 0
    median_handle_minutes: float | None = None
    reworks: int = 0
    disputes_raised: int = 0
    disputes_lost: int = 0
    extensions: int = 0
    escalations: tuple[int, int, int] = (0, 0, 0)  # tickets that reached level 1, 2, 3

    @property
    def on_time_claim_rate(self) -> float | None:
        return self.claimed_on_time / self.claim_decided if self.claim_decided else None

    @property
    def on_time_close_rate(self) -> float | None:
        return self.closed_on_time / self.close_decided if self.close_decided else None

    @property
    def close_rate(self) -> float | None:
        return self.closed / self.dispatched if self.dispatched else None


@dataclass(frozen=True)
class DigestData:
    """Everything one community's daily digest says, counted as of ``now``."""

    community_id: str
    day: date
    since: datetime  # start of the "yesterday" window (previous working day, 00:00)
    now: datetime
    reported: int = 0
    dispatched: int = 0
    triaged: int = 0
    duplicates: int = 0
    claimed: int = 0
    resolved: int = 0
    closed: int = 0
    open_by_department: tuple[DepartmentLoad, ...] = ()
    overdue: tuple[TicketBrief, ...] = ()  # oldest missed deadline first (at most a page)
    overdue_total: int = 0
    due_today: tuple[TicketBrief, ...] = ()
    disputes: tuple[TicketBrief, ...] = ()
    triage: tuple[TicketBrief, ...] = ()
    unmatched: tuple[str, ...] = ()  # texts the bot could not match to any item
    unmatched_total: int = 0
    month: tuple[Scorecard, ...] = field(default=())  # month to date, per department
    undelivered: int = 0

    @property
    def open_total(self) -> int:
        return sum(load.total for load in self.open_by_department) + len(self.triage)


class ReportingReader(Protocol):
    """What digests and reports read. Read-only: nothing here changes a ticket."""

    def digest_data(self, *, community_id: str, day: date, since: datetime,
                    now: datetime) -> DigestData: ...

    def scorecards(self, *, start: datetime, end: datetime, as_of: datetime,
                   department: str | None = None,
                   community_id: str | None = None) -> Sequence[Scorecard]: ...
