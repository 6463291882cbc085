"""the access package's delivery: sealed package, single-use link, one-time code, hand-over

Revision ID: 0028_package_delivery
Revises: 0027_mail_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0028_package_delivery'
down_revision = '0027_mail_outbox'
branch_labels = None
depends_on = None

_TIME = rekisteri.adapters.schema.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'package_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', _TIME, nullable=False),
        sa.Column('expires_at', _TIME, nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('notice', sa.String(length=12), nullable=False),
        sa.Column('categories', sa.String(length=400), nullable=False),
        sa.Column('file_ref', sa.String(length=40), nullable=True),
        sa.Column('file_size', sa.Integer(), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        sa.Column('code_sent_at', _TIME, nullable=True),
        sa.Column('code_expires_at', _TIME, nullable=True),
        sa.Column('codes_sent', sa.Integer(), nullable=False),
        sa.Column('wrong_codes', sa.Integer(), nullable=False),
        sa.Column('locked_at', _TIME, nullable=True),
        sa.Column('downloaded_at', _TIME, nullable=True),
        sa.Column('file_deleted_at', _TIME, nullable=True),
        sa.Column('handed_over', sa.String(length=12), nullable=True),
        sa.Column('handed_over_at', _TIME, nullable=True),
        sa.Column('handed_over_by', sa.String(length=60), nullable=True),
        sa.Column('handed_over_note', sa.String(length=300), nullable=True),
        sa.Column('letter_ct', sa.LargeBinary(), nullable=True),
        sa.Column('letter_key', sa.String(length=32), nullable=True),
        sa.Column('letter_bidx', sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "notice in ('email', 'letter')", name=op.f('ck_package_delivery_notice')
        ),
        sa.CheckConstraint(
            "handed_over in ('in_person', 'letter')",
            name=op.f('ck_package_delivery_handed_over'),
        ),
        sa.CheckConstraint(
            'wrong_codes >= 0 and codes_sent >= 0', name=op.f('ck_package_delivery_counts')
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_package_delivery_person_id_person')
        ),
        sa.ForeignKeyConstraint(
            ['request_id'],
            ['rights_request.id'],
            name=op.f('fk_package_delivery_request_id_rights_request'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_package_delivery')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_package_delivery_token_hash')),
    )
    op.create_index(op.f('ix_package_delivery_person_id'), 'package_delivery', ['person_id'])
    op.create_index(op.f('ix_package_delivery_request_id'), 'package_delivery', ['request_id'])
    op.create_index(op.f('ix_package_delivery_letter_bidx'), 'package_delivery', ['letter_bidx'])


def downgrade() -> None:
    op.drop_table('package_delivery')
