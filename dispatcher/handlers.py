"""One handler per command verb: check who may, apply the transition, record, answer."""

from __future__ import annotations

from dispatcher import roles, texts, tickets
from dispatcher.commands import Context, Handler
from dispatcher.disputes import DISPUTE_HANDLERS
from dispatcher.duplicates import MERGE_HANDLERS
from dispatcher.extensions import EXTENSION_HANDLERS
from dispatcher.grammar import Verb
from dispatcher.journal import record
from dispatcher.tickets import STATUS_NAMES, Ticket, TransitionError


def _is_liaison(ctx: Context, ticket: Ticket) -> bool:
    return roles.is_liaison(ctx, ticket)


def _is_reporter_or_head(ctx: Context, ticket: Ticket) -> bool:
    return roles.is_reporter_or_head(ctx, ticket)



def _apply(ctx: Context, ticket: Ticket, change: Handler) -> bool:
    """Run a transition; a state that does not fit is answered, nothing changes."""
    try:
        change(ctx, ticket)
    except TransitionError as err:
        if ctx.command.explicit:
            ctx.reply(err.reason, event="refused", ticket=ticket.tag)
        return False
    ctx.desk.timers.rearm(ticket, now=ctx.now)
    ctx.uow.tickets.save(ticket)
    return True


def handle_claim(ctx: Context, ticket: Ticket) -> None:
    if not _is_liaison(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_LIAISON + "才能认领")
        return
    if not _apply(ctx, ticket, lambda c, t: tickets.claim(t, by=c.message.sender_id, at=c.now)):
        return
    record(ctx.uow, ticket, "claim", now=ctx.now, source=ctx.message)
    ctx.reply(texts.CLAIM_ACK.format(
        tag=ticket.tag, department=roles.dept_name(ctx, ticket.department),
        who=ctx.desk.org.display_name(ctx.message.sender_id),
        handle_deadline=texts.when(ticket.handle_deadline, ctx.desk.tz)),
        event="claim_ack", ticket=ticket.tag)


def handle_resolve(ctx: Context, ticket: Ticket) -> None:
    if not _is_liaison(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_LIAISON + "才能办结")
        return
    if not _apply(ctx, ticket, lambda c, t: tickets.resolve(t, by=c.message.sender_id, at=c.now)):
        return
    note = ctx.command.rest or "已处理"
    record(ctx.uow, ticket, "resolve", now=ctx.now, source=ctx.message, note=note)
    ctx.reply(texts.RESOLVE_ACK.format(
        tag=ticket.tag, department=roles.dept_name(ctx, ticket.department), note=note,
        mentions=texts.mention([ticket.reporter_name]),
        auto_close=texts.when(ticket.next_timer_at, ctx.desk.tz)),
        event="resolve_ack", ticket=ticket.tag, mentions=(ticket.reporter_id,))


def handle_confirm(ctx: Context, ticket: Ticket) -> None:
    if not _is_reporter_or_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_REPORTER + "才能确认结案")
        return
    if not _apply(ctx, ticket, lambda c, t: tickets.close(t, at=c.now)):
        return
    record(ctx.uow, ticket, "close", now=ctx.now, source=ctx.message)
    ctx.reply(texts.CLOSED.format(tag=ticket.tag, who=roles.dept_name(ctx, ticket.department)),
              event="closed", ticket=ticket.tag)


def handle_reopen(ctx: Context, ticket: Ticket) -> None:
    if not _is_reporter_or_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_REPORTER + "才能反馈没解决")
        return
    if not _apply(ctx, ticket, lambda c, t: tickets.reopen(t)):
        return
    reason = ctx.command.rest
    record(ctx.uow, ticket, "reopen", now=ctx.now, source=ctx.message, reason=reason or None)
    liaisons = ctx.desk.org.liaisons_of(ticket.department or "")
    ctx.reply(texts.REOPENED.format(
        tag=ticket.tag, reason=f"（{reason}）" if reason else "",
        department=roles.dept_name(ctx, ticket.department), count=ticket.reopen_count,
        mentions=texts.mention([ctx.desk.org.display_name(m) for m in liaisons]),
        handle_deadline=texts.when(ticket.handle_deadline, ctx.desk.tz)),
        event="reopened", ticket=ticket.tag, mentions=liaisons)


def handle_cancel(ctx: Context, ticket: Ticket) -> None:
    if not _is_reporter_or_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_REPORTER + "才能撤销")
        return
    if not _apply(ctx, ticket, lambda c, t: tickets.cancel(t, at=c.now)):
        return
    record(ctx.uow, ticket, "cancel", now=ctx.now, source=ctx.message)
    ctx.reply(texts.CANCELLED.format(tag=ticket.tag,
                                     who=ctx.desk.org.display_name(ctx.message.sender_id)),
              event="cancel", ticket=ticket.tag)


def handle_status(ctx: Context, ticket: Ticket) -> None:
    events = list(ctx.uow.tickets.events(ticket.tag))[-3:]
    history = "\n".join(f"· {texts.when(e.at, ctx.desk.tz)} {EVENT_NAMES.get(e.kind, e.kind)}"
                        f"（{ctx.desk.org.display_name(e.actor_id or '')}）" for e in events)
    ctx.reply(texts.STATUS.format(
        tag=ticket.tag, item=ticket.item_name or ticket.source_text[:30],
        status=STATUS_NAMES[ticket.status], department=roles.dept_name(ctx, ticket.department),
        claim=texts.when(ticket.claim_deadline, ctx.desk.tz),
        handle=texts.when(ticket.handle_deadline, ctx.desk.tz),
        history=_status_details(ctx, ticket) + history), event="status", ticket=ticket.tag)


def _status_details(ctx: Context, ticket: Ticket) -> str:
    """What else a station head asks about: owner, 协办, 延期, 裁决, 合并, 返工."""
    org, tz = ctx.desk.org, ctx.desk.tz
    details = [
        f"认领人：{org.display_name(ticket.claimed_by)}" if ticket.claimed_by else "",
        "协办：" + "、".join(roles.dept_name(ctx, d) for d in ticket.co_departments)
        if ticket.co_departments else "",
        f"待批延期：{ticket.extension_request}" if ticket.extension_request else "",
        f"裁决时限：{texts.when(ticket.ruling_deadline, tz)}"
        if ticket.status is tickets.Status.DISPUTED else "",
        f"已并入：{ticket.duplicate_of}" if ticket.duplicate_of else "",
        f"返工：{ticket.reopen_count} 次" if ticket.reopen_count else "",
    ]
    shown = "｜".join(d for d in details if d)
    return f"{shown}\n" if shown else ""


EVENT_NAMES = {
    "dispatch": "派单", "triage": "待分派", "claim": "认领", "resolve": "办结",
    "close": "结案", "auto_close": "自动结案", "reopen": "返工", "cancel": "撤销",
    "reminder": "提醒", "escalation": "升级", "dispute": "退回", "transfer": "转派",
    "ruling": "裁决", "extension_request": "申请延期", "extension_decision": "延期审批",
    "duplicate": "重复上报", "merge": "合并", "unmerge": "取消合并", "recalled": "上报撤回",
}

HANDLERS: dict[Verb, Handler] = {
    Verb.CLAIM: handle_claim,
    Verb.RESOLVE: handle_resolve,
    Verb.CONFIRM: handle_confirm,
    Verb.REOPEN: handle_reopen,
    Verb.CANCEL: handle_cancel,
    Verb.STATUS: handle_status,
    **DISPUTE_HANDLERS,
    **EXTENSION_HANDLERS,
    **MERGE_HANDLERS,
}
