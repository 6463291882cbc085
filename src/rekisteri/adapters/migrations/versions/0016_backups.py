"""erasure journal: the erasures and retention runs a restored backup applies again

Revision ID: 0016_backups
Revises: 0015_contact_persons
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0016_backups'
down_revision = '0015_contact_persons'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'erasure_journal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column(
            'at', rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column('kind', sa.String(length=9), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=True),
        sa.Column('run_day', sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind in ('erasure', 'purge', 'retention')", name=op.f('ck_erasure_journal_kind')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_journal')),
    )


def downgrade() -> None:
    op.drop_table('erasure_journal')
