"""request throttle: attempts per client address (a keyed digest) and time window

Revision ID: 0010_request_throttle
Revises: 0009_audit_checkpoint
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0010_request_throttle'
down_revision = '0009_audit_checkpoint'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'request_throttle',
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column(
            'window_start',
            rekisteri.adapters.schema.base.UtcDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'scope', 'window_start', 'source', name=op.f('pk_request_throttle')
        ),
    )


def downgrade() -> None:
    op.drop_table('request_throttle')
