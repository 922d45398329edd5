"""Ticket rows, audit events and outbox messages as plain rows: one statement per kind of
change, not one ORM object each.

A sweep after an outage (or on a busy street) fires a thousand timers in one transaction:
a ticket update, an audit event and an outbox message each. Through the ORM that is three
thousand tracked objects and a multi-VALUES INSERT that the driver must parse; here it is a
grouped executemany UPDATE and, on PostgreSQL, a COPY (bench/sweep.py measures it). An
inbound message goes the same way, so one report is an INSERT … RETURNING and one UPDATE.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Connection, Select, Table, bindparam, event, insert, update
from sqlalchemy.orm import Session

from dispatcher.tickets import Ticket
from models.base import Base
from models.tables import TicketRow


class PendingRows:
    """Append-only rows (audit events, outbox messages) written in one go at commit.

    Nothing reads them back in the same unit of work except ``SqlTickets.events``, which
    writes the pending ones first. They go in insertion order, so ids keep the order things
    were said; a rollback discards them with everything else.
    """

    def __init__(self, session: Session, mapped: type[Base]) -> None:
        self._session = session
        self._table: Table = mapped.__table__  # type: ignore[assignment]
        self._rows: list[dict[str, Any]] = []
        event.listen(session, "after_soft_rollback", self._discard)

    def add(self, values: dict[str, Any]) -> None:
        self._rows.append(values)

    def write(self) -> None:
        if not self._rows:
            return
        rows, self._rows = self._rows, []
        connection = self._session.connection()
        if connection.dialect.name == "postgresql":
            _copy_rows(connection, self._table, rows)
        else:
            connection.execute(insert(self._table), rows)

    def _discard(self, *_: Any) -> None:
        self._rows = []


def _copy_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY in the session's own transaction: one round trip, no SQL to parse."""
    names = list(rows[0])
    json_names = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    columns = ", ".join(f'"{name}"' for name in names)
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n], ensure_ascii=False) if n in json_names
                            else row[n] for n in names])


def _update_from_arrays(connection: Connection, table: Table, names: tuple[str, ...],
                        rows: list[dict[str, Any]]) -> None:
    """One UPDATE for the whole group on PostgreSQL: each column sent as an array, unnested.

    A thousand single-row UPDATEs cost the server an executor start each; this is one.
    """
    columns = [table.c[name] for name in names]
    casts = [f"%s::{column.type.compile(dialect=connection.dialect)}[]" for column in columns]
    arrays: list[list[Any]] = [[row["_id"] for row in rows]]
    for column in columns:
        values = [row[column.name] for row in rows]
        if isinstance(column.type, JSON):
            values = [json.dumps(v, ensure_ascii=False) for v in values]
        arrays.append(values)
    assignments = ", ".join(f'"{name}" = v."{name}"' for name in names)
    aliases = ", ".join(f'"{name}"' for name in names)
    sql = (f'UPDATE "{table.name}" AS t SET {assignments} '
           f'FROM unnest(%s::integer[], {", ".join(casts)}) AS v(_id, {aliases}) '
           f"WHERE t.id = v._id")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(sql, arrays)


class BulkTickets:
    """Tickets read as plain rows and saved by a grouped UPDATE at commit.

    ``load`` keeps each ticket's stored values; ``save`` records only the columns that
    differ. Every read writes the recorded changes first, so nobody sees a stale row.
    """

    def __init__(self, session: Session, *, to_ticket: Callable[[Any], Ticket],
                 to_values: Callable[[Ticket], dict[str, Any]]) -> None:
        self._session = session
        self._to_ticket, self._to_values = to_ticket, to_values
        self._stored: dict[int, dict[str, Any]] = {}
        self._changes: dict[int, dict[str, Any]] = {}
        event.listen(session, "after_soft_rollback", self._discard)

    def load(self, query: Select[Any], params: dict[str, Any] | None = None) -> list[Ticket]:
        self.write()
        rows = self._session.connection().execute(query, params or {}).mappings().all()
        return [self._keep(row) for row in rows]

    def _keep(self, row: Any) -> Ticket:
        ticket = self._to_ticket(row)
        assert ticket.id is not None
        self._stored[ticket.id] = dict(row)  # the stored columns, as ``to_values`` gives them
        return ticket

    def track(self, ticket_id: int, stored: dict[str, Any]) -> None:
        """A row just inserted with these values: later saves write only what differs."""
        self._stored[ticket_id] = stored

    def save(self, ticket: Ticket) -> bool:
        """Record ``ticket``'s changes if ``load`` read it; False when it is not ours."""
        stored = self._stored.get(ticket.id) if ticket.id is not None else None
        if stored is None or ticket.id is None:
            return False
        values = self._to_values(ticket)
        changed = {name: value for name, value in values.items() if stored[name] != value}
        if changed:
            self._changes.setdefault(ticket.id, {}).update(changed)
            stored.update(changed)
        return True

    def write(self) -> None:
        if not self._changes:
            return
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for ticket_id, changed in self._changes.items():
            groups.setdefault(tuple(sorted(changed)), []).append({"_id": ticket_id, **changed})
        self._changes = {}
        table: Table = TicketRow.__table__  # type: ignore[assignment]
        connection = self._session.connection()
        for names, rows in groups.items():
            if connection.dialect.name == "postgresql":
                _update_from_arrays(connection, table, names, rows)
                continue
            statement = (update(table).where(table.c.id == bindparam("_id"))
                         .values({name: bindparam(name) for name in names}))
            connection.execute(statement, rows)

    def _discard(self, *_: Any) -> None:
        self._stored, self._changes = {}, {}
