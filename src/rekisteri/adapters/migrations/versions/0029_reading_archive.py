"""where the readings archive is: recorded by the first sync, checked by erasure, retention
and the access package

Revision ID: 0029_reading_archive
Revises: 0028_package_delivery
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0029_reading_archive'
down_revision = '0028_package_delivery'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reading_archive',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('root', sa.String(length=1000), nullable=False),
        sa.Column(
            'recorded_at', rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column('recorded_by', sa.String(length=60), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_reading_archive_one_archive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_archive')),
    )


def downgrade() -> None:
    op.drop_table('reading_archive')
