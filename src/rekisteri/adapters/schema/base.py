"""The one SQLAlchemy MetaData every table module registers on, with stable constraint names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on both SQLite (which has no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def provenance_columns() -> list[Column[Any]]:
    """Where a row's personal data came from and when (P2)."""
    return [
        Column("source", String(40), nullable=False),
        Column("source_detail", String(200)),
        Column("received_at", UtcDateTime(), nullable=False),
    ]


def encrypted_columns(name: str) -> list[Column[Any]]:
    """A sensitive identifier: AES-GCM ciphertext, the key id it was sealed with, a blind index."""
    return [
        Column(f"{name}_ct", LargeBinary),
        Column(f"{name}_key", String(32)),
        Column(f"{name}_bidx", String(64), index=True),
    ]
