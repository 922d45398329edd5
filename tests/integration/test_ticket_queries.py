"""The ticket repository's reads on SQLite and PostgreSQL: a new ticket gets its tag and its
clock fields in one go at commit, and the duplicate check's query keeps to one chat, one item,
open tickets and the window, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from dispatcher.tickets import Status, Ticket
from models.base import make_session_factory
from models.migrate import upgrade
from models.uow import SqlUnitOfWork

AT = datetime.fromisoformat("2026-03-02T09:00:00+08:00")


def _uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(make_session_factory(engine), route=lambda chat: "console")


def _ticket(message_id: str, *, chat: str = "xialing-grid", item: str = "020502",
            hours_ago: float = 0, status: Status = Status.DISPATCHED) -> Ticket:
    return Ticket(chat_id=chat, community_id="xialing", status=status, reporter_id="grid-wang",
                  reporter_name="王网格员", source_message_id=message_id,
                  source_text="文山路菜场门口有人跨门经营",
                  reported_at=AT - timedelta(hours=hours_ago), item_code=item)


def test_recent_report_texts_newest_first_within_the_window(engine: Engine) -> None:
    upgrade(engine)
    with _uow(engine) as uow:
        tags = {ticket.source_message_id: uow.tickets.add(ticket).tag for ticket in (
            _ticket("old", hours_ago=80), _ticket("a", hours_ago=5), _ticket("b", hours_ago=1),
            _ticket("closed", status=Status.CLOSED), _ticket("other-item", item="010101"),
            _ticket("other-chat", chat="dongjiang-grid"), _ticket("c", hours_ago=3))}
        uow.commit()
    with _uow(engine) as uow:
        found = uow.tickets.recent_report_texts("xialing-grid", "020502",
                                                since=AT - timedelta(hours=72))
        assert [report.tag for report in found] == [tags["b"], tags["c"], tags["a"]]
        assert {report.text for report in found} == {"文山路菜场门口有人跨门经营"}


def test_a_report_added_in_this_unit_of_work_is_found_by_its_tag(engine: Engine) -> None:
    upgrade(engine)
    with _uow(engine) as uow:
        added = uow.tickets.add(_ticket("new", hours_ago=0))
        found = uow.tickets.recent_report_texts("xialing-grid", "020502",
                                                since=AT - timedelta(hours=72))
        assert [report.tag for report in found] == [added.tag]


def test_a_new_ticket_is_numbered_and_saved_at_commit(engine: Engine) -> None:
    upgrade(engine)
    with _uow(engine) as uow:
        ticket = uow.tickets.add(_ticket("m1"))
        ticket.claim_deadline = AT + timedelta(hours=1)
        uow.tickets.save(ticket)
        again = uow.tickets.get(ticket.tag.lower())  # a read first writes what is recorded
        assert again is not None and again.claim_deadline == ticket.claim_deadline
        uow.commit()
    with _uow(engine) as uow:
        stored = uow.tickets.by_source_message("m1")
        assert stored is not None
        assert (stored.tag, stored.claim_deadline) == (f"A{stored.id:04d}", AT + timedelta(hours=1))
        assert [t.tag for t in uow.tickets.from_message("m1")] == [stored.tag]


def test_from_message_takes_the_id_literally(engine: Engine) -> None:
    upgrade(engine)
    with _uow(engine) as uow:
        for message_id in ("m_1", "m_1#020502", "mx1#020502", "m_10"):
            uow.tickets.add(_ticket(message_id))
        uow.commit()
    with _uow(engine) as uow:  # "_" is LIKE's any-character; it must only match itself
        assert [t.source_message_id for t in uow.tickets.from_message("m_1")] == [
            "m_1", "m_1#020502"]
