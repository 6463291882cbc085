"""what the population register tells of a person beyond name and address: a non-disclosure for
personal safety (turvakielto), a ban on direct marketing with population-register data, and
guardianship (edunvalvonta)

Revision ID: 0019_population_flags
Revises: 0018_camt054
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019_population_flags'
down_revision = '0018_camt054'
branch_labels = None
depends_on = None

_FLAGS = ('non_disclosure', 'population_marketing_ban', 'under_guardianship')


def upgrade() -> None:
    # Not-null with a constant default: added in place on both databases (no table rebuild).
    for name in _FLAGS:
        op.add_column(
            'person',
            sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()),
        )


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        for name in reversed(_FLAGS):
            batch_op.drop_column(name)
