"""Recipients and disclosures (P8, P10) and loans of call recordings for research (P9)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from rekisteri.adapters.schema.base import UtcDateTime, metadata

recipient = Table(
    "recipient",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("business_id", String(20)),
    Column("country", String(2), nullable=False),  # ISO 3166-1 alpha-2
    Column("agreement_ref", String(200)),
    Column("purposes", String(300), nullable=False),  # space-separated purposes
    Column("safeguard", String(20)),  # adequacy | scc | bcr; required outside the EU/EEA
    Column("safeguard_ref", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(60), nullable=False),
)

disclosure = Table(
    "disclosure",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient_id", ForeignKey("recipient.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(60), nullable=False),
    Column("purpose", String(30), nullable=False),
    Column("legal_basis", String(20), nullable=False),
    Column("categories", String(400), nullable=False),
    Column("reason", Text, nullable=False),  # why: the need, the request's wording
    Column("reference", String(200)),  # an authority's request reference, an agreement
    Column("person_count", Integer, nullable=False),
    Column("output_name", String(300)),  # the file handed over (its name, not its content)
)

disclosure_subject = Table(
    "disclosure_subject",
    metadata,
    Column("disclosure_id", ForeignKey("disclosure.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
)
Index("ix_disclosure_subject_person_id", disclosure_subject.c.person_id)

recording_loan = Table(
    "recording_loan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("disclosure_id", ForeignKey("disclosure.id"), nullable=False, unique=True),
    Column("study", String(300), nullable=False),
    Column("due_on", Date, nullable=False),  # return or destroy by this day
    Column("closed_how", String(9)),  # returned | destroyed
    Column("closed_at", UtcDateTime()),
    Column("evidence", Text),  # e.g. the destruction certificate's reference
    Column("closed_by", String(60)),
    CheckConstraint("closed_how in ('returned', 'destroyed')", name="closed_how"),
)

recording_loan_item = Table(
    "recording_loan_item",
    metadata,
    Column("loan_id", ForeignKey("recording_loan.id"), primary_key=True),
    Column("call_recording_id", ForeignKey("call_recording.id"), primary_key=True),
)
