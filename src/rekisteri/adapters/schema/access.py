"""Staff and partner accounts and API tokens (P7: personal user IDs and passwords)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, metadata

staff_user = Table(
    "staff_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),  # argon2id
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("staff_user.id"), nullable=False, index=True),
    Column("name", String(60), nullable=False),
    # SHA-256 of a 256-bit random token: the token is never stored; a high-entropy secret
    # needs no slow hash, and lookups stay one index probe.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(300), nullable=False),  # space-separated purposes
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
)

staff_session = Table(
    "staff_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("staff_user.id"), nullable=False, index=True),
    # SHA-256 of the cookie's 256-bit random value; the value itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("idle_until", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
)

# Counters of attempts per client address and time window (failed logins, the public request
# form), so every server process sees the same counts. `source` is a keyed digest of the
# address (never the address itself), or "*" for a count over all addresses. Rows are deleted
# as soon as their window has passed (services/access/throttle.py).
request_throttle = Table(
    "request_throttle",
    metadata,
    Column("scope", String(20), primary_key=True),
    Column("window_start", UtcDateTime(), primary_key=True),
    Column("source", String(32), primary_key=True),
    Column("hits", Integer, nullable=False),
)

# The named system actors that jobs run as (imports, the retention run, key rotation...): a job
# whose actor an administrator has not enabled is refused (services/access/system_actors.py).
# One row per actor ever enabled; disabling keeps the row with enabled false.
system_actor = Table(
    "system_actor",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("changed_by", String(60), nullable=False),
)
