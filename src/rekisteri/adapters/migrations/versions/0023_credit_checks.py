"""credit information checks made when a contract is made: the service's answer (decision,
payment-default entries, deposit) and a person's review of an automated decision

Revision ID: 0023_credit_checks
Revises: 0022_representatives
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0023_credit_checks'
down_revision = '0022_representatives'
branch_labels = None
depends_on = None

UtcDateTime = rekisteri.adapters.schema.base.UtcDateTime


def upgrade() -> None:
    op.create_table(
        'credit_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=True),
        sa.Column('disclosure_id', sa.Integer(), nullable=True),
        sa.Column('checked_on', sa.Date(), nullable=False),
        sa.Column('purpose_code', sa.String(length=20), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('decision', sa.String(length=8), nullable=False),
        sa.Column('default_entries', sa.Integer(), nullable=False),
        sa.Column('deposit_cents', sa.Integer(), nullable=False),
        sa.Column('automated', sa.Boolean(), nullable=False),
        sa.Column('review_requested_at', UtcDateTime(timezone=True), nullable=True),
        sa.Column('review_outcome', sa.String(length=16), nullable=True),
        sa.Column('review_deposit_cents', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', UtcDateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by', sa.String(length=60), nullable=True),
        sa.Column('review_note', sa.String(length=500), nullable=True),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('source_detail', sa.String(length=200), nullable=True),
        sa.Column('received_at', UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['contract_id'], ['contract.id'], name=op.f('fk_credit_check_contract_id_contract')
        ),
        sa.ForeignKeyConstraint(
            ['disclosure_id'],
            ['disclosure.id'],
            name=op.f('fk_credit_check_disclosure_id_disclosure'),
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_credit_check_person_id_person')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_check')),
    )
    with op.batch_alter_table('credit_check', schema=None) as batch_op:
        for column in ('person_id', 'contract_id', 'disclosure_id', 'checked_on'):
            batch_op.create_index(batch_op.f(f'ix_credit_check_{column}'), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('credit_check', schema=None) as batch_op:
        for column in ('checked_on', 'disclosure_id', 'contract_id', 'person_id'):
            batch_op.drop_index(batch_op.f(f'ix_credit_check_{column}'))
    op.drop_table('credit_check')
