"""payments from the bank (camt.054): the bank's transaction reference and any excess of a
payment, invoices found by their reference, the files read, the payments kept for review, and
staff tasks

Revision ID: 0018_camt054
Revises: 0017_breaches
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0018_camt054'
down_revision = '0017_breaches'
branch_labels = None
depends_on = None

UtcDateTime = rekisteri.adapters.schema.base.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_ref', sa.String(length=35), nullable=True))
        batch_op.add_column(sa.Column('excess_cents', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_payment_bank_ref'), ['bank_ref'])
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_reference'), ['reference'], unique=False)

    op.create_table(
        'payment_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('message_id', sa.String(length=35), nullable=True),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('applied', sa.Integer(), nullable=False),
        sa.Column('quarantined', sa.Integer(), nullable=False),
        sa.Column('duplicates', sa.Integer(), nullable=False),
        sa.Column('imported_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('imported_by', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_file')),
        sa.UniqueConstraint('sha256', name=op.f('uq_payment_file_sha256')),
    )
    op.create_table(
        'payment_quarantine',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('entry_no', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('quarantined_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('bank_ref', sa.String(length=35), nullable=True),
        sa.Column('reference', sa.String(length=35), nullable=True),
        sa.Column('amount', sa.String(length=40), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('booked_on', sa.String(length=10), nullable=True),
        sa.Column('payer_name', sa.String(length=140), nullable=True),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('source_detail', sa.String(length=200), nullable=True),
        sa.Column('received_at', UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['file_id'], ['payment_file.id'], name=op.f('fk_payment_quarantine_file_id_payment_file')
        ),
        sa.ForeignKeyConstraint(
            ['invoice_id'], ['invoice.id'], name=op.f('fk_payment_quarantine_invoice_id_invoice')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_quarantine')),
        sa.UniqueConstraint('bank_ref', name=op.f('uq_payment_quarantine_bank_ref')),
    )
    with op.batch_alter_table('payment_quarantine', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_payment_quarantine_file_id'), ['file_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_payment_quarantine_invoice_id'), ['invoice_id'], unique=False
        )

    op.create_table(
        'staff_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject_table', sa.String(length=40), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=60), nullable=False),
        sa.Column('done_at', UtcDateTime(timezone=True), nullable=True),
        sa.Column('done_by', sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_task')),
    )
    with op.batch_alter_table('staff_task', schema=None) as batch_op:
        batch_op.create_index('ix_staff_task_open', ['done_at', 'kind'], unique=False)


def downgrade() -> None:
    op.drop_table('staff_task')
    op.drop_table('payment_quarantine')
    op.drop_table('payment_file')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_reference'))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_payment_bank_ref'), type_='unique')
        batch_op.drop_column('excess_cents')
        batch_op.drop_column('bank_ref')
