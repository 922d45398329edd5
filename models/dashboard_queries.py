"""Read-only queries behind the dashboard. Every query takes a ``Scope``: who is looking
decides which tickets exist for them, here in the query layer, not in the pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from models.tables import OutboxRow, TicketRow

DISPATCHED, CLAIMED = "dispatched", "claimed"
OPEN = ("triage", DISPATCHED, CLAIMED, "resolved", "disputed")


@dataclass(frozen=True)
class Scope:
    """What one viewer may see: a community, a department, or (both None) everything."""

    community: str | None = None
    department: str | None = None
    chats: tuple[str, ...] = ()  # the community's chats, for its undelivered messages

    @property
    def everything(self) -> bool:
        return self.community is None and self.department is None

    def clause(self) -> ColumnElement[bool]:
        conditions: list[ColumnElement[bool]] = []
        if self.community is not None:
            conditions.append(TicketRow.community_id == self.community)
        if self.department is not None:
            conditions.append(TicketRow.department == self.department)
        return and_(*conditions) if conditions else and_(True)


@dataclass(frozen=True, kw_only=True)
class TicketFilter:
    status: str | None = None
    department: str | None = None
    community: str | None = None
    item_code: str | None = None
    overdue: bool = False
    reported_from: datetime | None = None  # inclusive, aware
    reported_to: datetime | None = None  # exclusive, aware
    query: str | None = None  # a tag (A0012, #A0012) or words of the report


@dataclass(frozen=True)
class TicketPage:
    rows: Sequence[TicketRow]
    total: int


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Open and past a deadline whose milestone is not reached (claim, or handling)."""
    return or_(
        and_(TicketRow.status == DISPATCHED, TicketRow.claim_deadline < now),
        and_(TicketRow.status.in_((DISPATCHED, CLAIMED)), TicketRow.handle_deadline < now),
    )


def late_since(row: TicketRow, now: datetime) -> datetime | None:
    """The deadline an overdue ticket missed first; None when it is not overdue."""
    missed = []
    if row.status == DISPATCHED and row.claim_deadline and row.claim_deadline < now:
        missed.append(row.claim_deadline)
    if row.status in (DISPATCHED, CLAIMED) and row.handle_deadline and row.handle_deadline < now:
        missed.append(row.handle_deadline)
    return min(missed) if missed else None


def _filtered(stmt: Select[Any], scope: Scope, filters: TicketFilter,
              now: datetime) -> Select[Any]:
    stmt = stmt.where(scope.clause())
    equal = {TicketRow.status: filters.status, TicketRow.department: filters.department,
             TicketRow.community_id: filters.community, TicketRow.item_code: filters.item_code}
    for column, value in equal.items():
        if value:
            stmt = stmt.where(column == value)
    if filters.overdue:
        stmt = stmt.where(overdue_clause(now))
    if filters.reported_from is not None:
        stmt = stmt.where(TicketRow.reported_at >= filters.reported_from)
    if filters.reported_to is not None:
        stmt = stmt.where(TicketRow.reported_at < filters.reported_to)
    if filters.query and filters.query.strip():
        stmt = stmt.where(_search(filters.query.strip()))
    return stmt


def _search(query: str) -> ColumnElement[bool]:
    tag = query.lstrip("#").upper()
    if tag[:1] == "A" and tag[1:].isdigit():
        return TicketRow.tag == tag  # unique index
    words = [w for w in query.split() if w]
    return and_(*(or_(TicketRow.source_text.contains(w, autoescape=True),
                      TicketRow.item_name.contains(w, autoescape=True)) for w in words))


def list_tickets(session: Session, *, scope: Scope, filters: TicketFilter, now: datetime,
                 limit: int, offset: int) -> TicketPage:
    """One page of tickets, newest first, and how many match in all."""
    total = session.scalar(_filtered(select(func.count(TicketRow.id)), scope, filters, now)) or 0
    rows = session.scalars(_filtered(select(TicketRow), scope, filters, now)
                           .order_by(TicketRow.id.desc()).limit(limit).offset(offset)).all()
    return TicketPage(rows=rows, total=int(total))


def get_ticket(session: Session, *, scope: Scope, tag: str) -> TicketRow | None:
    """The ticket, or None when it does not exist *or the viewer may not see it*."""
    return session.scalar(select(TicketRow).where(TicketRow.tag == tag.lstrip("#").upper(),
                                                  scope.clause()))


def failing_outbox(session: Session, *, scope: Scope,
                   limit: int = 10) -> tuple[int, Sequence[OutboxRow]]:
    """Messages not delivered: dead, or pending after at least one failed attempt."""
    failing = or_(OutboxRow.status == "dead",
                  and_(OutboxRow.status == "pending", OutboxRow.attempts > 0))
    stmt = select(OutboxRow).where(OutboxRow.status.in_(("pending", "dead")), failing)
    if not scope.everything:
        mine = select(TicketRow.tag).where(scope.clause(), TicketRow.tag.is_not(None))
        visible: ColumnElement[bool] = OutboxRow.ticket.in_(mine)
        if scope.department is None and scope.chats:
            visible = or_(visible, OutboxRow.chat_id.in_(scope.chats))
        stmt = stmt.where(visible)
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(OutboxRow.id.desc()).limit(limit)).all()
    return int(count), rows
