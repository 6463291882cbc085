"""What an attacker with the database owner's rights does first: drop the trail's triggers."""

from __future__ import annotations

from sqlalchemy import Connection, text


def drop_append_only(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for table in ("audit_entry", "audit_subject"):
            conn.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
    else:
        for table in ("audit_entry", "audit_subject"):
            for event in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER {table}_no_{event}"))
