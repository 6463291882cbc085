"""The population register's change files read (services/population): not personal data, the
record that a file was applied, so the same file twice changes nothing."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, metadata

population_change_file = Table(
    "population_change_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("records", Integer, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("unmatched", Integer, nullable=False),
    Column("conflicts", Integer, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("imported_by", String(60), nullable=False),
)
