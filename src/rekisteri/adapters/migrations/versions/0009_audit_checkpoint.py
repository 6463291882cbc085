"""audit checkpoint: entries past their period may be pruned, behind a checkpoint entry

Revision ID: 0009_audit_checkpoint
Revises: 0005_need_to_know

The append-only triggers now let a DELETE through while `audit_prune_permit` holds a row. Only
the pruning transaction writes that row and removes it before it commits, so no other
transaction sees it; whoever deletes entries another way is refused by the triggers, and if
they drop the triggers first, `audit verify` names the entries that are missing without a
checkpoint.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009_audit_checkpoint'
down_revision = '0005_need_to_know'
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_entry", "audit_subject")


def upgrade() -> None:
    op.create_table(
        'audit_prune_permit',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_prune_permit')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN "
            "IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_prune_permit) THEN "
            "RETURN OLD; END IF; "
            "RAISE EXCEPTION 'the audit trail is append-only'; END $$"
        )
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM audit_prune_permit) "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$"
        )
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )
    op.drop_table('audit_prune_permit')
