"""Read-only reporting queries for digests, reports and the dashboard.

Everything is counted by the database (grouped aggregates, indexed ranges, LIMITed lists),
so one community's digest and a street's yearly scorecard stay fast at 1M tickets
(bench/digest.py). Call with a session; nothing here writes.

- ``digest_data(session, community_id=, chat_id=, day=, since=, now=)`` — a daily digest
- ``scorecards(session, start=, end=, as_of=, department=None, community_id=None)``
- ``ticket_details(session, start=, end=, ...)`` — rows for the report's detail sheet
- ``SqlReporting(session_factory)`` — the same behind the ``ReportingReader`` port
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.reporting_ports import (
    DepartmentLoad,
    DigestData,
    ReportingReader,
    Scorecard,
    TicketBrief,
)
from models.reporting_sql import count_if
from models.scorecards import scorecards, scored_tickets
from models.tables import InboundRow, OutboxRow, TicketRow

__all__ = ["LIST_LIMIT", "SqlReporting", "digest_data", "scorecards", "ticket_details"]

LIST_LIMIT = 30  # list lines fetched per digest section; the digest says "等N件" beyond
OPEN_DEPT = ("dispatched", "claimed", "resolved", "disputed")


def digest_data(session: Session, *, community_id: str, chat_id: str, day: date,
                since: datetime, now: datetime, month_start: datetime) -> DigestData:
    """One community's digest: activity in [since, now), open work and month-to-date rates."""
    t = TicketRow
    mine = t.community_id == community_id
    reported, duplicates, triaged = _reported(session, mine, since, now)
    claimed, resolved, closed = (_count_between(session, mine, column, since, now)
                                 for column in (t.claimed_at, t.resolved_at, t.closed_at))
    overdue, overdue_total = _overdue(session, mine, now)
    end_of_day = _end_of_day(now, since)
    unmatched, unmatched_total = _unmatched(session, chat_id, since, now)
    return DigestData(
        community_id=community_id, day=day, since=since, now=now, reported=reported,
        dispatched=reported - duplicates - triaged, triaged=triaged, duplicates=duplicates,
        claimed=claimed, resolved=resolved, closed=closed,
        open_by_department=_loads(session, mine), overdue=overdue, overdue_total=overdue_total,
        due_today=_due_today(session, mine, now, end_of_day),
        disputes=_in_status(session, mine, "disputed", t.ruling_deadline),
        triage=_in_status(session, mine, "triage", t.claim_deadline),
        unmatched=unmatched, unmatched_total=unmatched_total,
        month=tuple(scorecards(session, start=month_start, end=now, as_of=now,
                               community_id=community_id)),
        undelivered=int(session.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.chat_id == chat_id, OutboxRow.status == "dead")) or 0),
    )


def _reported(session: Session, mine: ColumnElement[bool], since: datetime,
              now: datetime) -> tuple[int, int, int]:
    """Reports in [since, now): all, duplicates, and those with no list item (triage)."""
    t = TicketRow
    row = session.execute(select(
        func.count(), count_if(t.duplicate_of.is_not(None)),
        count_if(and_(t.item_code.is_(None), t.duplicate_of.is_(None))),
    ).where(mine, t.reported_at >= since, t.reported_at < now)).one()
    return int(row[0]), int(row[1]), int(row[2])


def _count_between(session: Session, mine: ColumnElement[bool], column: Any,
                   since: datetime, now: datetime) -> int:
    # one indexed range per milestone: an OR across four columns would scan the community
    return int(session.scalar(select(func.count()).select_from(TicketRow).where(
        mine, column >= since, column < now)) or 0)


def _end_of_day(now: datetime, since: datetime) -> datetime:
    """The next local midnight after ``now`` (``since`` carries the local zone)."""
    local = now.astimezone(since.tzinfo)
    return (local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1))


def _brief(row: Any, at: datetime | None, kind: str = "") -> TicketBrief:
    item = row.item_name or (row.source_text or "").strip()[:24]
    return TicketBrief(tag=row.tag or "", item=item, department=row.department,
                       status=row.status, at=at or row.reported_at, kind=kind)


def _loads(session: Session, mine: ColumnElement[bool]) -> tuple[DepartmentLoad, ...]:
    t = TicketRow
    rows = session.execute(select(t.department, t.status, func.count())
                           .where(mine, t.status.in_(OPEN_DEPT), t.department.is_not(None))
                           .group_by(t.department, t.status)).all()
    counts: dict[str, dict[str, int]] = {}
    for department, status, n in rows:
        counts.setdefault(str(department), {})[status] = int(n)
    return tuple(DepartmentLoad(department=d, **counts[d]) for d in sorted(counts))


def _overdue(session: Session, mine: ColumnElement[bool], now: datetime
             ) -> tuple[tuple[TicketBrief, ...], int]:
    t = TicketRow
    late_claim = and_(t.status == "dispatched", t.claim_deadline < now)
    late_handle = and_(t.status == "claimed", t.handle_deadline < now)
    missed = case((t.status == "dispatched", t.claim_deadline), else_=t.handle_deadline)
    where = and_(mine, or_(late_claim, late_handle))
    total = int(session.scalar(select(func.count()).select_from(t).where(where)) or 0)
    rows = session.execute(select(t, missed.label("missed")).where(where)
                           .order_by(missed, t.id).limit(LIST_LIMIT)).all()
    kinds = {"dispatched": "claim", "claimed": "handle"}
    return tuple(_brief(r[0], _aware(r[1]), kinds[r[0].status]) for r in rows), total


def _due_today(session: Session, mine: ColumnElement[bool], now: datetime,
               end: datetime) -> tuple[TicketBrief, ...]:
    t = TicketRow
    claim = and_(t.status == "dispatched", t.claim_deadline >= now, t.claim_deadline < end)
    handle = and_(t.status == "claimed", t.handle_deadline >= now, t.handle_deadline < end)
    due = case((t.status == "dispatched", t.claim_deadline), else_=t.handle_deadline)
    rows = session.execute(select(t, due).where(mine, or_(claim, handle))
                           .order_by(due, t.id).limit(LIST_LIMIT)).all()
    return tuple(_brief(r[0], _aware(r[1]), "claim" if r[0].status == "dispatched" else "handle")
                 for r in rows)


def _in_status(session: Session, mine: ColumnElement[bool], status: str,
               deadline: Any) -> tuple[TicketBrief, ...]:
    t = TicketRow
    rows = session.scalars(select(t).where(mine, t.status == status)
                           .order_by(t.reported_at, t.id).limit(LIST_LIMIT)).all()
    return tuple(_brief(r, getattr(r, deadline.key)) for r in rows)


def _unmatched(session: Session, chat_id: str, since: datetime, now: datetime
               ) -> tuple[tuple[str, ...], int]:
    """Reports the bot could not tie to any list item: candidates for revising the list."""
    i = InboundRow
    where = and_(i.chat_id == chat_id, i.sent_at >= since, i.sent_at < now,
                 i.decision == "triage", i.recalled.is_(False))
    total = int(session.scalar(select(func.count()).select_from(i).where(where)) or 0)
    texts = session.scalars(select(i.text).where(where).order_by(i.sent_at, i.id)
                            .limit(LIST_LIMIT)).all()
    return tuple(texts), total


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


DETAIL_COLUMNS = ("tag", "community_id", "department", "item_code", "item_name", "status",
                  "urgency", "reported_at", "claim_deadline", "claimed_at", "handle_deadline",
                  "resolved_at", "closed_at", "escalation_level", "reopen_count",
                  "dispute_count", "extension_count")


def ticket_details(session: Session, *, start: datetime, end: datetime,
                   department: str | None = None, community_id: str | None = None,
                   limit: int | None = None) -> Iterator[tuple[Any, ...]]:
    """The scored tickets of a period as rows of ``DETAIL_COLUMNS``, streamed."""
    t = TicketRow
    query = (select(*(getattr(t, c) for c in DETAIL_COLUMNS))
             .where(scored_tickets(start=start, end=end, department=department,
                                   community_id=community_id))
             .order_by(t.reported_at, t.id).execution_options(yield_per=2000))
    if limit is not None:
        query = query.limit(limit)
    for row in session.execute(query):
        yield tuple(row)


class SqlReporting:
    """``ReportingReader`` over a session factory: each call reads in its own session."""

    def __init__(self, session_factory: sessionmaker[Any], *, chats: Mapping[str, str],
                 tz: ZoneInfo) -> None:
        self._factory = session_factory
        self._chats = dict(chats)  # community id -> grid chat id
        self._tz = tz

    def digest_data(self, *, community_id: str, day: date, since: datetime,
                    now: datetime) -> DigestData:
        with self._factory() as session:
            return digest_data(session, community_id=community_id,
                               chat_id=self._chats.get(community_id, ""), day=day,
                               since=since, now=now,
                               month_start=datetime.combine(day.replace(day=1), time(0),
                                                            tzinfo=self._tz))

    def scorecards(self, *, start: datetime, end: datetime, as_of: datetime,
                   department: str | None = None,
                   community_id: str | None = None) -> Sequence[Scorecard]:
        with self._factory() as session:
            return scorecards(session, start=start, end=end, as_of=as_of,
                              department=department, community_id=community_id)


def _is_a_reporting_reader(reader: SqlReporting) -> ReportingReader:
    return reader  # mypy checks here that SqlReporting satisfies the port
