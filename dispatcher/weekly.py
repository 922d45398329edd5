"""The street command chat's weekly summary: the digest's figures, one line per community."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from dispatcher import digest_texts as dt
from dispatcher.digest import MAX_BYTES, fit_bytes, percent, pooled
from dispatcher.privacy import mask_phones
from dispatcher.reporting_ports import DigestData


def render_weekly(*, street: str, day: date, tz: ZoneInfo, public_url: str,
                  communities: Sequence[tuple[str, DigestData]]) -> str:
    """``communities`` pairs a community's display name with its figures for the week."""
    since = communities[0][1].since.astimezone(tz).date() if communities else day
    lines = [dt.WEEKLY_TITLE.format(street=street, month=day.month, day=day.day),
             dt.WEEKLY_PERIOD.format(m1=since.month, d1=since.day)]
    for name, data in communities:
        claim, close = pooled(data.month)
        lines.append(dt.WEEKLY_COMMUNITY.format(
            community=name, reported=data.reported, claimed=data.claimed,
            resolved=data.resolved, closed=data.closed, open=data.open_total,
            overdue=data.overdue_total, disputes=len(data.disputes), triage=len(data.triage),
            unmatched=data.unmatched_total, claim=percent(claim), close=percent(close)))
        if data.undelivered:
            lines.append(dt.WEEKLY_UNDELIVERED.format(community=name, n=data.undelivered))
    lines.append(dt.WEEKLY_LINK.format(url=public_url.rstrip("/") + "/tickets"))
    return fit_bytes(mask_phones("\n".join(lines)), MAX_BYTES)
