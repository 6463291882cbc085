"""staff sign-on: accounts provisioned by an OpenID provider (its issuer and subject), TOTP as a
second factor of local accounts (the sealed secret, when it was confirmed, the last time step
used), and the stage of a login session (waiting for the code or the enrolment) and whether it
came by sign-on

Revision ID: 0026_staff_sign_on
Revises: 0025_market_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base

revision = '0026_staff_sign_on'
down_revision = '0025_market_events'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns, or not-null with a constant default: added in place on both databases.
    op.add_column('staff_user', sa.Column('sign_on_issuer', sa.String(300)))
    op.add_column('staff_user', sa.Column('sign_on_subject', sa.String(255)))
    op.add_column('staff_user', sa.Column('totp_secret', sa.Text()))
    op.add_column('staff_user', sa.Column('totp_confirmed_at', rekisteri.adapters.schema.base.UtcDateTime(timezone=True)))
    op.add_column('staff_user', sa.Column('totp_last_step', sa.BigInteger()))
    # One account per subject of a provider (a unique index: no table rebuild on SQLite).
    op.create_index(
        'ix_staff_user_sign_on', 'staff_user', ['sign_on_issuer', 'sign_on_subject'], unique=True
    )
    op.add_column('staff_session', sa.Column('stage', sa.String(10)))
    op.add_column(
        'staff_session',
        sa.Column('signed_on', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_column('signed_on')
        batch_op.drop_column('stage')
    op.drop_index('ix_staff_user_sign_on', table_name='staff_user')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        for name in ('totp_last_step', 'totp_confirmed_at', 'totp_secret', 'sign_on_subject',
                     'sign_on_issuer'):
            batch_op.drop_column(name)
