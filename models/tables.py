"""The tables: inbound messages, tickets, their audit events, precedents, and the outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class InboundRow(Base):
    """Every message any channel delivered, stored before it is acknowledged."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_id"),  # exactly-once per (channel, message_id)
        Index("ix_inbound_status_id", "status", "id"),
        Index("ix_inbound_chat_sent", "chat_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(160))
    chat_id: Mapped[str] = mapped_column(String(128), index=True)
    chat_type: Mapped[str] = mapped_column(String(16), default="group")
    sender_id: Mapped[str] = mapped_column(String(128))
    sender_name: Mapped[str] = mapped_column(String(128), default="")
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentions_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    quote_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    quote_message_id: Mapped[str | None] = mapped_column(String(160), nullable=True)
    recalled: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    intent: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tickets: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_chat_status", "chat_id", "status"),
        # the duplicate check: a chat's recent tickets of one item (models/repository.py)
        Index("ix_tickets_chat_item_reported", "chat_id", "item_code", "reported_at"),
        Index("ix_tickets_next_timer", "next_timer_at"),
        # reporting (models/reporting.py): a community's day, a department's period
        Index("ix_tickets_community_reported", "community_id", "reported_at"),
        Index("ix_tickets_community_status", "community_id", "status"),
        Index("ix_tickets_department_reported", "department", "reported_at"),
        Index("ix_tickets_community_claimed", "community_id", "claimed_at"),
        Index("ix_tickets_community_resolved", "community_id", "resolved_at"),
        Index("ix_tickets_community_closed", "community_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tag: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    chat_id: Mapped[str] = mapped_column(String(128))
    # no index of its own: the ix_tickets_community_* indexes above begin with it
    community_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    reporter_id: Mapped[str] = mapped_column(String(128))
    reporter_name: Mapped[str] = mapped_column(String(128))
    source_message_id: Mapped[str] = mapped_column(String(200), index=True)
    source_text: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    item_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    item_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    department: Mapped[str | None] = mapped_column(String(64), nullable=True)  # see above
    co_departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    limit_text: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claim_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    handle_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    stage_level: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_of: Mapped[str | None] = mapped_column(String(16), nullable=True)
    claim_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    handle_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    dispute_count: Mapped[int] = mapped_column(Integer, default=0)
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    disputed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    ruling_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ruled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extension_request: Mapped[str | None] = mapped_column(String(32), nullable=True)
    extension_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    extension_limit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)


class PrecedentRow(Base):
    """A station head's ruling kept as a precedent: item (and keywords) → department."""

    __tablename__ = "precedents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_code: Mapped[str] = mapped_column(String(32), index=True)
    department: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    from_department: Mapped[str | None] = mapped_column(String(64), nullable=True)
    community_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ticket_tag: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(128), nullable=True)


class TicketEventRow(Base):
    """The audit trail (全程留痕): one row per thing that happened to a ticket."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_tag: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(160), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxRow(Base):
    """Every outgoing message, stored in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_ticket", "ticket"),  # a ticket's timeline lists its outgoing messages
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(128), index=True)
    text: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    ticket: Mapped[str | None] = mapped_column(String(16), nullable=True)
    event: Mapped[str | None] = mapped_column(String(32), nullable=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    markdown: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ScheduledRunRow(Base):
    """One scheduled job run (a digest for one day), claimed before anything is sent.

    The unique (job, run_date) key is what makes a digest go out once per day across
    restarts and instances: whoever inserts the row first sends; everybody else skips.
    """

    __tablename__ = "scheduled_runs"
    __table_args__ = (UniqueConstraint("job", "run_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    run_date: Mapped[date] = mapped_column(Date)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(16))  # sent|skipped (nothing to say)
