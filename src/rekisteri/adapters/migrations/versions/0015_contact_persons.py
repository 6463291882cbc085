"""contact persons of organisations; contracts sold by telephone (the call, the written offer
and its acceptance)

Revision ID: 0015_contact_persons
Revises: 0014_finvoice
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0015_contact_persons'
down_revision = '0014_finvoice'
branch_labels = None
depends_on = None

_TIME = rekisteri.adapters.schema.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'contact_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('source_detail', sa.String(length=200), nullable=True),
        sa.Column('received_at', _TIME, nullable=False),
        sa.CheckConstraint(
            "role in ('contact', 'signatory', 'invoice_receiver')",
            name=op.f('ck_contact_person_role'),
        ),
        sa.CheckConstraint(
            'valid_to is null or valid_to >= valid_from',
            name=op.f('ck_contact_person_validity'),
        ),
        sa.ForeignKeyConstraint(
            ['organisation_id'],
            ['person.id'],
            name=op.f('fk_contact_person_organisation_id_person'),
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_contact_person_person_id_person')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_person')),
    )
    op.create_index(
        op.f('ix_contact_person_organisation_id'), 'contact_person', ['organisation_id']
    )
    op.create_index(op.f('ix_contact_person_person_id'), 'contact_person', ['person_id'])
    # Nullable columns: added in place on both databases (no table rebuild on SQLite).
    op.add_column('contract', sa.Column('sales_call', sa.String(length=8), nullable=True))
    op.add_column('contract', sa.Column('sales_call_at', _TIME, nullable=True))
    op.add_column('contract', sa.Column('offer_sent_at', _TIME, nullable=True))
    op.add_column('contract', sa.Column('offer_sent_how', sa.String(length=12), nullable=True))
    op.add_column('contract', sa.Column('accepted_at', _TIME, nullable=True))
    op.add_column('contract', sa.Column('accepted_how', sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contract') as batch:
        for column in (
            'accepted_how',
            'accepted_at',
            'offer_sent_how',
            'offer_sent_at',
            'sales_call_at',
            'sales_call',
        ):
            batch.drop_column(column)
    op.drop_index(op.f('ix_contact_person_person_id'), table_name='contact_person')
    op.drop_index(op.f('ix_contact_person_organisation_id'), table_name='contact_person')
    op.drop_table('contact_person')
