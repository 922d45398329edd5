"""The unit of work: the one place that commits. An inbound message's effects are committed
together or not at all (bot/inbox.py: messages that wait together may share a transaction)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from models.repository import SqlOutbox, SqlPrecedents, SqlTickets


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls back."""

    tickets: SqlTickets
    outbox: SqlOutbox
    precedents: SqlPrecedents
    session: Session

    def __init__(self, session_factory: sessionmaker[Any], *,
                 route: Callable[[str], str]) -> None:
        self._factory = session_factory
        self._route = route

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.tickets = SqlTickets(self.session)
        self.outbox = SqlOutbox(self.session, route=self._route)
        self.precedents = SqlPrecedents(self.session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.tickets.write_pending()
        self.outbox.write_pending()
        self.session.commit()
