"""What each page and API route shows, built once: run the scoped queries, turn rows into
the shapes in ``schemas``. Synchronous; the routes call it in a worker thread."""

from __future__ import annotations

from math import ceil

from bot.dashboard import texts
from bot.dashboard.auth import Viewer
from bot.dashboard.schemas import (
    CategoryOut,
    ClassifyOut,
    ConditionOut,
    DayCount,
    HeatCell,
    ItemMatchOut,
    ListItemOut,
    ListsOut,
    NameCount,
    OutboxFailureOut,
    StatsOut,
    TicketDetailOut,
    TicketOut,
    TicketPageOut,
    TimelineEntryOut,
)
from bot.services import Services
from dispatcher.classification import ItemMatch
from dispatcher.lists import Item, ResponsibilityList
from models.dashboard_queries import (
    TicketFilter,
    failing_outbox,
    get_ticket,
    late_since,
    list_tickets,
)
from models.dashboard_stats import TimelineEntry, overview, timeline
from models.tables import TicketRow

PER_PAGE = 20


def community_names(services: Services) -> dict[str, str]:
    return {c.id: c.name for c in services.settings.organisation.communities}


def ticket_out(row: TicketRow, services: Services) -> TicketOut:
    lst = services.lists.current
    now = services.clock.now()
    late = late_since(row, now)
    return TicketOut(
        tag=row.tag or "", status=row.status, status_label=texts.STATUS.get(row.status, row.status),
        community=row.community_id,
        community_name=community_names(services).get(row.community_id or ""),
        chat_id=row.chat_id, department=row.department,
        department_name=lst.department_label(row.department) if row.department else None,
        co_departments=list(row.co_departments or ()), item_code=row.item_code,
        item_name=row.item_name, urgency=row.urgency, limit_text=row.limit_text,
        reporter_name=row.reporter_name, source_text=row.source_text, reported_at=row.reported_at,
        claim_deadline=row.claim_deadline, claimed_at=row.claimed_at,
        handle_deadline=row.handle_deadline, resolved_at=row.resolved_at, closed_at=row.closed_at,
        escalation_level=row.escalation_level, reopen_count=row.reopen_count,
        dispute_count=row.dispute_count, duplicate_of=row.duplicate_of,
        overdue=late is not None, late_since=late)


def ticket_page(services: Services, viewer: Viewer, filters: TicketFilter,
                page: int) -> TicketPageOut:
    with services.session_factory() as session:
        result = list_tickets(session, scope=viewer.scope, filters=filters,
                              now=services.clock.now(), limit=PER_PAGE,
                              offset=(page - 1) * PER_PAGE)
        items = [ticket_out(row, services) for row in result.rows]
    return TicketPageOut(items=items, total=result.total, page=page, per_page=PER_PAGE,
                         pages=max(1, ceil(result.total / PER_PAGE)))


def ticket_detail(services: Services, viewer: Viewer, tag: str) -> TicketDetailOut | None:
    with services.session_factory() as session:
        row = get_ticket(session, scope=viewer.scope, tag=tag)
        if row is None:
            return None
        entries = timeline(session, row)
        ticket = ticket_out(row, services)
    return TicketDetailOut(ticket=ticket, timeline=[_entry(e, services) for e in entries])


def _entry(entry: TimelineEntry, services: Services) -> TimelineEntryOut:
    actor = entry.actor
    if entry.kind == "event" and actor:
        actor = "机器人" if actor == "gridbot" else services.desk.org.display_name(actor)
    return TimelineEntryOut(
        at=entry.at, kind=entry.kind, kind_label=texts.KIND[entry.kind], actor=actor,
        text=entry.text, event=entry.event,
        event_label=texts.EVENT.get(entry.event, entry.event) if entry.event else None,
        detail=entry.detail, chat_id=entry.chat_id, delivery=entry.status)


def stats(services: Services, viewer: Viewer) -> StatsOut:
    lst = services.lists.current
    with services.session_factory() as session:
        view = overview(session, scope=viewer.scope, now=services.clock.now(),
                        tz=services.settings.tz)
        failing_count, failing = failing_outbox(session, scope=viewer.scope)
        failures = [OutboxFailureOut(id=r.id, chat_id=r.chat_id, channel=r.channel, ticket=r.ticket,
                                     event=r.event, status=r.status, attempts=r.attempts,
                                     last_error=r.last_error, created_at=r.created_at)
                    for r in failing]
    return StatsOut(
        by_status=view.by_status, open_total=view.open_total, overdue=view.overdue,
        failing_outbox=failing_count, failing=failures,
        by_day=[DayCount(day=d, count=n) for d, n in view.by_day],
        by_item=[NameCount(key=name, name=name, count=n) for name, n in view.by_item],
        by_department=[NameCount(key=d, name=lst.department_label(d) if d else "未分派", count=n)
                       for d, n in view.by_department],
        overdue_heat=[HeatCell(community=c, department=d, count=n)
                      for (c, d), n in sorted(view.overdue_heat.items(), key=str)])


def lists_out(lst: ResponsibilityList, query: str = "") -> ListsOut:
    words = query.split()
    categories: dict[tuple[str, str], CategoryOut] = {}
    total = 0
    for item in lst.items:
        if words and not all(_item_matches(item, lst, w) for w in words):
            continue
        key = (item.list.value, item.category_code)
        if key not in categories:
            categories[key] = CategoryOut(list=item.list.value,
                                          list_label=texts.LIST_KIND[item.list.value],
                                          code=item.category_code, name=item.category, items=[])
        categories[key].items.append(_list_item(item, lst))
        total += 1
    return ListsOut(label=lst.label, total_items=total, categories=list(categories.values()))


def _item_matches(item: Item, lst: ResponsibilityList, word: str) -> bool:
    haystack = (item.code, item.name, item.category, item.department,
                lst.department_label(item.department), *item.aliases)
    return any(word.lower() in value.lower() for value in haystack)


def _list_item(item: Item, lst: ResponsibilityList) -> ListItemOut:
    return ListItemOut(
        code=item.code, name=item.name, department=item.department,
        department_name=lst.department_label(item.department),
        co_departments=[lst.department_label(d) for d in item.co_departments],
        urgency=texts.URGENCY.get(item.urgency.value, item.urgency.value),
        aliases=list(item.aliases),
        conditions=[ConditionOut(filing=c.filing, limit=str(c.limit), closing=c.closing)
                    for c in item.conditions])


def classify(services: Services, text: str) -> ClassifyOut:
    result = services.desk.classifier().classify(text)
    lst = services.lists.current

    def match(m: ItemMatch) -> ItemMatchOut:
        return ItemMatchOut(
            code=None if m.duty else m.item.code, list=None if m.duty else m.item.list.value,
            category=m.item.category, name=m.item.name,
            department=m.department, department_name=lst.department_label(m.department),
            co_departments=list(m.item.co_departments), urgency=m.item.urgency.value,
            score=round(m.score, 3), evidence=list(m.evidence))

    return ClassifyOut(
        text=text, intent=result.intent.value, intent_label=texts.INTENT[result.intent.value],
        decision=result.decision.value, decision_label=texts.DECISION[result.decision.value],
        items=[match(m) for m in result.items], candidates=[match(m) for m in result.candidates])
