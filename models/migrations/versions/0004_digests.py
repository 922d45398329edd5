"""digests and reports: scheduled_runs (a digest once per day) and reporting indexes

Revision ID: 0004_digests
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = "0004_digests"
down_revision = "0003"
branch_labels = None
depends_on = None

_INDEXES = [
    ("ix_tickets_community_reported", "tickets", ["community_id", "reported_at"]),
    ("ix_tickets_community_status", "tickets", ["community_id", "status"]),
    ("ix_tickets_department_reported", "tickets", ["department", "reported_at"]),
    ("ix_tickets_community_claimed", "tickets", ["community_id", "claimed_at"]),
    ("ix_tickets_community_resolved", "tickets", ["community_id", "resolved_at"]),
    ("ix_tickets_community_closed", "tickets", ["community_id", "closed_at"]),
    ("ix_ticket_events_kind_at", "ticket_events", ["kind", "at"]),
    ("ix_inbound_chat_sent", "inbound_messages", ["chat_id", "sent_at"]),
]


def upgrade() -> None:
    op.create_table(
        "scheduled_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_runs")),
        sa.UniqueConstraint("job", "run_date", name=op.f("uq_scheduled_runs_job_run_date")),
    )
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("scheduled_runs")
