"""disputes, rulings as precedents, extensions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 12:50:00
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_TIME = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch:
        batch.add_column(sa.Column('clock_started_at', _TIME, nullable=True))
        batch.add_column(sa.Column('disputed_by', sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
        batch.add_column(sa.Column('ruling_deadline', _TIME, nullable=True))
        batch.add_column(sa.Column('ruled_at', _TIME, nullable=True))
        batch.add_column(sa.Column('resumed_at', _TIME, nullable=True))
        batch.add_column(sa.Column('extension_request', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('extension_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('extension_limit', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('extended_at', _TIME, nullable=True))
        batch.add_column(sa.Column('extension_count', sa.Integer(), nullable=False,
                                   server_default=sa.text('0')))

    op.create_table('precedents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('from_department', sa.String(length=64), nullable=True),
    sa.Column('community_id', sa.String(length=64), nullable=True),
    sa.Column('ticket_tag', sa.String(length=16), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', _TIME, nullable=False),
    sa.Column('revoked_at', _TIME, nullable=True),
    sa.Column('revoked_by', sa.String(length=128), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_precedents'))
    )
    with op.batch_alter_table('precedents', schema=None) as batch:
        batch.create_index(batch.f('ix_precedents_item_code'), ['item_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('precedents', schema=None) as batch:
        batch.drop_index(batch.f('ix_precedents_item_code'))
    op.drop_table('precedents')
    with op.batch_alter_table('tickets', schema=None) as batch:
        for name in ('extension_count', 'extended_at', 'extension_limit', 'extension_reason',
                     'extension_request', 'resumed_at', 'ruled_at', 'ruling_deadline', 'disputed_by',
                     'clock_started_at'):
            batch.drop_column(name)
