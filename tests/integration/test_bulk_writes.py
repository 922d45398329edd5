"""The sweep's bulk path (models/bulk.py) on SQLite and PostgreSQL: what ``due`` hands out and
``save`` records is written at commit, read back within the unit of work, and a rollback
leaves nothing behind."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select

from dispatcher.messages import OutboundMessage
from dispatcher.tickets import Status, Ticket, TicketEvent
from models.base import make_session_factory
from models.migrate import upgrade
from models.tables import OutboxRow, TicketEventRow
from models.uow import SqlUnitOfWork

AT = datetime.fromisoformat("2026-03-02T09:00:00+08:00")


def _uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(make_session_factory(engine), route=lambda chat: "console")


def _seed(engine: Engine) -> str:
    upgrade(engine)
    with _uow(engine) as uow:
        ticket = uow.tickets.add(Ticket(
            chat_id="xialing-grid", community_id="xialing", status=Status.DISPATCHED,
            reporter_id="grid-wang", reporter_name="王网格员", source_message_id="m1",
            source_text="菜场边垃圾桶满了", reported_at=AT, co_departments=("shuiwu",),
            next_timer_at=AT + timedelta(minutes=48)))
        uow.tickets.save(ticket)
        uow.commit()
        return ticket.tag


def _count(engine: Engine, table: type[OutboxRow] | type[TicketEventRow]) -> int:
    with make_session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_saved_due_tickets_are_written_and_read_back(engine: Engine) -> None:
    tag = _seed(engine)
    later = AT + timedelta(hours=1)
    with _uow(engine) as uow:
        (ticket,) = uow.tickets.due(now=later, limit=10)
        assert (ticket.tag, ticket.co_departments) == (tag, ("shuiwu",))
        ticket.claim_reminded, ticket.stage_level = True, 1
        ticket.next_timer_at = later + timedelta(hours=2)
        uow.tickets.save(ticket)
        uow.tickets.add_event(TicketEvent(ticket_tag=tag, kind="reminder", at=later))
        seen = uow.tickets.get(tag)  # a read in the same unit of work sees the change
        assert seen is not None and seen.stage_level == 1 and seen.claim_reminded
        assert [e.kind for e in uow.tickets.events(tag)] == ["reminder"]
        uow.outbox.post(OutboundMessage(chat_id="xialing-grid", text="提醒", ticket=tag,
                                        event="reminder", mentions=("zhifa-1",)), at=later)
        uow.commit()
    with _uow(engine) as uow:
        stored = uow.tickets.get(tag)
        assert stored is not None
        assert stored.next_timer_at == later + timedelta(hours=2)
        assert stored.co_departments == ("shuiwu",)
        assert not uow.tickets.due(now=later, limit=10)
        row = uow.session.scalars(select(OutboxRow)).one()
        assert (row.mentions, row.event, row.status) == (["zhifa-1"], "reminder", "pending")


def test_rollback_leaves_nothing_behind(engine: Engine) -> None:
    tag = _seed(engine)
    later = AT + timedelta(hours=1)
    with _uow(engine) as uow:
        (ticket,) = uow.tickets.due(now=later, limit=10)
        ticket.stage_level = 3
        uow.tickets.save(ticket)
        uow.tickets.add_event(TicketEvent(ticket_tag=tag, kind="escalation", at=later))
        uow.outbox.post(OutboundMessage(chat_id="city-center", text="升级"), at=later)
        # no commit: leaving the block rolls back
    with _uow(engine) as uow:
        stored = uow.tickets.get(tag)
        assert stored is not None and stored.stage_level == 0
    assert _count(engine, OutboxRow) == 0
    assert _count(engine, TicketEventRow) == 0


def test_bulk_save_writes_nulls_json_and_status(engine: Engine) -> None:
    tag = _seed(engine)
    later = AT + timedelta(hours=1)
    with _uow(engine) as uow:
        (ticket,) = uow.tickets.due(now=later, limit=10)
        ticket.status, ticket.closed_at, ticket.next_timer_at = Status.CLOSED, later, None
        ticket.co_departments = ("shuiwu", "zhifa")
        uow.tickets.save(ticket)
        uow.commit()
    with _uow(engine) as uow:
        stored = uow.tickets.get(tag)
    assert stored is not None
    assert (stored.status, stored.closed_at, stored.next_timer_at) == (Status.CLOSED, later, None)
    assert stored.co_departments == ("shuiwu", "zhifa")
