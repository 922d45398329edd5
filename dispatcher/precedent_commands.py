"""先例 (list the rulings kept as precedents) and 撤销先例 N (station heads revoke one)."""

from __future__ import annotations

import re
from collections.abc import Callable

from dispatcher import dispute_texts as dt
from dispatcher import roles, texts
from dispatcher.commands import Context
from dispatcher.grammar import Verb
from dispatcher.precedents import Precedent, applicable

_NUMBER_RE = re.compile(r"\d+")


def _line(ctx: Context, precedent: Precedent) -> str:
    item = ctx.desk.responsibility_list().item(precedent.item_code)
    return dt.PRECEDENT_LINE.format(
        id=precedent.id, item=item.name if item else precedent.item_code,
        department=roles.dept_name(ctx, precedent.department),
        who=ctx.desk.org.display_name(precedent.created_by),
        when=texts.when(precedent.created_at, ctx.desk.tz), ticket=precedent.ticket_tag or "—")


def list_precedents(ctx: Context) -> None:
    community = ctx.desk.org.community_of_chat(ctx.message.chat_id)
    active = applicable(ctx.uow.precedents.active(), community.id if community else None)
    if not active:
        ctx.reply(dt.PRECEDENT_EMPTY, event="status")
        return
    ctx.reply(dt.PRECEDENT_LIST.format(lines="\n".join(_line(ctx, p) for p in active)),
              event="status")


def revoke_precedent(ctx: Context) -> None:
    sender = ctx.message.sender_id
    found = _NUMBER_RE.search(ctx.command.rest)
    precedent = ctx.uow.precedents.get(int(found.group())) if found else None
    if precedent is None or not precedent.active:
        ctx.reply(dt.PRECEDENT_UNKNOWN.format(ref=ctx.command.rest), event="refused")
        return
    community = ctx.desk.org.community(precedent.community_id or "")
    if not ctx.desk.org.is_station_head(sender, community):
        ctx.reply(dt.PRECEDENT_NOT_HEAD, event="refused")
        return
    assert precedent.id is not None
    ctx.uow.precedents.revoke(precedent.id, at=ctx.now, by=sender)
    item = ctx.desk.responsibility_list().item(precedent.item_code)
    ctx.reply(dt.PRECEDENT_REVOKED.format(
        id=precedent.id, item=item.name if item else precedent.item_code,
        department=roles.dept_name(ctx, precedent.department)), event="cancel")


GLOBAL_HANDLERS: dict[Verb, Callable[[Context], None]] = {
    Verb.PRECEDENT_LIST: list_precedents,
    Verb.PRECEDENT_REVOKE: revoke_precedent,
}
