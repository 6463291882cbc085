"""representatives of persons (a guardian, an estate's contact, a power of attorney) and the
representative who made a rights request

Revision ID: 0022_representatives
Revises: 0020_population_changes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0022_representatives'
down_revision = '0020_population_changes'
branch_labels = None
depends_on = None

_TIME = rekisteri.adapters.schema.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'representative',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('powers', sa.String(length=80), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('street', sa.String(length=200), nullable=True),
        sa.Column('postal_code', sa.String(length=10), nullable=True),
        sa.Column('post_office', sa.String(length=100), nullable=True),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('evidence', sa.String(length=30), nullable=False),
        sa.Column('evidence_ref', sa.String(length=200), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('source_detail', sa.String(length=200), nullable=True),
        sa.Column('received_at', _TIME, nullable=False),
        sa.CheckConstraint(
            "kind in ('guardian', 'estate_contact', 'power_of_attorney')",
            name=op.f('ck_representative_kind'),
        ),
        sa.CheckConstraint(
            'valid_to is null or valid_to >= valid_from',
            name=op.f('ck_representative_validity'),
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_representative_person_id_person')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_representative')),
    )
    op.create_index(op.f('ix_representative_person_id'), 'representative', ['person_id'])
    # A foreign key on an existing table: SQLite rebuilds the table in batch mode.
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representative_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_rights_request_representative_id'), ['representative_id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_rights_request_representative_id_representative'),
            'representative',
            ['representative_id'],
            ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_rights_request_representative_id_representative'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_rights_request_representative_id'))
        batch_op.drop_column('representative_id')
    op.drop_index(op.f('ix_representative_person_id'), table_name='representative')
    op.drop_table('representative')
