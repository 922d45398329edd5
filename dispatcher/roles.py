"""Who may say what (contract §7): role checks and the polite refusal every handler uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatcher import texts
from dispatcher.lists import Department, ResponsibilityList
from dispatcher.tickets import Ticket

if TYPE_CHECKING:
    from dispatcher.commands import Context


def refuse(ctx: Context, ticket: Ticket, why: str) -> None:
    """A short refusal naming the sender, the ticket and the action; nothing changes."""
    from dispatcher.commands import verb_word

    who = ctx.desk.org.display_name(ctx.message.sender_id)
    ctx.reply(texts.NOT_ALLOWED.format(who=who, tag=ticket.tag,
                                       action=verb_word(ctx.command.verb), why=why),
              event="refused", ticket=ticket.tag)


def is_liaison(ctx: Context, ticket: Ticket) -> bool:
    """The sender is a liaison of the ticket's 主办 department (协办 ones are not)."""
    department = ctx.desk.org.department_of(ctx.message.sender_id)
    return department is not None and department == ticket.department


def is_station_head(ctx: Context, ticket: Ticket) -> bool:
    community = ctx.desk.org.community(ticket.community_id or "")
    return community is not None and ctx.desk.org.is_station_head(ctx.message.sender_id,
                                                                   community)


def is_reporter_or_head(ctx: Context, ticket: Ticket) -> bool:
    return ctx.message.sender_id == ticket.reporter_id or is_station_head(ctx, ticket)


def dept_name(ctx: Context, department: str | None) -> str:
    return ctx.desk.responsibility_list().department_label(department)


def station_heads(ctx: Context, ticket: Ticket) -> list[str]:
    community = ctx.desk.org.community(ticket.community_id or "")
    return [community.station_head] if community else []


def find_department(lst: ResponsibilityList, text: str) -> Department | None:
    """A department named by id, full name or any short name: whole text, first word, or inside."""
    text = text.strip(" ，,。")
    if not text:
        return None
    exact = lst.department_named(text) or lst.department_named(text.split()[0])
    if exact is not None:
        return exact
    names = sorted(((name, dept) for dept in lst.departments.values()
                    for name in dept.all_names if len(name) >= 2),
                   key=lambda pair: -len(pair[0]))
    return next((dept for name, dept in names if name in text), None)


def named_departments(lst: ResponsibilityList, text: str) -> set[str]:
    """Every department a free text mentions ("不归我们管，应该是市监" → {shijian})."""
    return {dept.id for dept in lst.departments.values()
            if any(len(name) >= 2 and name in text for name in dept.all_names)}
