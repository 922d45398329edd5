"""延期: a liaison asks for more time, the station head agrees or not (contract §7).

Every request and decision is an audit event. An approval moves the handling deadline by the
requested limit on the working calendar (counted from the current deadline) and restarts the
handling clock's reminder and escalation ladder.
"""

from __future__ import annotations

import re

from dispatcher import dispute_texts as dt
from dispatcher import roles, texts
from dispatcher.commands import Context
from dispatcher.grammar import Verb
from dispatcher.journal import record
from dispatcher.lists import TimeLimit, TimeUnit
from dispatcher.tickets import STATUS_NAMES, Status, Ticket

# What people type → the 处置时限 unit. A bare 天/日 is a calendar day; 工作日 is a working day.
_UNITS = {
    "紧急工作时": TimeUnit.URGENT_WORK_HOURS, "工作日": TimeUnit.WORK_DAYS,
    "工作小时": TimeUnit.WORK_HOURS, "工作时": TimeUnit.WORK_HOURS,
    "自然日": TimeUnit.NATURAL_DAYS, "小时": TimeUnit.HOURS, "天": TimeUnit.NATURAL_DAYS,
    "日": TimeUnit.NATURAL_DAYS, "分钟": TimeUnit.MINUTES,
}
_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10, "半": 0.5}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_DURATION_RE = re.compile(rf"(\d+(?:\.\d+)?|[一两二三四五六七八九十半])\s*个?\s*({_UNIT_RE})")


def parse_extension(text: str) -> tuple[TimeLimit, str] | None:
    """Read "2天 材料未到" / "3个工作日" / "4小时" into a limit and the reason (may be empty)."""
    match = _DURATION_RE.search(text or "")
    if match is None:
        return None
    number = match.group(1)
    amount = float(number) if number[0].isdigit() else float(_DIGITS[number])
    if amount <= 0:
        return None
    reason = (text[:match.start()] + " " + text[match.end():]).strip(" ，,。:：")
    return TimeLimit(amount, _UNITS[match.group(2)]), reason


def handle_extension_request(ctx: Context, ticket: Ticket) -> None:
    if not roles.is_liaison(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_LIAISON + "才能申请延期")
        return
    if ticket.status not in (Status.DISPATCHED, Status.CLAIMED):
        ctx.reply(f"{ticket.tag} 当前状态为「{STATUS_NAMES[ticket.status]}」，不能申请延期",
                  event="refused", ticket=ticket.tag)
        return
    if ticket.extension_request is not None:
        ctx.reply(dt.EXTENSION_PENDING.format(tag=ticket.tag, limit=ticket.extension_request),
                  event="refused", ticket=ticket.tag)
        return
    parsed = parse_extension(ctx.command.rest)
    if parsed is None:
        ctx.reply(dt.EXTENSION_FORMAT.format(tag=ticket.tag), event="refused", ticket=ticket.tag)
        return
    limit, reason = parsed
    ticket.extension_request, ticket.extension_reason = str(limit), reason or None
    ctx.uow.tickets.save(ticket)
    record(ctx.uow, ticket, "extension_request", now=ctx.now, source=ctx.message,
           limit=str(limit), reason=reason or None)
    heads = roles.station_heads(ctx, ticket)
    ctx.reply(dt.EXTENSION_REQUEST.format(
        tag=ticket.tag, department=roles.dept_name(ctx, ticket.department), limit=limit,
        reason=reason or dt.NO_REASON, deadline=texts.when(ticket.handle_deadline, ctx.desk.tz),
        mentions=texts.mention([ctx.desk.org.display_name(h) for h in heads])),
        event="extension_request", ticket=ticket.tag, mentions=tuple(heads))


def handle_extension_approve(ctx: Context, ticket: Ticket) -> None:
    _decide(ctx, ticket, approved=True)


def handle_extension_reject(ctx: Context, ticket: Ticket) -> None:
    _decide(ctx, ticket, approved=False)


def _decide(ctx: Context, ticket: Ticket, *, approved: bool) -> None:
    if not roles.is_station_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_HEAD + "才能审批延期")
        return
    requested = ticket.extension_request
    if requested is None or not ticket.is_open:
        ctx.reply(dt.EXTENSION_NONE.format(tag=ticket.tag), event="refused", ticket=ticket.tag)
        return
    before = ticket.handle_deadline
    if approved:
        ctx.desk.timers.extend(ticket, limit=TimeLimit.parse(requested), now=ctx.now)
        ticket.extension_count += 1
    ticket.extension_request = ticket.extension_reason = None
    ctx.uow.tickets.save(ticket)
    record(ctx.uow, ticket, "extension_decision", now=ctx.now, source=ctx.message,
           approved=approved, limit=requested,
           before=before.isoformat() if before else None,
           after=ticket.handle_deadline.isoformat() if ticket.handle_deadline else None)
    liaisons = list(ctx.desk.org.liaisons_of(ticket.department or ""))
    template = dt.EXTENSION_APPROVED if approved else dt.EXTENSION_REJECTED
    ctx.reply(template.format(
        tag=ticket.tag, limit=requested, deadline=texts.when(ticket.handle_deadline, ctx.desk.tz),
        mentions=texts.mention([ctx.desk.org.display_name(m) for m in liaisons])),
        event="extension_decision", ticket=ticket.tag, mentions=tuple(liaisons))


EXTENSION_HANDLERS = {Verb.EXTENSION_REQUEST: handle_extension_request,
                      Verb.EXTENSION_APPROVE: handle_extension_approve,
                      Verb.EXTENSION_REJECT: handle_extension_reject}
