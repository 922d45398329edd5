"""learned examples (labelled history, transfers and rulings)

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learned_examples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_examples")),
    )


def downgrade() -> None:
    op.drop_table("learned_examples")
