"""a replaced reading kept in the archive only: its file is not known there

Revision ID: 0032_correction_of_archived
Revises: 0031_person_reach_deferral

A late correction of a month the database no longer holds replaces a reading the archive
kept; the sync records the replaced value in reading_correction like the import does, but the
archive keeps no file per reading, so `file_id` may be empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0032_correction_of_archived'
down_revision = '0031_person_reach_deferral'
branch_labels = None
depends_on = '0002_consumption'  # reading_correction is made there (another branch of the graph)


def upgrade() -> None:
    with op.batch_alter_table('reading_correction', schema=None) as batch_op:
        batch_op.alter_column('file_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM reading_correction WHERE file_id IS NULL")
    with op.batch_alter_table('reading_correction', schema=None) as batch_op:
        batch_op.alter_column('file_id', existing_type=sa.Integer(), nullable=False)
