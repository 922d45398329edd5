"""Send the scheduled digests exactly once per day, live and in replay.

``send_due(services, now=…)`` sends every run due today and not yet in ``scheduled_runs``.
The run's row is inserted in the same transaction as its outbox message, so a digest goes
out once however many instances call this and however often the service restarts; a
service started after 08:30 catches up on today's digests (never on earlier days').
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import Services
from dispatcher import digest_schedule as schedule
from dispatcher.digest import DigestContext, has_news, render_digest
from dispatcher.journal import say
from dispatcher.org import Community
from dispatcher.reporting_ports import DigestData
from dispatcher.weekly import render_weekly
from models.reporting import digest_data
from models.tables import ScheduledRunRow

log = logging.getLogger(__name__)


def send_due(services: Services, *, now: datetime) -> int:
    """Send today's due digests not sent yet; returns how many messages were queued."""
    org = services.desk.org
    runs = schedule.due_now(services.timers.calendar, now, services.settings.tz,
                            [c.id for c in org.communities])
    return sum(_run_once(services, run, now=now) for run in runs)


def _run_once(services: Services, run: schedule.Run, *, now: datetime) -> int:
    with services.unit_of_work() as uow:
        if _already_claimed(uow.session, run):
            return 0
        row = ScheduledRunRow(job=run.job, run_date=run.day, claimed_at=now, outcome="skipped")
        uow.session.add(row)
        try:
            uow.session.flush()  # the unique (job, run_date) key: another instance got it
        except IntegrityError:
            return 0
        chat_id, text = _message(services, uow.session, run, now=now)
        if text is not None:
            row.outcome = "sent"
            say(uow, chat_id=chat_id, text=text, now=now, event="digest", markdown=True)
        uow.commit()
    log.info("scheduled run %s %s: %s", run.job, run.day, row.outcome)
    return 1 if text is not None else 0


def _already_claimed(session: Session, run: schedule.Run) -> bool:
    return session.query(ScheduledRunRow.id).filter_by(
        job=run.job, run_date=run.day).first() is not None


def _message(services: Services, session: Session, run: schedule.Run, *,
             now: datetime) -> tuple[str, str | None]:
    org = services.desk.org
    if run.job == schedule.WEEKLY_JOB:
        return org.command_chat, weekly_text(services, session, day=run.day, now=now)
    community = org.community(run.job.removeprefix("digest:"))
    assert community is not None, run.job
    data = community_data(services, session, community, day=run.day, now=now)
    text = render_digest(data, _context(services, community)) if has_news(data) else None
    return f"@{community.station_head}", text


def community_data(services: Services, session: Session, community: Community, *, day: date,
                   now: datetime, since: datetime | None = None,
                   month_start: datetime | None = None) -> DigestData:
    """The figures of one community's digest for ``day`` as of ``now``."""
    tz = services.settings.tz
    calendar = services.timers.calendar
    return digest_data(
        session, community_id=community.id, chat_id=community.chat_id, day=day,
        since=since or schedule.daily_window(calendar, day, tz), now=now,
        month_start=month_start or schedule.month_start(day, tz))


def digest_text(services: Services, *, community_id: str, day: date,
                now: datetime | None = None) -> str:
    """The digest a station head gets on ``day`` (at 08:30 unless ``now`` is given); also
    shown when there is nothing new, for ``gridbot digest`` and the dashboard."""
    community = services.desk.org.community(community_id)
    if community is None:
        raise KeyError(community_id)
    at = now or schedule.moment(day, services.settings.tz)
    with services.session_factory() as session:
        data = community_data(services, session, community, day=day, now=at)
    return render_digest(data, _context(services, community))


def weekly_text(services: Services, session: Session, *, day: date,
                now: datetime) -> str | None:
    """The street's weekly summary; None when no community has anything to say."""
    tz = services.settings.tz
    since = schedule.weekly_window(day, tz)
    org = services.desk.org
    figures = [(c.name, community_data(services, session, c, day=day, now=now, since=since,
                                       month_start=since)) for c in org.communities]
    if not any(has_news(data) for _, data in figures):
        return None
    return render_weekly(street=org.street_name, day=day, tz=tz,
                         public_url=services.settings.public_url, communities=figures)


def _context(services: Services, community: Community) -> DigestContext:
    lst = services.lists.current
    return DigestContext(community_name=community.name, tz=services.settings.tz,
                         public_url=services.settings.public_url, label=lst.department_label)
