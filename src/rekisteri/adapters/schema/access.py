"""Staff and partner accounts and API tokens (P7: personal user IDs and passwords)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from rekisteri.adapters.schema.base import UtcDateTime, metadata

staff_user = Table(
    "staff_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    # argon2id; an account provisioned by sign-on holds accounts.SIGN_ON_ONLY (no password).
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    # Sign-on (services/access/sign_on.py): the OpenID provider and its subject the account
    # was provisioned for; both null for a local account.
    Column("sign_on_issuer", String(300)),
    Column("sign_on_subject", String(255)),
    # TOTP, the second factor of a local account (services/access/second_factor.py): the
    # secret sealed with the register's key, when a first code confirmed it (null: enrolment
    # not finished), and the last time step a code was accepted for (a code is used once).
    Column("totp_secret", Text),
    Column("totp_confirmed_at", UtcDateTime()),
    Column("totp_last_step", BigInteger),
    Index("ix_staff_user_sign_on", "sign_on_issuer", "sign_on_subject", unique=True),
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
    # Null: a whole login. "code" or "enrol": the password was right and the session waits
    # for the second factor (sessions.resolve_session refuses it for every page but that one).
    Column("stage", String(10)),
    # Opened by sign-on: logging out also goes to the provider's end-session endpoint.
    Column("signed_on", Boolean, nullable=False, default=False, server_default=false()),
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
