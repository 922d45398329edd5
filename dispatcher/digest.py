"""Render the station-head digest and the weekly summary from counted figures.

Pure formatting: the figures come through the ``ReportingReader`` port. A WeCom markdown
message holds at most 4096 UTF-8 bytes, so long lists are cut with "等N件" and the full list
is one tap away on the dashboard. Phone numbers are masked before anything leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from dispatcher import digest_texts as dt
from dispatcher.privacy import mask_phones
from dispatcher.reporting_ports import DigestData, Scorecard, TicketBrief

MAX_BYTES = 4096
ITEM_CHARS = 20
CAPS = (10, 6, 4, 2, 1, 0)  # list lengths tried, longest first, until the message fits

Label = Callable[[str | None], str]


@dataclass(frozen=True)
class DigestContext:
    community_name: str
    tz: ZoneInfo
    public_url: str
    label: Label  # department id -> name people read


def has_news(data: DigestData) -> bool:
    """A digest with nothing at all to say is not sent (see docs/scoring.md#digest)."""
    return bool(data.reported or data.claimed or data.resolved or data.closed
                or data.open_total or data.unmatched_total or data.undelivered)


def dashboard_url(public_url: str, community_id: str) -> str:
    return f"{public_url.rstrip('/')}/tickets?{urlencode({'community': community_id})}"


def render_digest(data: DigestData, ctx: DigestContext) -> str:
    """The digest as WeCom markdown, at most ``MAX_BYTES`` bytes."""
    for cap in CAPS:
        text = mask_phones("\n".join(_digest_lines(data, ctx, cap)))
        if len(text.encode("utf-8")) <= MAX_BYTES:
            return text
    return fit_bytes(text, MAX_BYTES)


def fit_bytes(text: str, limit: int) -> str:
    """Cut ``text`` at a character boundary so it holds at most ``limit`` UTF-8 bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit - 3].decode("utf-8", errors="ignore") + "…"


def _digest_lines(data: DigestData, ctx: DigestContext, cap: int) -> list[str]:
    day = data.day
    lines = [dt.TITLE.format(community=ctx.community_name, month=day.month, day=day.day,
                             weekday=dt.WEEKDAYS[day.weekday()]),
             dt.ACTIVITY.format(period=_period(data, ctx.tz), reported=data.reported,
                                dispatched=data.dispatched, triaged=data.triaged,
                                duplicates=data.duplicates, claimed=data.claimed,
                                resolved=data.resolved, closed=data.closed)]
    lines += _open_lines(data, ctx)
    if data.overdue_total:
        lines.append(dt.OVERDUE_HEAD.format(total=data.overdue_total))
        lines += _cut([dt.OVERDUE_LINE.format(
            n=n, tag=b.tag, item=_short(b.item), department=ctx.label(b.department),
            clock=dt.CLOCK_NAMES.get(b.kind, ""), late=_late(b, day, ctx.tz))
            for n, b in enumerate(data.overdue, start=1)], data.overdue_total, cap)
    if data.due_today:
        lines.append(dt.DUE_HEAD.format(total=len(data.due_today)))
        lines += _cut([dt.DUE_LINE.format(
            tag=b.tag, item=_short(b.item), department=ctx.label(b.department),
            time=f"{b.at.astimezone(ctx.tz):%H:%M}", clock=dt.CLOCK_NAMES.get(b.kind, ""))
            for b in data.due_today], len(data.due_today), cap)
    lines += _briefs(dt.DISPUTE_HEAD, data.disputes, cap)
    lines += _briefs(dt.TRIAGE_HEAD, data.triage, cap)
    if data.unmatched_total:
        lines.append(dt.UNMATCHED_HEAD.format(total=data.unmatched_total))
        lines += _cut([dt.UNMATCHED_LINE.format(text=_short(t)) for t in data.unmatched],
                      data.unmatched_total, cap)
    lines += _month_lines(data.month, ctx.label)
    if data.undelivered:
        lines.append(dt.UNDELIVERED.format(n=data.undelivered))
    lines.append(dt.LINK.format(url=dashboard_url(ctx.public_url, data.community_id)))
    return lines


def _period(data: DigestData, tz: ZoneInfo) -> str:
    first = data.since.astimezone(tz).date()
    last = data.day - timedelta(days=1)
    if first >= last:
        return dt.PERIOD_ONE.format(month=first.month, day=first.day)
    return dt.PERIOD_MANY.format(m1=first.month, d1=first.day, m2=last.month, d2=last.day)


def _open_lines(data: DigestData, ctx: DigestContext) -> list[str]:
    if not data.open_total:
        return [dt.NOTHING_OPEN]
    lines = [dt.OPEN_HEAD.format(total=data.open_total)]
    for load in data.open_by_department:
        parts = "，".join(f"{name} {getattr(load, state)}" for state, name in
                         dt.STATE_NAMES.items() if getattr(load, state))
        lines.append(dt.OPEN_LINE.format(department=ctx.label(load.department), parts=parts))
    if data.triage:
        lines.append(dt.TRIAGE_OPEN.format(n=len(data.triage)))
    return lines


def _briefs(head: str, briefs: Sequence[TicketBrief], cap: int) -> list[str]:
    if not briefs:
        return []
    return [head.format(total=len(briefs)),
            *_cut([dt.BRIEF_LINE.format(tag=b.tag, item=_short(b.item)) for b in briefs],
                  len(briefs), cap)]


def _month_lines(month: Sequence[Scorecard], label: Label) -> list[str]:
    cards = [c for c in month if c.dispatched]
    if not cards:
        return []
    return [dt.MONTH_HEAD, *(dt.MONTH_LINE.format(
        department=label(c.department), claim=percent(c.on_time_claim_rate),
        close=percent(c.on_time_close_rate), n=c.dispatched) for c in cards)]


def _cut(lines: list[str], total: int, cap: int) -> list[str]:
    shown = lines[:cap]
    return [*shown, dt.MORE.format(n=total)] if total > len(shown) else shown


def _short(text: str) -> str:
    text = mask_phones(" ".join(text.split()))  # before cutting: no half-masked numbers
    return text if len(text) <= ITEM_CHARS else text[:ITEM_CHARS] + "…"


def _late(brief: TicketBrief, day: date, tz: ZoneInfo) -> str:
    days = (day - brief.at.astimezone(tz).date()).days
    return dt.LATE_DAYS.format(days=days) if days >= 1 else dt.LATE_TODAY


def percent(rate: float | None) -> str:
    return dt.RATE_NONE if rate is None else f"{rate * 100:.0f}%"


def pooled(cards: Sequence[Scorecard]) -> tuple[float | None, float | None]:
    """On-time claim and close rates over several departments (pooled, not averaged)."""
    claim_n = sum(c.claim_decided for c in cards)
    close_n = sum(c.close_decided for c in cards)
    claim = sum(c.claimed_on_time for c in cards) / claim_n if claim_n else None
    close = sum(c.closed_on_time for c in cards) / close_n if close_n else None
    return claim, close
