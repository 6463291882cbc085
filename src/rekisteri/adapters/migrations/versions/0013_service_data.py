"""service data: devices' removal day, feed references of contacts and feedback, feedback's contact

Revision ID: 0013_service_data
Revises: 0012_cli_login
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0013_service_data'
down_revision = '0012_cli_login'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_ref', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_contact_log_feed_ref'), ['feed_ref'])
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_log_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('feed_ref', sa.String(length=80), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_feedback_contact_log_id'), ['contact_log_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_feedback_contact_log_id_contact_log'),
            'contact_log',
            ['contact_log_id'],
            ['id'],
        )
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_feed_ref'), ['feed_ref'])


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_feedback_feed_ref'), type_='unique')
        batch_op.drop_constraint(
            batch_op.f('fk_feedback_contact_log_id_contact_log'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_feedback_contact_log_id'))
        batch_op.drop_column('feed_ref')
        batch_op.drop_column('contact_log_id')
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_contact_log_feed_ref'), type_='unique')
        batch_op.drop_column('feed_ref')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('removed_on')
