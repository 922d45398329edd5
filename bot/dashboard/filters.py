"""Ticket-list filters from query parameters, shared by /tickets and /api/tickets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dashboard import texts
from models.dashboard_queries import TicketFilter

FIELDS = ("status", "department", "community", "item", "overdue", "date_from", "date_to", "q")


@dataclass(frozen=True)
class ParsedFilters:
    filters: TicketFilter
    page: int
    values: dict[str, str]  # what the form shows back
    errors: list[str] = field(default_factory=list)


def parse_filters(params: Mapping[str, str], *, tz: ZoneInfo) -> ParsedFilters:
    values = {name: (params.get(name) or "").strip() for name in FIELDS}
    errors: list[str] = []
    if values["status"] and values["status"] not in texts.STATUS:
        errors.append(texts.BAD_FILTER.format(field="状态"))
        values["status"] = ""
    start = _day(values, "date_from", tz, errors)
    end = _day(values, "date_to", tz, errors)
    try:
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        errors.append(texts.BAD_FILTER.format(field="页码"))
        page = 1
    filters = TicketFilter(
        status=values["status"] or None, department=values["department"] or None,
        community=values["community"] or None, item_code=values["item"] or None,
        overdue=values["overdue"] in ("1", "true", "on"),
        reported_from=start, reported_to=end + timedelta(days=1) if end else None,
        query=values["q"][:100] or None)
    return ParsedFilters(filters=filters, page=page, values=values, errors=errors)


def _day(values: dict[str, str], name: str, tz: ZoneInfo, errors: list[str]) -> datetime | None:
    if not values[name]:
        return None
    try:
        day = date.fromisoformat(values[name])
    except ValueError:
        errors.append(texts.BAD_DATE)
        values[name] = ""
        return None
    return datetime(day.year, day.month, day.day, tzinfo=tz)
