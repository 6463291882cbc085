"""Personal data breaches (GDPR Art. 33/34): the DPO's accountability record.

`breach` is the incident as the DPO records it (what, when noticed, by whom, the scope's
criteria, the assessment, the notification to the Ombudsman, the texts of the notices); it
names no person. `breach_subject` links the persons in its scope, with the categories of their
data concerned and how they were told. `breach_event` is the log of every step taken.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from rekisteri.adapters.schema.base import UtcDateTime, metadata

breach = Table(
    "breach",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),  # TL-2026-0001
    Column("kind", String(15), nullable=False),  # confidentiality | integrity | availability
    Column("summary", Text, nullable=False),  # what happened, in the DPO's words (no names)
    Column("aware_at", UtcDateTime(), nullable=False),  # the 72 hours count from here
    Column("noticed_by", String(200), nullable=False),
    Column("started_at", UtcDateTime()),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(60), nullable=False),
    # The scope's criteria (all given ones must hold) and what it found.
    Column("scope_user", String(60)),
    Column("scope_token_id", Integer),
    Column("scope_session_id", Integer),
    Column("scope_export_id", Integer),
    Column("scope_from", UtcDateTime()),
    Column("scope_to", UtcDateTime()),
    Column("scope_at", UtcDateTime()),
    Column("person_count", Integer),
    Column("categories", String(400)),  # space-separated, sorted
    # The assessment.
    Column("risk", String(4)),  # none | risk | high
    Column("notify_authority", Boolean),
    Column("notify_persons", Boolean),
    Column("reasons", Text),
    Column("assessed_at", UtcDateTime()),
    Column("assessed_by", String(60)),
    # The texts of the notices to the persons, in each language (Art. 34(2)).
    Column("consequences_fi", Text),
    Column("consequences_sv", Text),
    Column("consequences_en", Text),
    Column("measures_fi", Text),
    Column("measures_sv", Text),
    Column("measures_en", Text),
    # The notification to the Ombudsman (Art. 33).
    Column("authority_notified_at", UtcDateTime()),
    Column("authority_reference", String(200)),
    Column("delay_reason", Text),  # Art. 33(1): why it came after the 72 hours
    CheckConstraint("kind in ('confidentiality', 'integrity', 'availability')", name="kind"),
    CheckConstraint("risk in ('none', 'risk', 'high')", name="risk"),
)

breach_subject = Table(
    "breach_subject",
    metadata,
    Column("breach_id", ForeignKey("breach.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("categories", String(400), nullable=False),  # what of the person's data it touched
    Column("found_at", UtcDateTime(), nullable=False),  # when the scope found the person
    Column("notice_channel", String(6)),  # email | letter
    Column("notice_lang", String(2)),
    Column("notice_sent_at", UtcDateTime()),
    CheckConstraint("notice_channel in ('email', 'letter')", name="notice_channel"),
)

breach_event = Table(
    "breach_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("breach_id", ForeignKey("breach.id"), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(60), nullable=False),
    Column("step", String(10), nullable=False),  # open | scope | assess | notify | notices
    Column("detail", String(600), nullable=False),  # counts and criteria, never a person
)
