"""marketing state: the consent ledger's latest event per (person, purpose, channel)

Revision ID: 0007_marketing_state
Revises: 0006_audience_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0007_marketing_state'
down_revision = '0006_audience_indexes'
branch_labels = None
depends_on = None

# The latest event of every key, as services.ledger_state.latest_of_every_key ranks them (by
# time, then arrival), in the table's key order.
BACKFILL = """INSERT INTO consent_state
    (purpose, channel, person_id, event_id, event, at, expires_at)
SELECT purpose, channel, person_id, id, event, at, expires_at FROM (
    SELECT purpose, channel, person_id, id, event, at, expires_at,
        row_number() OVER (
            PARTITION BY purpose, channel, person_id ORDER BY at DESC, id DESC
        ) AS rank
    FROM consent_event
) ranked
WHERE rank = 1
ORDER BY purpose, channel, person_id"""


def upgrade() -> None:
    op.create_table('consent_state',
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=12), nullable=False),
    sa.Column('at', rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['consent_event.id'], name=op.f('fk_consent_state_event_id_consent_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consent_state_person_id_person')),
    sa.PrimaryKeyConstraint('purpose', 'channel', 'person_id', name=op.f('pk_consent_state')),
    sqlite_with_rowid=False
    )
    op.execute(BACKFILL)
    with op.batch_alter_table('consent_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_state_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_state_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consent_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_state_person_id'))
        batch_op.drop_index(batch_op.f('ix_consent_state_event_id'))

    op.drop_table('consent_state')
