"""finvoice: invoices from the billing system's Finvoice files (their delivery method, the files)

Revision ID: 0014_finvoice
Revises: 0013_service_data
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0014_finvoice'
down_revision = '0013_service_data'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place (no copy of the table).
    op.add_column('invoice', sa.Column('delivery_method', sa.String(length=16), nullable=True))
    op.create_table(
        'invoice_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('messages', sa.Integer(), nullable=False),
        sa.Column('invoices_new', sa.Integer(), nullable=False),
        sa.Column('invoices_changed', sa.Integer(), nullable=False),
        sa.Column(
            'imported_at',
            rekisteri.adapters.schema.base.UtcDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column('imported_by', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_file')),
        sa.UniqueConstraint('sha256', name=op.f('uq_invoice_file_sha256')),
    )


def downgrade() -> None:
    op.drop_table('invoice_file')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('delivery_method')
