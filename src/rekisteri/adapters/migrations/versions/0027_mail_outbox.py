"""the mail queue: messages to persons kept sealed until the mail server takes them

Revision ID: 0027_mail_outbox
Revises: 0026_staff_sign_on
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0027_mail_outbox'
down_revision = '0026_staff_sign_on'
branch_labels = None
depends_on = None

_TIME = rekisteri.adapters.schema.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('queued_at', _TIME, nullable=False),
        sa.Column('message_ct', sa.LargeBinary(), nullable=True),
        sa.Column('message_key', sa.String(length=32), nullable=True),
        sa.Column('message_bidx', sa.String(length=64), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', _TIME, nullable=False),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('sent_at', _TIME, nullable=True),
        sa.Column('gave_up_at', _TIME, nullable=True),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_mail_outbox_attempts')),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_mail_outbox_person_id_person')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    )
    op.create_index(op.f('ix_mail_outbox_person_id'), 'mail_outbox', ['person_id'])
    op.create_index(
        op.f('ix_mail_outbox_message_bidx'), 'mail_outbox', ['message_bidx']
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['sent_at', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_table('mail_outbox')
