"""breaches: the DPO's register of personal data breaches (GDPR Art. 33/34), the persons in
each one's scope and the log of its steps

Revision ID: 0017_breaches
Revises: 0016_backups
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = "0017_breaches"
down_revision = "0016_backups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "aware_at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("noticed_by", sa.String(length=200), nullable=False),
        sa.Column(
            "started_at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "recorded_at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("scope_user", sa.String(length=60), nullable=True),
        sa.Column("scope_token_id", sa.Integer(), nullable=True),
        sa.Column("scope_session_id", sa.Integer(), nullable=True),
        sa.Column("scope_export_id", sa.Integer(), nullable=True),
        sa.Column(
            "scope_from", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "scope_to", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "scope_at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("person_count", sa.Integer(), nullable=True),
        sa.Column("categories", sa.String(length=400), nullable=True),
        sa.Column("risk", sa.String(length=4), nullable=True),
        sa.Column("notify_authority", sa.Boolean(), nullable=True),
        sa.Column("notify_persons", sa.Boolean(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column(
            "assessed_at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("assessed_by", sa.String(length=60), nullable=True),
        sa.Column("consequences_fi", sa.Text(), nullable=True),
        sa.Column("consequences_sv", sa.Text(), nullable=True),
        sa.Column("consequences_en", sa.Text(), nullable=True),
        sa.Column("measures_fi", sa.Text(), nullable=True),
        sa.Column("measures_sv", sa.Text(), nullable=True),
        sa.Column("measures_en", sa.Text(), nullable=True),
        sa.Column(
            "authority_notified_at",
            rekisteri.adapters.schema.base.UtcDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("authority_reference", sa.String(length=200), nullable=True),
        sa.Column("delay_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind in ('confidentiality', 'integrity', 'availability')", name=op.f("ck_breach_kind")
        ),
        sa.CheckConstraint("risk in ('none', 'risk', 'high')", name=op.f("ck_breach_risk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach")),
        sa.UniqueConstraint("reference", name=op.f("uq_breach_reference")),
    )
    op.create_table(
        "breach_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("step", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"], ["breach.id"], name=op.f("fk_breach_event_breach_id_breach")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_event")),
    )
    with op.batch_alter_table("breach_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_event_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_subject",
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("categories", sa.String(length=400), nullable=False),
        sa.Column(
            "found_at", rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("notice_channel", sa.String(length=6), nullable=True),
        sa.Column("notice_lang", sa.String(length=2), nullable=True),
        sa.Column(
            "notice_sent_at",
            rekisteri.adapters.schema.base.UtcDateTime(timezone=True),
            nullable=True,
        ),
        sa.CheckConstraint(
            "notice_channel in ('email', 'letter')", name=op.f("ck_breach_subject_notice_channel")
        ),
        sa.ForeignKeyConstraint(
            ["breach_id"], ["breach.id"], name=op.f("fk_breach_subject_breach_id_breach")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_breach_subject_person_id_person")
        ),
        sa.PrimaryKeyConstraint("breach_id", "person_id", name=op.f("pk_breach_subject")),
    )


def downgrade() -> None:
    op.drop_table("breach_subject")
    with op.batch_alter_table("breach_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_event_breach_id"))

    op.drop_table("breach_event")
    op.drop_table("breach")
