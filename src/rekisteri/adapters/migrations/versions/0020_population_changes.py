"""the population register's change files applied (services/population): the same file twice
changes nothing

Revision ID: 0020_population_changes
Revises: 0019_population_flags
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0020_population_changes'
down_revision = '0019_population_flags'
branch_labels = None
depends_on = None

UtcDateTime = rekisteri.adapters.schema.base.UtcDateTime


def upgrade() -> None:
    op.create_table(
        'population_change_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('unmatched', sa.Integer(), nullable=False),
        sa.Column('conflicts', sa.Integer(), nullable=False),
        sa.Column('imported_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('imported_by', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_population_change_file')),
        sa.UniqueConstraint('sha256', name=op.f('uq_population_change_file_sha256')),
    )


def downgrade() -> None:
    op.drop_table('population_change_file')
