"""Duplicate reports (contract §8) and the station head's 合并 / 取消合并.

A new report is a duplicate of an open ticket when it comes from the same chat within 72 hours
of that ticket's report, matches the same item, and names an overlapping place. It becomes a
ticket row of its own with status ``duplicate`` linked to the original, the reporter is told
the original's tag and state, and the department is not pinged again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dispatcher import dispute_texts as dt
from dispatcher import roles, texts
from dispatcher.commands import Context
from dispatcher.grammar import Verb, normalise
from dispatcher.journal import record, say
from dispatcher.messages import InboundMessage
from dispatcher.ports import UnitOfWork
from dispatcher.tickets import STATUS_NAMES, Status, Ticket

if TYPE_CHECKING:
    from dispatcher.desk import Desk

DUPLICATE_WINDOW = timedelta(hours=72)

_HAN = "\u4e00-\u9fff"
# Place words people write: roads and streets, estates and landmarks, buildings and doors.
_PLACE_PATTERNS = (
    rf"[{_HAN}]{{1,5}}?(?:大道|路|街|巷|弄|大桥|桥)(?:[东南西北中]段|口)?",
    rf"[{_HAN}A-Za-z0-9]{{1,6}}?(?:小区|花园|公寓|新村|家园|苑|广场|公园|菜市场|菜场|市场|超市"
    rf"|学校|小学|中学|幼儿园|医院|车站|站台)",
    r"\d+\s*(?:幢|栋|号楼|单元|号)",
)
_PLACE_RES = tuple(re.compile(p) for p in _PLACE_PATTERNS)
# Words that often stand before a place name but are not part of it: keep what follows them.
_NOISE = re.compile(r"今天|昨天|刚才|发现|我们|有人|这边|那边|[在到从往于的与和及跟]|靠近")
_MIN_SUFFIX_MATCH = 3  # "文山路" and "在文山路" overlap; "山路" alone is too vague


def extract_places(text: str) -> frozenset[str]:
    """The place words of a report: 文山路, 阳光小区, 3幢, 菜场 … (pure, no dictionary)."""
    body = normalise(text)
    places: set[str] = set()
    for pattern in _PLACE_RES:
        for found in pattern.findall(body):
            word = _NOISE.split(found.replace(" ", ""))[-1]
            if word:
                places.add(word)
    return frozenset(places)


def places_overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two reports name the same place when a place word is equal, or one ends the other."""
    for x in a:
        for y in b:
            short, long = sorted((x, y), key=len)
            if short == long or (len(short) >= _MIN_SUFFIX_MATCH and long.endswith(short)):
                return True
    return False


def find_original(*, uow: UnitOfWork, chat_id: str, item_code: str, text: str,
                  now: datetime) -> Ticket | None:
    """The open ticket this report repeats, if any (the most recent one)."""
    places = extract_places(text)
    if not places:
        return None
    for report in uow.tickets.recent_report_texts(chat_id, item_code,
                                                  since=now - DUPLICATE_WINDOW):
        if places_overlap(places, extract_places(report.text)):
            return uow.tickets.get(report.tag)
    return None


def link_duplicate(*, desk: Desk, uow: UnitOfWork, ticket: Ticket, original: Ticket,
                   message: InboundMessage, now: datetime) -> str:
    """Store the report as a duplicate of ``original`` and tell the reporter; no ping."""
    ticket.status, ticket.duplicate_of = Status.DUPLICATE, original.tag
    ticket.next_timer_at = None
    ticket = uow.tickets.add(ticket)
    record(uow, ticket, "duplicate", now=now, source=message, duplicate_of=original.tag,
           item_code=ticket.item_code)
    say(uow, chat_id=ticket.chat_id, now=now, event="duplicate", ticket=ticket.tag,
        mentions=(ticket.reporter_id,), text=dt.DUPLICATE.format(
            tag=ticket.tag, original=original.tag, item=original.item_name or "",
            state=_state(desk, original), mentions=texts.mention([ticket.reporter_name])))
    return ticket.tag


def _state(desk: Desk, ticket: Ticket) -> str:
    dept = desk.responsibility_list().departments.get(ticket.department or "")
    owner = f"{dept.name}" if dept else "待分派"
    return f"{STATUS_NAMES[ticket.status]}，{owner}"


def handle_merge(ctx: Context, ticket: Ticket) -> None:
    """合并 A0013 A0012: A0013 becomes a duplicate of A0012 (its clocks stop)."""
    if not roles.is_station_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_HEAD + "才能合并工单")
        return
    tags = ctx.command.tags
    original = ctx.uow.tickets.get(tags[1]) if len(tags) >= 2 else None
    if original is None or original.tag == ticket.tag:
        ctx.reply(dt.MERGE_USAGE, event="refused", ticket=ticket.tag)
        return
    for one in (ticket, original):
        if not one.is_open:
            ctx.reply(dt.MERGE_INVALID.format(tag=one.tag, status=STATUS_NAMES[one.status]),
                      event="refused", ticket=ticket.tag)
            return
    was = ticket.status
    ticket.status, ticket.duplicate_of, ticket.next_timer_at = Status.DUPLICATE, original.tag, None
    ctx.uow.tickets.save(ticket)
    record(ctx.uow, ticket, "merge", now=ctx.now, source=ctx.message, into=original.tag,
           was=was.value)
    ctx.reply(dt.MERGED.format(tag=ticket.tag, original=original.tag,
                               state=_state(ctx.desk, original)),
              event="merge", ticket=ticket.tag)


def handle_unmerge(ctx: Context, ticket: Ticket) -> None:
    """取消合并 A0013: the duplicate becomes its own ticket again, with fresh clocks."""
    if not roles.is_station_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_HEAD + "才能取消合并")
        return
    if ticket.status is not Status.DUPLICATE:
        ctx.reply(dt.NOT_MERGED.format(tag=ticket.tag), event="refused", ticket=ticket.tag)
        return
    original = ticket.duplicate_of
    ticket.status = Status.DISPATCHED if ticket.department else Status.TRIAGE
    ticket.duplicate_of = None
    ticket.claimed_at = ticket.claimed_by = None
    ticket.stage_level = 0
    ctx.desk.timers.start(ticket, now=ctx.now, limit_text=ticket.limit_text)
    ctx.uow.tickets.save(ticket)
    record(ctx.uow, ticket, "unmerge", now=ctx.now, source=ctx.message, was_duplicate_of=original)
    liaisons = list(ctx.desk.org.liaisons_of(ticket.department or ""))
    if not liaisons:
        liaisons = roles.station_heads(ctx, ticket)
    ctx.reply(dt.UNMERGED.format(
        tag=ticket.tag, original=original,
        mentions=texts.mention([ctx.desk.org.display_name(m) for m in liaisons]),
        claim_deadline=texts.when(ticket.claim_deadline, ctx.desk.tz),
        handle_deadline=texts.when(ticket.handle_deadline, ctx.desk.tz)),
        event="merge", ticket=ticket.tag, mentions=tuple(liaisons))


MERGE_HANDLERS = {Verb.MERGE: handle_merge, Verb.UNMERGE: handle_unmerge}
