"""tickets: index on (chat, item, reported), for the duplicate check

Without it the check read every open ticket of the chat (ix_tickets_chat_status) to find the
few of one item; under the load benchmark that grew to thousands of rows per report.

Revision ID: 0006_tickets_chat_item
Revises: 0005_outbox_ticket
"""

from alembic import op

revision = "0006_tickets_chat_item"
down_revision = "0005_outbox_ticket"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_chat_item_reported", "tickets",
                    ["chat_id", "item_code", "reported_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_chat_item_reported", table_name="tickets")
