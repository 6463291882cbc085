"""system actors: the named actors jobs run as, enabled by an administrator

Revision ID: 0012_cli_login
Revises: 0011_notices_every_path
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0012_cli_login'
down_revision = '0011_notices_every_path'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'system_actor',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column(
            'changed_at',
            rekisteri.adapters.schema.base.UtcDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column('changed_by', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_system_actor')),
    )


def downgrade() -> None:
    op.drop_table('system_actor')
