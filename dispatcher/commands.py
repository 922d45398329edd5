"""Use cases for the group's commands (contract §7): find the ticket, check who may, act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dispatcher import texts
from dispatcher.grammar import Command, Verb
from dispatcher.journal import say
from dispatcher.messages import InboundMessage
from dispatcher.ports import UnitOfWork
from dispatcher.tickets import Status, Ticket

if TYPE_CHECKING:
    from dispatcher.desk import Desk


@dataclass(frozen=True, kw_only=True)
class Context:
    desk: Desk
    uow: UnitOfWork
    message: InboundMessage
    command: Command
    now: datetime

    def reply(self, text: str, *, event: str, ticket: str | None = None,
              mentions: tuple[str, ...] = ()) -> None:
        say(self.uow, chat_id=self.message.chat_id, text=text, now=self.now, event=event,
            mentions=mentions, ticket=ticket)


Handler = Callable[[Context, Ticket], None]

# Which tickets a bare command (no tag, no quote) may mean, per verb.
_CANDIDATE_STATUSES: dict[Verb, frozenset[Status]] = {
    Verb.CLAIM: frozenset({Status.DISPATCHED}),
    Verb.RESOLVE: frozenset({Status.DISPATCHED, Status.CLAIMED}),
    Verb.CONFIRM: frozenset({Status.RESOLVED}),
    Verb.REOPEN: frozenset({Status.RESOLVED}),
    Verb.DISPUTE: frozenset({Status.DISPATCHED, Status.CLAIMED}),
    Verb.EXTENSION_REQUEST: frozenset({Status.DISPATCHED, Status.CLAIMED}),
    Verb.EXTENSION_APPROVE: frozenset({Status.DISPATCHED, Status.CLAIMED}),
    Verb.EXTENSION_REJECT: frozenset({Status.DISPATCHED, Status.CLAIMED}),
    Verb.TRANSFER: frozenset({Status.TRIAGE, Status.DISPUTED}),
    Verb.RULING: frozenset({Status.DISPUTED}),
    Verb.CANCEL: frozenset({Status.TRIAGE, Status.DISPATCHED, Status.CLAIMED, Status.RESOLVED,
                            Status.DISPUTED}),
    Verb.STATUS: frozenset({Status.TRIAGE, Status.DISPATCHED, Status.CLAIMED, Status.RESOLVED,
                            Status.DISPUTED}),
}
# Verbs about a pending 延期 only fit tickets that have one.
_NEEDS_EXTENSION_REQUEST = frozenset({Verb.EXTENSION_APPROVE, Verb.EXTENSION_REJECT})
_VERB_WORDS: dict[Verb, str] = {
    Verb.CLAIM: "认领", Verb.RESOLVE: "已办结", Verb.CONFIRM: "确认", Verb.REOPEN: "没解决",
    Verb.DISPUTE: "退回", Verb.TRANSFER: "转派", Verb.RULING: "裁决",
    Verb.EXTENSION_REQUEST: "申请延期", Verb.EXTENSION_APPROVE: "同意延期",
    Verb.EXTENSION_REJECT: "不同意延期", Verb.STATUS: "进度", Verb.HELP: "帮助",
    Verb.CANCEL: "撤销", Verb.MERGE: "合并", Verb.UNMERGE: "取消合并",
    Verb.PRECEDENT_LIST: "先例", Verb.PRECEDENT_REVOKE: "撤销先例",
}


def verb_word(verb: Verb) -> str:
    return _VERB_WORDS[verb]


def run_command(*, desk: Desk, uow: UnitOfWork, message: InboundMessage, command: Command,
                now: datetime) -> tuple[str, ...]:
    """Resolve the ticket a command names and run its handler; returns the ticket tags touched."""
    from dispatcher.handlers import HANDLERS  # handlers import this module's Context
    from dispatcher.precedent_commands import GLOBAL_HANDLERS

    ctx = Context(desk=desk, uow=uow, message=message, command=command, now=now)
    if command.verb is Verb.HELP:
        ctx.reply(texts.HELP, event="help")
        return ()
    if command.verb in GLOBAL_HANDLERS:  # commands about no single ticket
        GLOBAL_HANDLERS[command.verb](ctx)
        return ()
    handler = HANDLERS.get(command.verb)
    if handler is None:
        ctx.reply(f"「{verb_word(command.verb)}」功能暂未开放。", event="refused")
        return ()
    ticket = resolve_target(ctx)
    if ticket is None:
        return ()
    handler(ctx, ticket)
    return (ticket.tag,)


def resolve_target(ctx: Context) -> Ticket | None:
    """Find the ticket by tag, by quoted bot message, or as the sender's only candidate."""
    tickets = ctx.uow.tickets
    tags = ctx.command.tags or _quoted_tags(ctx)
    if tags:
        ticket = tickets.get(tags[0])
        if ticket is None:
            ctx.reply(texts.UNKNOWN_TAG.format(tag=tags[0]), event="refused")
        return ticket
    candidates = [t for t in tickets.open_in_chat(ctx.message.chat_id)
                  if t.status in _CANDIDATE_STATUSES.get(ctx.command.verb, frozenset())
                  and (ctx.command.verb not in _NEEDS_EXTENSION_REQUEST
                       or t.extension_request is not None)
                  and _concerns_sender(ctx, t)]
    if len(candidates) == 1:
        return candidates[0]
    if not ctx.command.explicit:
        return None  # a soft phrase that fits no single ticket is just conversation
    word = verb_word(ctx.command.verb)
    if not candidates:
        ctx.reply(texts.NO_TICKET.format(verb=word), event="refused")
    else:
        tags_text = "、".join(t.tag for t in candidates)
        ctx.reply(texts.AMBIGUOUS.format(tags=tags_text, verb=word, first=candidates[0].tag),
                  event="refused")
    return None


def _quoted_tags(ctx: Context) -> tuple[str, ...]:
    from dispatcher.grammar import find_tags

    if ctx.message.quote_text:
        return find_tags(ctx.message.quote_text)
    if ctx.message.quote_message_id:
        ticket = ctx.uow.tickets.by_source_message(ctx.message.quote_message_id)
        return (ticket.tag,) if ticket else ()
    return ()


def _concerns_sender(ctx: Context, ticket: Ticket) -> bool:
    sender = ctx.message.sender_id
    department = ctx.desk.org.department_of(sender)
    if department is not None:
        return ticket.department == department
    community = ctx.desk.org.community(ticket.community_id or "")
    return ticket.reporter_id == sender or ctx.desk.org.is_station_head(sender, community)
