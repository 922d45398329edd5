"""Migration 0002 and the SQL side of disputes: precedents, tickets of one report, new fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import sessionmaker

from dispatcher.precedents import Precedent
from dispatcher.tickets import Status, Ticket
from models.migrate import alembic_config, upgrade
from models.uow import SqlUnitOfWork

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _ticket(message_id: str) -> Ticket:
    return Ticket(chat_id="xialing-grid", community_id="xialing", status=Status.DISPATCHED,
                  reporter_id="grid-wang", reporter_name="王网格员",
                  source_message_id=message_id, source_text="文山路有人跨门经营",
                  reported_at=NOW)


def test_migration_0002_goes_down_and_up(engine: Engine) -> None:
    upgrade(engine)
    assert "precedents" in inspect(engine).get_table_names()
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert "precedents" not in inspect(engine).get_table_names()
    assert "disputed_by" not in {c["name"] for c in inspect(engine).get_columns("tickets")}
    upgrade(engine)
    assert "disputed_by" in {c["name"] for c in inspect(engine).get_columns("tickets")}


def test_precedents_and_dispute_fields_round_trip(engine: Engine) -> None:
    upgrade(engine)
    factory = sessionmaker(engine)
    with SqlUnitOfWork(factory, route=lambda chat: "test") as uow:
        first = uow.precedents.add(Precedent(item_code="020405", department="shijian",
                                             created_by="xialing-head", created_at=NOW,
                                             keywords=("菜场",), community_id="xialing"))
        ticket = uow.tickets.add(_ticket("m1#020405"))
        uow.tickets.add(_ticket("m1#020801"))
        uow.tickets.add(_ticket("m10"))
        ticket.disputed_by, ticket.ruling_deadline = ("zhifa",), NOW + timedelta(hours=1)
        ticket.extension_request, ticket.extension_count = "2工作日", 1
        uow.tickets.save(ticket)
        uow.commit()
    with SqlUnitOfWork(factory, route=lambda chat: "test") as uow:
        assert [p.keywords for p in uow.precedents.active()] == [("菜场",)]
        assert first.id is not None
        assert uow.precedents.revoke(first.id, at=NOW, by="xialing-head") is not None
        assert uow.precedents.revoke(first.id, at=NOW, by="xialing-head") is None
        assert uow.precedents.active() == []
        assert [t.source_message_id for t in uow.tickets.from_message("m1")] == [
            "m1#020405", "m1#020801"]
        stored = uow.tickets.get(ticket.tag)
        assert stored is not None and stored.disputed_by == ("zhifa",)
        assert stored.ruling_deadline == NOW + timedelta(hours=1)
        assert stored.extension_request == "2工作日" and stored.extension_count == 1
