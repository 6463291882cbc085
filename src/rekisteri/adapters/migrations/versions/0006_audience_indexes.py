"""audience indexes: the ledger by (purpose, channel) first; contact points newest first

Revision ID: 0006_audience_indexes
Revises: 0003_marketing
"""

from __future__ import annotations

from alembic import op


revision = '0006_audience_indexes'
down_revision = '0003_marketing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.create_index('ix_consent_event_audience', ['purpose', 'channel', 'person_id', 'at', 'id', 'event', 'expires_at'], unique=False)

    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_point_person_kind')
        batch_op.create_index('ix_contact_point_newest', ['person_id', 'kind', 'valid_from', 'id', 'valid_to'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_point_newest')
        batch_op.create_index('ix_contact_point_person_kind', ['person_id', 'kind', 'valid_from', 'valid_to'], unique=False)

    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_event_audience')
