"""the archive's undo sets: a rewrite of the readings archive (erasure, retention) stands only
when its transaction commits

Revision ID: 0030_archive_undo
Revises: 0029_reading_archive
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0030_archive_undo'
down_revision = '0029_reading_archive'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'archive_undo',
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('at', rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_archive_undo')),
    )


def downgrade() -> None:
    op.drop_table('archive_undo')
