"""market events: Datahub's events already read (by the hub's event id), and each metering
point's grid owner

Revision ID: 0025_market_events
Revises: 0024_address_updates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0025_market_events'
down_revision = '0024_address_updates'
branch_labels = None
depends_on = None

UtcDateTime = rekisteri.adapters.schema.base.UtcDateTime


def upgrade() -> None:
    # A nullable column: added in place on both databases (no copy of the table).
    op.add_column('metering_point', sa.Column('grid_owner', sa.String(length=13), nullable=True))
    op.create_table(
        'market_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.Column('file_name', sa.String(length=300), nullable=False),
        sa.Column('read_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('read_by', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_market_event')),
        sa.UniqueConstraint('event_id', name=op.f('uq_market_event_event_id')),
    )


def downgrade() -> None:
    op.drop_table('market_event')
    with op.batch_alter_table('metering_point', schema=None) as batch_op:
        batch_op.drop_column('grid_owner')
