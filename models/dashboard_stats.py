"""Aggregates for the dashboard overview and the full timeline of one ticket (全程留痕).

Counts are computed in the database (GROUP BY on indexed, scoped columns), never by loading
tickets into Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models.dashboard_queries import OPEN, Scope, overdue_clause
from models.tables import InboundRow, OutboxRow, TicketEventRow, TicketRow


@dataclass(frozen=True)
class Overview:
    by_status: dict[str, int]
    open_total: int
    overdue: int
    by_day: list[tuple[date, int]]
    by_item: list[tuple[str, int]]
    by_department: list[tuple[str | None, int]]
    overdue_heat: dict[tuple[str | None, str | None], int]


def overview(session: Session, *, scope: Scope, now: datetime, tz: ZoneInfo,
             days: int = 30) -> Overview:
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    since = datetime(first_day.year, first_day.month, first_day.day, tzinfo=tz)
    window = (scope.clause(), TicketRow.reported_at >= since)
    by_status = _grouped(session, (TicketRow.status,), (scope.clause(),))
    overdue_rows = _grouped(session, (TicketRow.community_id, TicketRow.department),
                            (scope.clause(), overdue_clause(now)))
    per_day = {str(k[0]): n for k, n in
               _grouped(session, (_local_day(session, tz, now),), window).items()}
    by_day = [(d, per_day.get(d.isoformat(), 0))
              for d in (first_day + timedelta(days=i) for i in range(days))]
    items = _grouped(session, (TicketRow.item_name,), (*window, TicketRow.item_name.is_not(None)))
    departments = _grouped(session, (TicketRow.department,), window)
    return Overview(
        by_status={k[0]: n for k, n in by_status.items()},
        open_total=sum(n for k, n in by_status.items() if k[0] in OPEN),
        overdue=sum(overdue_rows.values()), by_day=by_day,
        by_item=_top(((k[0], n) for k, n in items.items()), 10),
        by_department=_top(((k[0], n) for k, n in departments.items()), 12),
        overdue_heat={(k[0], k[1]): n for k, n in overdue_rows.items()},
    )


def _grouped(session: Session, keys: tuple[Any, ...],
             where: Iterable[ColumnElement[bool]]) -> dict[tuple[Any, ...], int]:
    stmt = select(*keys, func.count(TicketRow.id)).where(*where).group_by(*keys)
    return {tuple(row[:-1]): int(row[-1]) for row in session.execute(stmt)}


def _top(pairs: Iterable[tuple[Any, int]], n: int) -> list[tuple[Any, int]]:
    return sorted(pairs, key=lambda p: (-p[1], str(p[0])))[:n]


def _local_day(session: Session, tz: ZoneInfo, now: datetime) -> ColumnElement[Any]:
    """The local calendar day of ``reported_at``, as YYYY-MM-DD, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(tz.key, TicketRow.reported_at), "YYYY-MM-DD")
    # SQLite stores naive UTC; the zone's current offset is exact for zones without DST
    offset = now.astimezone(tz).utcoffset() or timedelta()
    return func.strftime("%Y-%m-%d", TicketRow.reported_at,
                         f"{int(offset.total_seconds() // 60):+d} minutes")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # inbound | event | outbox
    actor: str | None
    text: str | None
    event: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    chat_id: str | None = None
    status: str | None = None  # delivery state of an outbox message
    order: tuple[int, int] = (0, 0)


def timeline(session: Session, ticket: TicketRow) -> list[TimelineEntry]:
    """The source message, every audit event (with the message that caused it) and every
    message the bot sent about the ticket, in time order."""
    tag = ticket.tag or ""
    events = session.scalars(select(TicketEventRow).where(TicketEventRow.ticket_tag == tag)
                             .order_by(TicketEventRow.id)).all()
    source_id = ticket.source_message_id.split("#", 1)[0]
    message_ids = {source_id} | {e.message_id for e in events if e.message_id}
    chats = {ticket.chat_id} | {f"@{e.actor_id}" for e in events if e.actor_id}
    inbound = session.scalars(select(InboundRow).where(
        InboundRow.chat_id.in_(sorted(chats)), InboundRow.message_id.in_(sorted(message_ids)))
        .order_by(InboundRow.id)).all()
    outbox = session.scalars(select(OutboxRow).where(OutboxRow.ticket == tag)
                             .order_by(OutboxRow.id)).all()
    entries = [TimelineEntry(at=r.sent_at, kind="inbound", actor=r.sender_name or r.sender_id,
                             text=r.text, chat_id=r.chat_id, order=(0, r.id)) for r in inbound]
    entries += [TimelineEntry(at=e.at, kind="event", actor=e.actor_id, text=None, event=e.kind,
                              detail=dict(e.detail or {}), order=(1, e.id)) for e in events]
    entries += [TimelineEntry(at=o.created_at, kind="outbox", actor=None, text=o.text,
                              event=o.event, chat_id=o.chat_id, status=o.status,
                              detail={"attempts": o.attempts, "error": o.last_error},
                              order=(2, o.id)) for o in outbox]
    if not inbound:  # the stored source is gone (pruned): keep what the ticket remembers
        entries.append(TimelineEntry(at=ticket.reported_at, kind="inbound",
                                     actor=ticket.reporter_name, text=ticket.source_text,
                                     chat_id=ticket.chat_id))
    return sorted(entries, key=lambda e: (e.at, e.order))
