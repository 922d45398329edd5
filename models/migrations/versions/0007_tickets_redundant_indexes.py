"""tickets: drop the single-column indexes on community_id and department

Each is the first column of composite indexes (ix_tickets_community_*, ix_tickets_department_
reported), which serve the same lookups. Every ticket update maintains every index (the
indexed next_timer_at rules out PostgreSQL's HOT updates), so the two cost the timer sweep
about 6 ms of server time per 1,000 tickets for nothing (docs/benchmarks.md).

Revision ID: 0007_tickets_redundant_indexes
Revises: 0006_tickets_chat_item
"""

from alembic import op

revision = "0007_tickets_redundant_indexes"
down_revision = "0006_tickets_chat_item"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_tickets_community_id", table_name="tickets")
    op.drop_index("ix_tickets_department", table_name="tickets")


def downgrade() -> None:
    op.create_index("ix_tickets_department", "tickets", ["department"])
    op.create_index("ix_tickets_community_id", "tickets", ["community_id"])
