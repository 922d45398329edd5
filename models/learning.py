"""Learned examples: labelled history (``gridbot learn``) and station-head transfers/rulings.

Rows are never deleted: undo marks them, so what the classifier learned stays auditable.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from dispatcher.classify.learning import LearnedExample
from dispatcher.lists import ResponsibilityList
from models.base import Base, UTCDateTime
from models.tables import TicketEventRow, TicketRow

SOURCES = ("learn", "transfer", "ruling")
RULING_KINDS = ("transfer", "ruling")  # ticket events a station head's decision leaves


class LearnedExampleRow(Base):
    __tablename__ = "learned_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(64))
    item_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="learn")
    origin: Mapped[str] = mapped_column(String(255), default="")  # file name or ticket tag
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), nullable=True)

    def to_domain(self) -> LearnedExample:
        return LearnedExample(
            id=self.id,
            text=self.text,
            department=self.department,
            item_code=self.item_code,
            source=self.source,
        )


class LearnedDataError(ValueError):
    """A learn file that cannot be used; nothing of it was stored."""


def read_learn_file(
    lines: Iterable[str], *, source: str, lst: ResponsibilityList
) -> list[tuple[str, str, str | None]]:
    """``text,department[,item_code]`` rows, all validated before any is stored."""
    reader = csv.DictReader(lines)
    missing = {"text", "department"} - set(reader.fieldnames or ())
    if missing:
        raise LearnedDataError(
            f"{source}：缺少列 {'、'.join(sorted(missing))}（需要 text,department[,item_code]）"
        )
    rows: list[tuple[str, str, str | None]] = []
    for number, row in enumerate(reader, start=2):
        text = (row.get("text") or "").strip()
        if not text:
            raise LearnedDataError(f"{source} 第 {number} 行 text：内容为空")
        dept = lst.department_named(row.get("department") or "")
        if dept is None:
            raise LearnedDataError(
                f"{source} 第 {number} 行 department：未知部门「{row.get('department')}」"
            )
        code = (row.get("item_code") or "").strip() or None
        if code is not None and lst.item(code) is None:
            raise LearnedDataError(f"{source} 第 {number} 行 item_code：清单中没有事项 {code}")
        rows.append((text, dept.id, code))
    if not rows:
        raise LearnedDataError(f"{source}：没有数据行")
    return rows


class LearnedStore:
    def __init__(self, session_factory: sessionmaker[Any]) -> None:
        self._sessions = session_factory

    def add(
        self,
        rows: Sequence[tuple[str, str, str | None]],
        *,
        source: str,
        origin: str,
        now: datetime,
    ) -> list[int]:
        if source not in SOURCES:
            raise ValueError(f"unknown learned-example source {source!r}")
        with self._sessions.begin() as session:
            records = [
                LearnedExampleRow(
                    text=t, department=d, item_code=c, source=source, origin=origin, created_at=now
                )
                for t, d, c in rows
            ]
            session.add_all(records)
            session.flush()
            return [r.id for r in records]

    def import_rulings(self, *, now: datetime) -> int:
        """Turn every station-head transfer or ruling not seen yet into a learned example.

        The ticket's original report is the text and the department it was given to is the
        label; transfers the bot made itself after a 退回 are not rulings and are skipped.
        """
        with self._sessions.begin() as session:
            seen = set(
                session.scalars(
                    select(LearnedExampleRow.origin).where(LearnedExampleRow.origin.like("event:%"))
                )
            )
            events = session.execute(
                select(TicketEventRow, TicketRow)
                .join(TicketRow, TicketRow.tag == TicketEventRow.ticket_tag)
                .where(TicketEventRow.kind.in_(RULING_KINDS))
            ).all()
            added = 0
            for event, ticket in events:
                origin = f"event:{event.id}"
                department = (event.detail or {}).get("to")
                if origin in seen or not department or (event.detail or {}).get("by") == "dispute":
                    continue
                session.add(
                    LearnedExampleRow(
                        text=ticket.source_text,
                        department=str(department),
                        item_code=ticket.item_code,
                        source=event.kind,
                        origin=origin,
                        created_at=now,
                    )
                )
                added += 1
            return added

    def listing(self, *, include_undone: bool = False) -> list[LearnedExampleRow]:
        with self._sessions() as session:
            query = select(LearnedExampleRow).order_by(LearnedExampleRow.id)
            if not include_undone:
                query = query.where(LearnedExampleRow.undone_at.is_(None))
            return list(session.scalars(query))

    def active(self) -> list[LearnedExample]:
        return [row.to_domain() for row in self.listing()]

    def undo(self, example_id: int, *, now: datetime) -> bool:
        """Withdraw one example; False when there is no such active example."""
        with self._sessions.begin() as session:
            row = session.get(LearnedExampleRow, example_id)
            if row is None or row.undone_at is not None:
                return False
            row.undone_at = now
            return True

    def version(self) -> tuple[int, int]:
        """Changes whenever an example is added or undone: (active count, highest id)."""
        with self._sessions() as session:
            active = (
                session.scalar(
                    select(func.count())
                    .select_from(LearnedExampleRow)
                    .where(LearnedExampleRow.undone_at.is_(None))
                )
                or 0
            )
            top = session.scalar(select(func.max(LearnedExampleRow.id))) or 0
            return int(active), int(top)
