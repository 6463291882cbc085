"""The audit trail (P7, P16): append-only, hash-chained entries of every read and change.

`audit_entry.seq` is the position in the chain; each entry's `entry_hash` is a keyed hash of
the previous entry's hash and the entry itself, so a changed, deleted, inserted or reordered
entry breaks the chain at that entry. `audit_chain_head` is one row: the last seq and hash
(and a keyed tag over them, so cutting entries off the end is noticed too); appending locks it,
which keeps the chain a chain with several server processes.
`audit_subject` indexes whose data an entry touched, for "who read this person's data".
Entries past their period are pruned behind a checkpoint entry (adapters/audit_chain.py); the
triggers refuse deletes except while `audit_prune_permit` holds a row, which only the pruning
transaction writes and removes (uncommitted, so no other transaction ever sees it).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from rekisteri.adapters.schema.base import UtcDateTime, metadata

audit_entry = Table(
    "audit_entry",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(60), nullable=False),
    Column("role", String(20)),  # null: the system itself, or the person on their own data
    Column("subject_self", Integer),  # the person's id when the person acts on their own data
    Column("purpose", String(30)),
    Column("via", String(200), nullable=False),  # "GET /api/v1/persons/{key}" or a command
    Column("action", String(6), nullable=False),  # read | change
    Column("outcome", String(7), nullable=False),  # allowed | denied
    Column("categories", String(400), nullable=False),  # space-separated, sorted
    Column("person_ids", Text, nullable=False),  # space-separated, sorted
    Column("what", String(400), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
)
Index("ix_audit_entry_at", audit_entry.c.at)

audit_subject = Table(
    "audit_subject",
    metadata,
    Column("seq", ForeignKey("audit_entry.seq"), primary_key=True),
    Column("person_id", Integer, primary_key=True),  # no foreign key: erasure keeps the trail
)
Index("ix_audit_subject_person_id", audit_subject.c.person_id)

audit_prune_permit = Table(
    "audit_prune_permit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1, inside a prune
)

audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("seq", Integer, nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("tag", String(64), nullable=False),
)
