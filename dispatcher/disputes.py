"""Disputes over ownership (退回), transfers (转派) and rulings (裁决) — contract §7.

Clock rule: a 退回 stops the disputing department's clocks and keeps a snapshot of them in the
``dispute`` audit event. When the case later goes back to that department (a ruling, or a
transfer back) the snapshot is restored: the original deadlines stand, so the time spent in the
dispute counted against it. Any other department gets fresh clocks from the moment it is given
the case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dispatcher import dispute_texts as dt
from dispatcher import roles, texts, tickets
from dispatcher.classification import ItemMatch
from dispatcher.commands import Context
from dispatcher.grammar import Verb
from dispatcher.journal import record
from dispatcher.precedents import Precedent, applicable, apply_precedents
from dispatcher.tickets import STATUS_NAMES, Status, Ticket

# A runner-up weaker than this is a guess, not a proposal: the station head rules instead
# (unless the liaison's reason names that department).
MIN_NEXT_SCORE = 0.15
_HELD_TIMES = ("claim_deadline", "handle_deadline", "claimed_at", "clock_started_at")
_HELD_VALUES = ("claimed_by", "stage_level", "item_code", "item_name", "limit_text",
                "urgency", "claim_reminded", "handle_reminded")


def held_clocks(ticket: Ticket) -> dict[str, Any]:
    """The department's clocks at the moment it disputes, as JSON-ready values."""
    held: dict[str, Any] = {name: getattr(ticket, name) for name in _HELD_VALUES}
    held["co_departments"] = list(ticket.co_departments)
    for name in _HELD_TIMES:
        moment = getattr(ticket, name)
        held[name] = moment.isoformat() if moment else None
    return held


def restore_clocks(ticket: Ticket, held: dict[str, Any]) -> None:
    """Give the case back with its original clocks (the dispute's time counted)."""
    for name in _HELD_VALUES:
        setattr(ticket, name, held.get(name))
    for name in _HELD_TIMES:
        value = held.get(name)
        setattr(ticket, name, datetime.fromisoformat(value) if value else None)
    ticket.co_departments = tuple(held.get("co_departments") or ())
    ticket.stage_level = int(ticket.stage_level or 0)
    ticket.claim_reminded = bool(ticket.claim_reminded)
    ticket.handle_reminded = bool(ticket.handle_reminded)
    ticket.status = Status.CLAIMED if ticket.claimed_at else Status.DISPATCHED
    ticket.ruling_deadline = None


def handle_dispute(ctx: Context, ticket: Ticket) -> None:
    if not roles.is_liaison(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_LIAISON + "才能退回")
        return
    if ticket.status not in (Status.DISPATCHED, Status.CLAIMED):
        ctx.reply(dt.NOT_DISPUTABLE.format(tag=ticket.tag, status=STATUS_NAMES[ticket.status]),
                  event="refused", ticket=ticket.tag)
        return
    if ticket.ruled_at is not None:
        roles.refuse(ctx, ticket, dt.RULING_FINAL)
        return
    department = ticket.department or ""
    reason = ctx.command.rest or dt.NO_REASON
    record(ctx.uow, ticket, "dispute", now=ctx.now, source=ctx.message, department=department,
           reason=reason, held=held_clocks(ticket))
    ticket.disputed_by = (*ticket.disputed_by, department)
    ticket.dispute_count += 1
    ticket.extension_request = ticket.extension_reason = None
    candidate = next_candidate(ctx, ticket, reason) if ticket.dispute_count == 1 else None
    if candidate is not None:
        _pass_to_candidate(ctx, ticket, candidate, from_dept=department, reason=reason)
    else:
        _ask_for_ruling(ctx, ticket, from_dept=department, reason=reason)
    ctx.uow.tickets.save(ticket)


def next_candidate(ctx: Context, ticket: Ticket, reason: str) -> ItemMatch | None:
    """The classifier's next-best item for the report, owned by a department not yet asked.

    Departments that already disputed, and those already holding another ticket of the same
    report, are skipped; a department the liaison's reason names is preferred. When a
    precedent routed the item away from the list's owner, that owner is a candidate too.
    """
    raw = ctx.desk.classifier().classify(ticket.source_text)
    routed = apply_precedents(raw, applicable(ctx.uow.precedents.active(), ticket.community_id))
    report_id = ticket.source_message_id.split("#", 1)[0]
    busy = {t.department for t in ctx.uow.tickets.from_message(report_id)
            if t.tag != ticket.tag and t.is_open}
    skip = {*ticket.disputed_by, ticket.department, *busy}
    named = roles.named_departments(ctx.desk.responsibility_list(), reason)
    # A precedent's department first, then the list's own owner of the same item.
    matches = [m for m in (*routed.candidates, *routed.items, *raw.candidates, *raw.items)
               if m.department not in skip and not m.duty
               and (m.score >= MIN_NEXT_SCORE or m.department in named)]
    matches.sort(key=lambda m: (m.department not in named, -m.score))
    return matches[0] if matches else None


def _pass_to_candidate(ctx: Context, ticket: Ticket, match: ItemMatch, *, from_dept: str,
                       reason: str) -> None:
    item = match.item
    tickets.assign(ticket, department=match.department)
    ticket.item_code, ticket.item_name = item.code, item.name
    ticket.co_departments, ticket.urgency = item.co_departments, item.urgency.value
    ticket.limit_text = str(item.default_limit)
    ctx.desk.timers.start(ticket, now=ctx.now, limit_text=ticket.limit_text)
    record(ctx.uow, ticket, "transfer", now=ctx.now, actor_id="gridbot", department=from_dept,
           to=match.department, item_code=item.code, by="dispute")
    liaisons, co_liaisons, co_line = audience(ctx, ticket)
    ctx.reply(dt.DISPUTE_TO_NEXT.format(
        tag=ticket.tag, from_dept=roles.dept_name(ctx, from_dept), reason=reason,
        department=roles.dept_name(ctx, ticket.department), item=item.name,
        mentions=_names(ctx, liaisons), co_line=co_line,
        claim_deadline=texts.when(ticket.claim_deadline, ctx.desk.tz),
        handle_deadline=texts.when(ticket.handle_deadline, ctx.desk.tz)),
        event="dispute", ticket=ticket.tag, mentions=(*liaisons, *co_liaisons))


def _ask_for_ruling(ctx: Context, ticket: Ticket, *, from_dept: str, reason: str) -> None:
    ticket.status = Status.DISPUTED
    ticket.stage_level = 0  # the ruling clock's own ladder; the held one is in the event
    ctx.desk.timers.hold_for_ruling(ticket, now=ctx.now)
    heads = roles.station_heads(ctx, ticket)
    ctx.reply(dt.DISPUTE_TO_HEAD.format(
        tag=ticket.tag, from_dept=roles.dept_name(ctx, from_dept), reason=reason,
        sides=_sides(ctx, ticket), mentions=_names(ctx, heads),
        deadline=texts.when(ticket.ruling_deadline, ctx.desk.tz)),
        event="dispute", ticket=ticket.tag, mentions=tuple(heads))


def _sides(ctx: Context, ticket: Ticket) -> str:
    """Both sides for the station head: what the list says, and every 退回 with its reason."""
    lines = []
    item = ctx.desk.responsibility_list().item(ticket.item_code or "")
    if item is not None:
        lines.append(dt.SIDE_LIST.format(item=item.name,
                                         department=roles.dept_name(ctx, item.department)))
    for event in ctx.uow.tickets.events(ticket.tag):
        if event.kind == "dispute":
            lines.append(dt.SIDE_DISPUTE.format(
                department=roles.dept_name(ctx, event.detail.get("department")),
                reason=event.detail.get("reason", dt.NO_REASON)))
    return "\n".join(lines)


def handle_transfer(ctx: Context, ticket: Ticket) -> None:
    _reassign(ctx, ticket, ruling=False)


def handle_ruling(ctx: Context, ticket: Ticket) -> None:
    _reassign(ctx, ticket, ruling=True)


def _reassign(ctx: Context, ticket: Ticket, *, ruling: bool) -> None:
    verb = "裁决" if ruling else "转派"
    if not roles.is_station_head(ctx, ticket):
        roles.refuse(ctx, ticket, texts.ROLE_HEAD + f"才能{verb}")
        return
    if ticket.status not in (Status.TRIAGE, Status.DISPATCHED, Status.CLAIMED, Status.DISPUTED):
        ctx.reply(f"{ticket.tag} 当前状态为「{STATUS_NAMES[ticket.status]}」，不能{verb}",
                  event="refused", ticket=ticket.tag)
        return
    dept = roles.find_department(ctx.desk.responsibility_list(), ctx.command.rest)
    if dept is None:
        ctx.reply(dt.UNKNOWN_DEPARTMENT.format(name=ctx.command.rest or "", verb=verb,
                                               tag=ticket.tag), event="refused", ticket=ticket.tag)
        return
    if dept.id == ticket.department and ticket.status in (Status.DISPATCHED, Status.CLAIMED):
        ctx.reply(dt.SAME_DEPARTMENT.format(tag=ticket.tag, department=dept.name, verb=verb),
                  event="refused", ticket=ticket.tag)
        return
    from_dept = ticket.department
    held = _last_held(ctx, ticket, dept.id)
    if held is not None:
        restore_clocks(ticket, held)
        ticket.department, ticket.resumed_at = dept.id, ctx.now
        ctx.desk.timers.rearm(ticket, now=ctx.now)
    else:
        _fresh_clocks(ctx, ticket, dept.id)
    precedent = _remember(ctx, ticket, dept.id) if ruling else None
    if ruling:
        ticket.ruled_at = ctx.now
    ctx.uow.tickets.save(ticket)
    record(ctx.uow, ticket, "ruling" if ruling else "transfer", now=ctx.now, source=ctx.message,
           department=from_dept, to=dept.id, given_back=held is not None,
           precedent=precedent.id if precedent else None)
    _announce(ctx, ticket, verb=verb, given_back=held is not None, precedent=precedent)


def _last_held(ctx: Context, ticket: Ticket, department: str) -> dict[str, Any] | None:
    held = [e.detail.get("held") for e in ctx.uow.tickets.events(ticket.tag)
            if e.kind == "dispute" and e.detail.get("department") == department]
    return held[-1] if held and isinstance(held[-1], dict) else None


def _fresh_clocks(ctx: Context, ticket: Ticket, department: str) -> None:
    tickets.assign(ticket, department=department)
    if ticket.item_code is None:  # a triaged report: adopt the department's best item, if any
        _adopt_item(ctx, ticket)
    ctx.desk.timers.start(ticket, now=ctx.now, limit_text=ticket.limit_text)


def _adopt_item(ctx: Context, ticket: Ticket) -> None:
    classification = ctx.desk.classifier().classify(ticket.source_text)
    match = next((m for m in (*classification.items, *classification.candidates)
                  if not m.duty and m.item.department == ticket.department), None)
    if match is not None:
        item = match.item
        ticket.item_code, ticket.item_name = item.code, item.name
        ticket.co_departments, ticket.urgency = item.co_departments, item.urgency.value
        ticket.limit_text = str(item.default_limit)


def _remember(ctx: Context, ticket: Ticket, department: str) -> Precedent | None:
    """A ruling becomes a precedent for the item the report was first dispatched as."""
    dispatched = [e.detail.get("item_code") for e in ctx.uow.tickets.events(ticket.tag)
                  if e.kind == "dispatch"]
    item_code = dispatched[0] if dispatched and dispatched[0] else ticket.item_code
    if not item_code:
        return None
    item = ctx.desk.responsibility_list().item(item_code)
    active = [p for p in ctx.uow.precedents.active() if p.item_code == item_code]
    if item is not None and item.department == department and not active:
        return None  # the ruling confirms the list: nothing to learn
    return ctx.uow.precedents.add(Precedent(
        item_code=item_code, department=department, created_by=ctx.message.sender_id,
        created_at=ctx.now, from_department=item.department if item else None,
        community_id=ticket.community_id, ticket_tag=ticket.tag))


def _announce(ctx: Context, ticket: Ticket, *, verb: str, given_back: bool,
              precedent: Precedent | None) -> None:
    liaisons, co_liaisons, co_line = audience(ctx, ticket)
    department = roles.dept_name(ctx, ticket.department)
    note = ""
    if precedent is not None:
        item = ctx.desk.responsibility_list().item(precedent.item_code)
        note = dt.PRECEDENT_NOTE.format(id=precedent.id, department=department,
                                        item=item.name if item else precedent.item_code)
    template = dt.GIVEN_BACK if given_back else dt.TRANSFERRED
    ctx.reply(template.format(
        tag=ticket.tag, verb=verb, department=department, precedent=note,
        mentions=_names(ctx, liaisons), co_line=co_line,
        claim_deadline=texts.when(ticket.claim_deadline, ctx.desk.tz),
        handle_deadline=texts.when(ticket.handle_deadline, ctx.desk.tz)),
        event="transfer", ticket=ticket.tag, mentions=(*liaisons, *co_liaisons))


def audience(ctx: Context, ticket: Ticket) -> tuple[list[str], list[str], str]:
    """The 主办 liaisons, the 协办 liaisons, and the 协办 line of a message (co-handling)."""
    org = ctx.desk.org
    liaisons = list(org.liaisons_of(ticket.department or ""))
    co_liaisons = [m for d in ticket.co_departments for m in org.liaisons_of(d)]
    co_line = ""
    if ticket.co_departments:
        names = "、".join(roles.dept_name(ctx, d) for d in ticket.co_departments)
        co_line = dt.CO_LINE.format(names=f"{names} {_names(ctx, co_liaisons)}".strip())
    return liaisons, co_liaisons, co_line


def _names(ctx: Context, members: list[str]) -> str:
    return texts.mention([ctx.desk.org.display_name(m) for m in members])


DISPUTE_HANDLERS = {Verb.DISPUTE: handle_dispute, Verb.TRANSFER: handle_transfer,
                    Verb.RULING: handle_ruling}
