"""what the archive's consumption job found: monthly totals and peak hours per person and
metering point, and each person's peak hour

Revision ID: 0033_consumption_totals
Revises: 0032_correction_of_archived
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0033_consumption_totals'
down_revision = '0032_correction_of_archived'
branch_labels = None
depends_on = None


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        'consumption_month',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('metering_point_id', sa.Integer(), nullable=False),
        sa.Column('gsrn', sa.String(length=18), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('wh', sa.BigInteger(), nullable=False),
        sa.Column('readings', sa.Integer(), nullable=False),
        sa.Column('missing', sa.Integer(), nullable=False),
        sa.Column('night_wh', sa.BigInteger(), nullable=False),
        sa.Column(
            'peak_start', rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column('peak_wh', sa.BigInteger(), nullable=True),
        _at('computed_at'),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_consumption_month_person_id_person')
        ),
        sa.PrimaryKeyConstraint(
            'person_id', 'metering_point_id', 'month', name=op.f('pk_consumption_month')
        ),
    )
    op.create_table(
        'consumption_peak',
        sa.Column('person_id', sa.Integer(), nullable=False),
        _at('hour_start'),
        sa.Column('wh', sa.BigInteger(), nullable=False),
        _at('computed_at'),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_consumption_peak_person_id_person')
        ),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_consumption_peak')),
    )


def downgrade() -> None:
    op.drop_table('consumption_peak')
    op.drop_table('consumption_month')
