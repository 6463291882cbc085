"""Tables of the update sources (issue 16): which update files were applied, and the
address-change notices a mover service sent that the register could not apply by itself.

A person's trade-register status is kept on the person row (schema/register.py)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, UniqueConstraint

from rekisteri.adapters.schema.base import UtcDateTime, metadata, provenance_columns

update_file = Table(
    # Every update file applied once, by its source and content hash: the same file again
    # changes nothing and is reported as already applied. Counts, not personal data.
    "update_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(20), nullable=False),  # trade_register | address_changes
    Column("sha256", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("records", Integer, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("unmatched", Integer, nullable=False),
    Column("conflicts", Integer, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("imported_by", String(60), nullable=False),
    UniqueConstraint("source", "sha256"),
)

address_notice = Table(
    # An address-change notice not applied: no person or several (namesakes at one address)
    # matched it, or the person gave a newer address. Kept as the service sent it for staff (a
    # staff task names it); linked to a person only when exactly one matched (a conflict),
    # never by a guess.
    "address_notice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", ForeignKey("update_file.id"), nullable=False, index=True),
    Column("record_no", Integer, nullable=False),
    Column("person_id", ForeignKey("person.id"), index=True),
    Column("held_at", UtcDateTime(), nullable=False),
    Column("reason", String(300), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("first_names", String(100), nullable=False),
    Column("previous_street", String(200), nullable=False),
    Column("previous_postal_code", String(10), nullable=False),
    Column("previous_post_office", String(100)),
    Column("new_street", String(200), nullable=False),
    Column("new_postal_code", String(10), nullable=False),
    Column("new_post_office", String(100), nullable=False),
    Column("new_country", String(2), nullable=False),
    Column("moved_on", Date, nullable=False),
    *provenance_columns(),
)
