"""Staff tasks: work the register hands to people (a payment to review, later address updates
and ceased companies). A task names its subject by table and row; the personal data stays in
that row, so a task carries none itself."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, metadata

staff_task = Table(
    "staff_task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("subject_table", String(40), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("reason", String(300), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(60), nullable=False),
    Column("done_at", UtcDateTime()),
    Column("done_by", String(60)),
)
Index("ix_staff_task_open", staff_task.c.done_at, staff_task.c.kind)
