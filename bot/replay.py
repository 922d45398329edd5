"""Replay: run a recorded conversation through the whole bot on a virtual clock (contract §6).

Between messages the clock jumps straight to each due timer, so the output is exactly what
the live service would have said — and byte-identical on every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Engine, func, select

from bot.digests import send_due
from bot.services import Services, build_services
from bot.settings import Settings
from dispatcher import digest_schedule as schedule
from dispatcher.clock import VirtualClock
from dispatcher.messages import InboundMessage
from dispatcher.sweep import sweep_due
from dispatcher.tickets import OPEN_STATUSES
from models.migrate import upgrade
from models.repository import ticket_from_row
from models.tables import OutboxRow, TicketRow

DEFAULT_TAIL = timedelta(days=10)


class ReplayError(ValueError):
    """A replay file that cannot be read; the message names the line."""


class QuoteLine(BaseModel):
    text: str | None = None
    message_id: str | None = None


class ReplayLine(BaseModel):
    at: datetime
    chat_id: str = Field(min_length=1)
    sender_id: str = Field(min_length=1)
    text: str = ""
    sender_name: str = ""
    message_id: str | None = None
    quote: QuoteLine | None = None
    recalled: bool = False


@dataclass(frozen=True)
class ReplayInput:
    lines: tuple[ReplayLine, ...]


def read_replay(rows: Iterable[str]) -> ReplayInput:
    parsed: list[ReplayLine] = []
    for number, raw in enumerate(rows, start=1):
        if not raw.strip():
            continue
        try:
            line = ReplayLine.model_validate_json(raw)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "整行"
            raise ReplayError(f"第 {number} 行：{where}：{first['msg']}") from None
        if line.at.tzinfo is None:
            raise ReplayError(f"第 {number} 行：at 必须带时区，例如 2026-03-02T09:00:00+08:00")
        if parsed and line.at < parsed[-1].at:
            raise ReplayError(f"第 {number} 行：时间早于上一行，回放文件必须按时间排序")
        parsed.append(line)
    if not parsed:
        raise ReplayError("回放文件为空")
    return ReplayInput(lines=tuple(parsed))


def run_replay(settings: Settings, replay: ReplayInput, *, engine: Engine,
               until: datetime | None = None) -> list[dict[str, Any]]:
    """Replay into the database at ``engine`` (fresh schema) and return the output lines."""
    upgrade(engine)
    clock = VirtualClock(replay.lines[0].at)
    services = build_services(settings, clock=clock, engine=engine, today=replay.lines[0].at)
    digests = DigestCursor(after=replay.lines[0].at)
    for number, line in enumerate(replay.lines, start=1):
        advance(services, clock, line.at, digests=digests)
        services.inbox.accept(_message(line, number))
        services.inbox.process_pending()
    advance(services, clock, until or replay.lines[-1].at + DEFAULT_TAIL, digests=digests)
    return list(_output(services))


@dataclass
class DigestCursor:
    """The last digest moment a replay has passed: the service "started" with the first
    line, so digests fire at each working day's 08:30 after it — not a catch-up at start."""

    after: datetime


def advance(services: Services, clock: VirtualClock, target: datetime, *,
            digests: DigestCursor | None = None) -> None:
    """Move the clock to ``target``, stopping at every due timer and scheduled digest on the
    way, in time order; a timer due at 08:30 fires before that 08:30 digest reports."""
    while True:
        due = _next_due(services)
        digest_at = (schedule.next_moment(services.timers.calendar, digests.after,
                                          services.settings.tz) if digests else None)
        if due is not None and due <= target and (digest_at is None or due <= digest_at):
            clock.set(due)
            with services.unit_of_work() as uow:
                sweep_due(desk=services.desk, timers=services.timers, uow=uow, now=due)
                uow.commit()
        elif digests is not None and digest_at is not None and digest_at <= target:
            clock.set(digest_at)
            send_due(services, now=digest_at)
            digests.after = digest_at
        else:
            break
    clock.set(target)


def _next_due(services: Services) -> datetime | None:
    with services.session_factory() as session:
        due: datetime | None = session.scalar(select(func.min(TicketRow.next_timer_at)).where(
            TicketRow.status.in_([s.value for s in OPEN_STATUSES])))
        return due


def _message(line: ReplayLine, number: int) -> InboundMessage:
    return InboundMessage(
        channel="replay", message_id=line.message_id or f"line-{number}", chat_id=line.chat_id,
        sender_id=line.sender_id, sender_name=line.sender_name, text=line.text, sent_at=line.at,
        quote_text=line.quote.text if line.quote else None,
        quote_message_id=line.quote.message_id if line.quote else None, recalled=line.recalled)


def _output(services: Services) -> Iterator[dict[str, Any]]:
    tz = services.settings.tz
    with services.session_factory() as session:
        for row in session.scalars(select(OutboxRow).order_by(OutboxRow.id)):
            yield {"at": row.created_at.astimezone(tz).isoformat(), "kind": "message",
                   "chat_id": row.chat_id, "text": row.text, "mentions": list(row.mentions),
                   "ticket": row.ticket, "event": row.event, "level": row.level}
        for ticket_row in session.scalars(select(TicketRow).order_by(TicketRow.id)):
            yield ticket_line(ticket_row, tz)


def ticket_line(row: TicketRow, tz: Any) -> dict[str, Any]:
    ticket = ticket_from_row(row)

    def iso(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value else None

    return {
        "kind": "ticket", "id": ticket.tag, "status": ticket.status.value,
        "item_code": ticket.item_code, "item_name": ticket.item_name,
        "department": ticket.department, "co_departments": list(ticket.co_departments),
        "urgency": ticket.urgency, "reported_at": iso(ticket.reported_at),
        "claim_deadline": iso(ticket.claim_deadline), "claimed_at": iso(ticket.claimed_at),
        "handle_deadline": iso(ticket.handle_deadline), "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at), "escalation_level": ticket.escalation_level,
        "reopen_count": ticket.reopen_count, "duplicate_of": ticket.duplicate_of,
        "source_message_id": ticket.source_message_id,
    }


def dump_lines(lines: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n" for line in lines)
