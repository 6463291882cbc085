"""updates from the trade register and a mover service: an organisation's trade-register
status, the update files applied, and the address-change notices held for staff

Revision ID: 0024_address_updates
Revises: 0023_credit_checks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0024_address_updates'
down_revision = '0023_credit_checks'
branch_labels = None
depends_on = None

UtcDateTime = rekisteri.adapters.schema.base.UtcDateTime


def upgrade() -> None:
    # Nullable columns: added in place on both databases (no table rebuild).
    op.add_column('person', sa.Column('trade_status', sa.String(length=14), nullable=True))
    op.add_column('person', sa.Column('trade_status_on', sa.Date(), nullable=True))
    op.create_table(
        'update_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('unmatched', sa.Integer(), nullable=False),
        sa.Column('conflicts', sa.Integer(), nullable=False),
        sa.Column('imported_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('imported_by', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_update_file')),
        sa.UniqueConstraint('source', 'sha256', name=op.f('uq_update_file_source')),
    )
    op.create_table(
        'address_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('record_no', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('held_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('first_names', sa.String(length=100), nullable=False),
        sa.Column('previous_street', sa.String(length=200), nullable=False),
        sa.Column('previous_postal_code', sa.String(length=10), nullable=False),
        sa.Column('previous_post_office', sa.String(length=100), nullable=True),
        sa.Column('new_street', sa.String(length=200), nullable=False),
        sa.Column('new_postal_code', sa.String(length=10), nullable=False),
        sa.Column('new_post_office', sa.String(length=100), nullable=False),
        sa.Column('new_country', sa.String(length=2), nullable=False),
        sa.Column('moved_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('source_detail', sa.String(length=200), nullable=True),
        sa.Column('received_at', UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['file_id'], ['update_file.id'], name=op.f('fk_address_notice_file_id_update_file')
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_address_notice_person_id_person')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_address_notice')),
    )
    with op.batch_alter_table('address_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_notice_file_id'), ['file_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_address_notice_person_id'), ['person_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('address_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_notice_person_id'))
        batch_op.drop_index(batch_op.f('ix_address_notice_file_id'))
    op.drop_table('address_notice')
    op.drop_table('update_file')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('trade_status_on')
        batch_op.drop_column('trade_status')
