"""outbox: index on ticket, for the dashboard's ticket timeline

Revision ID: 0005_outbox_ticket
Revises: 0004_digests
"""

from alembic import op

revision = "0005_outbox_ticket"
down_revision = "0004_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_ticket", "outbox", ["ticket"])


def downgrade() -> None:
    op.drop_index("ix_outbox_ticket", table_name="outbox")
