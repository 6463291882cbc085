"""notices to recipients on every path: a notice may be planned without a request (staff
rectification, erasure or restriction outside one), says which event it tells of, which
disclosures the recipient got the data in, and outlives the person it concerns (unlinked)

Revision ID: 0011_notices_every_path
Revises: 0010_request_throttle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_notices_every_path'
down_revision = '0010_request_throttle'
branch_labels = None
# The table is the rights branch's (0004), which 0010's branch does not pass through.
depends_on = '0004_rights'


def upgrade() -> None:
    with op.batch_alter_table('recipient_notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column('disclosures', sa.String(length=500), nullable=True))
        batch_op.alter_column('request_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=True)
    # Every notice so far was planned by fulfilling a request: it tells of that request's kind.
    op.execute(
        "UPDATE recipient_notification SET event = (SELECT kind FROM rights_request "
        "WHERE rights_request.id = recipient_notification.request_id)"
    )
    with op.batch_alter_table('recipient_notification', schema=None) as batch_op:
        batch_op.alter_column('event', existing_type=sa.String(length=13), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_recipient_notification_event'),
            "event in ('rectification', 'erasure', 'restriction')",
        )


def downgrade() -> None:
    # Notices planned without a request, or of a person since purged, have no place in the
    # older table: they go.
    op.execute(
        "DELETE FROM recipient_notification WHERE request_id IS NULL OR person_id IS NULL"
    )
    with op.batch_alter_table('recipient_notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_recipient_notification_event'), type_='check')
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('request_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('disclosures')
        batch_op.drop_column('event')
