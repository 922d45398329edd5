"""Tickets and their state machine. Every transition is recorded as an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    TRIAGE = "triage"  # the bot would not guess: waiting for the station head
    DISPATCHED = "dispatched"
    CLAIMED = "claimed"
    RESOLVED = "resolved"  # 已办结, waiting for the reporter's confirmation
    CLOSED = "closed"
    CANCELLED = "cancelled"
    DUPLICATE = "duplicate"
    DISPUTED = "disputed"  # 退回 awaiting the station head's ruling; the department's clocks stop


OPEN_STATUSES = frozenset({Status.TRIAGE, Status.DISPATCHED, Status.CLAIMED, Status.RESOLVED,
                           Status.DISPUTED})


class TransitionError(Exception):
    """A command that does not fit the ticket's state; ``reason`` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Ticket:
    """A reported problem and everything its clocks need. ``tag`` is set when stored."""

    chat_id: str
    community_id: str | None
    status: Status
    reporter_id: str
    reporter_name: str
    source_message_id: str
    source_text: str
    reported_at: datetime
    item_code: str | None = None
    item_name: str | None = None
    department: str | None = None
    co_departments: tuple[str, ...] = ()
    urgency: str = "normal"
    limit_text: str | None = None
    claim_deadline: datetime | None = None
    handle_deadline: datetime | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None
    escalation_level: int = 0  # the highest level this ticket ever reached
    stage_level: int = 0  # levels fired on the clock that runs now (claim, handling, triage)
    reopen_count: int = 0
    duplicate_of: str | None = None
    claim_reminded: bool = False
    handle_reminded: bool = False
    next_timer_at: datetime | None = None
    dispute_count: int = 0
    # when the running claim/handling clocks started (dispatch, or a transfer's fresh clocks)
    clock_started_at: datetime | None = None
    disputed_by: tuple[str, ...] = ()  # departments that said 退回, in order
    ruling_deadline: datetime | None = None  # while DISPUTED: the station head's clock
    ruled_at: datetime | None = None  # a ruling is final: no further 退回
    resumed_at: datetime | None = None  # held clocks given back: what fell due fires now
    extension_request: str | None = None  # a pending 申请延期 (TimeLimit text)
    extension_reason: str | None = None
    extension_limit: str | None = None  # the last approved extension
    extended_at: datetime | None = None
    extension_count: int = 0
    tag: str = ""
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """One line of a ticket's audit trail: who did what, when, from which message."""

    ticket_tag: str
    kind: str
    at: datetime
    actor_id: str | None = None
    message_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _require(ticket: Ticket, allowed: set[Status], reason: str) -> None:
    if ticket.status not in allowed:
        raise TransitionError(reason)


def claim(ticket: Ticket, *, by: str, at: datetime) -> None:
    """Mark the ticket claimed by a liaison of its department."""
    _require(ticket, {Status.DISPATCHED},
             f"{ticket.tag} 当前状态为「{STATUS_NAMES[ticket.status]}」，无需认领")
    ticket.status = Status.CLAIMED
    ticket.claimed_at = at
    ticket.claimed_by = by
    ticket.stage_level = 0  # the handling clock takes over


def resolve(ticket: Ticket, *, by: str, at: datetime) -> None:
    """Record 办结: stops the handling clock; the reporter is asked to confirm."""
    _require(ticket, {Status.DISPATCHED, Status.CLAIMED},
             f"{ticket.tag} 当前状态为「{STATUS_NAMES[ticket.status]}」，不能办结")
    if ticket.claimed_at is None:  # 办结 without an explicit 认领 implies the claim
        ticket.claimed_at = at
        ticket.claimed_by = by
        ticket.stage_level = 0
    ticket.status = Status.RESOLVED
    ticket.resolved_at = at
    ticket.resolved_by = by


def close(ticket: Ticket, *, at: datetime) -> None:
    """Close a resolved ticket (confirmed by the reporter, or the window ran out)."""
    _require(ticket, {Status.RESOLVED}, f"{ticket.tag} 还没有办结，不能确认关闭")
    ticket.status = Status.CLOSED
    ticket.closed_at = at


def reopen(ticket: Ticket) -> None:
    """没解决: back to the department with the original deadline; counts as rework."""
    _require(ticket, {Status.RESOLVED}, f"{ticket.tag} 还没有办结，无需重新打开")
    ticket.status = Status.CLAIMED
    ticket.resolved_at = None
    ticket.resolved_by = None
    ticket.reopen_count += 1


def cancel(ticket: Ticket, *, at: datetime) -> None:
    """撤销: the reporter or station head withdraws the ticket."""
    if not ticket.is_open:
        raise TransitionError(f"{ticket.tag} 已{STATUS_NAMES[ticket.status]}，不能撤销")
    ticket.status = Status.CANCELLED
    ticket.cancelled_at = at


def assign(ticket: Ticket, *, department: str) -> None:
    """Give a ticket to a department (station head's decision, or a dispute's next candidate)."""
    _require(ticket, {Status.TRIAGE, Status.DISPATCHED, Status.CLAIMED, Status.DISPUTED},
             f"{ticket.tag} 当前状态为「{STATUS_NAMES[ticket.status]}」，不能转派")
    ticket.department = department
    ticket.status = Status.DISPATCHED
    ticket.claimed_at = None
    ticket.claimed_by = None
    ticket.stage_level = 0
    ticket.claim_reminded = False
    ticket.handle_reminded = False
    ticket.ruling_deadline = None


STATUS_NAMES: dict[Status, str] = {
    Status.TRIAGE: "待站长分派",
    Status.DISPATCHED: "待认领",
    Status.CLAIMED: "处置中",
    Status.RESOLVED: "已办结待确认",
    Status.CLOSED: "已结案",
    Status.CANCELLED: "已撤销",
    Status.DUPLICATE: "重复上报",
    Status.DISPUTED: "退回待站长裁决",
}
