"""Staff and partner accounts: argon2 passwords, lock-out, and scoped, expiring API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from sqlalchemy import select, update

from rekisteri.adapters.schema.access import api_token, staff_user
from rekisteri.catalogue import Purpose, Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.domain.errors import Forbidden, InvalidInput, NotFound
from rekisteri.domain.values import enum_value
from rekisteri.services.unit_of_work import Actor, UnitOfWork

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12


@dataclass(frozen=True)
class NewUser:
    user_id: int
    username: str
    password: str  # shown once to whoever created the account, never stored


def add_user(
    uow: UnitOfWork,
    username: str,
    role: Role | str,
    password: str | None = None,
) -> NewUser:
    name = username.strip()
    if not re.fullmatch(r"[a-z][a-z0-9._-]{2,59}", name):
        raise InvalidInput("username", "use 3-60 lower-case letters, digits, '.', '_' or '-'")
    the_role = enum_value(Role, role, "role")
    if uow.execute(select(staff_user.c.id).where(staff_user.c.username == name)).first():
        raise InvalidInput("username", f"{name} already exists")
    chosen = password or secrets.token_urlsafe(15)
    if len(chosen) < MIN_PASSWORD:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD} characters")
    user_id = uow.execute(
        staff_user.insert().values(
            username=name,
            role=the_role.value,
            password_hash=_hasher.hash(chosen),
            active=True,
            failed_logins=0,
            created_at=uow.now(),
        )
    ).inserted_primary_key[0]
    return NewUser(int(user_id), name, chosen)


def authenticate(uow: UnitOfWork, username: str, password: str) -> Actor:
    """Check a password; repeated failures lock the account for a while."""
    row = uow.execute(select(staff_user).where(staff_user.c.username == username.strip())).first()
    refused = Forbidden("wrong username or password")
    if row is None or not row.active:
        _hasher.hash(password)  # same work either way: no timing hint that the name exists
        raise refused
    now = uow.now()
    if row.locked_until and row.locked_until > now:
        raise Forbidden("the account is locked after repeated failed logins; try later")
    try:
        _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError):
        failed = row.failed_logins + 1
        locked = now + LOCKOUT if failed >= MAX_FAILED_LOGINS else None
        uow.execute(
            update(staff_user)
            .where(staff_user.c.id == row.id)
            .values(failed_logins=0 if locked else failed, locked_until=locked)
        )
        raise refused from None
    uow.execute(
        update(staff_user)
        .where(staff_user.c.id == row.id)
        .values(failed_logins=0, locked_until=None)
    )
    return Actor(row.username, Role(row.role))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    uow: UnitOfWork, username: str, name: str, scopes: list[Purpose] | None, days: int = 90
) -> str:
    """A bearer token for an integration, limited to purposes (None: the user's role's) and
    to a lifetime."""
    user = uow.execute(select(staff_user).where(staff_user.c.username == username)).first()
    if user is None:
        raise NotFound("user", username)
    if scopes is None:
        scopes = sorted(ROLE_PURPOSES.get(Role(user.role), ()))
    if not scopes:
        raise InvalidInput("scopes", "a token needs at least one purpose")
    if not 1 <= days <= 366:
        raise InvalidInput("days", "a token lives 1-366 days")
    token = "rk_" + secrets.token_urlsafe(32)
    uow.execute(
        api_token.insert().values(
            user_id=user.id,
            name=name,
            token_hash=_digest(token),
            scopes=" ".join(sorted(p.value for p in scopes)),
            expires_at=uow.now() + dt.timedelta(days=days),
            created_at=uow.now(),
        )
    )
    return token


@dataclass(frozen=True)
class TokenActor:
    actor: Actor
    scopes: frozenset[Purpose]


def resolve_token(uow: UnitOfWork, token: str) -> TokenActor:
    row = uow.execute(
        select(
            api_token.c.scopes,
            api_token.c.expires_at,
            api_token.c.revoked_at,
            staff_user.c.username,
            staff_user.c.role,
            staff_user.c.active,
        )
        .join(staff_user, staff_user.c.id == api_token.c.user_id)
        .where(api_token.c.token_hash == _digest(token))
    ).first()
    if row is None or row.revoked_at is not None or not row.active:
        raise Forbidden("unknown or revoked token")
    if row.expires_at <= uow.now():
        raise Forbidden("the token has expired")
    return TokenActor(
        Actor(row.username, Role(row.role)), frozenset(Purpose(p) for p in row.scopes.split())
    )


# One demo account per role, in the register's own words (Finnish user IDs).
DEMO_USERS: dict[Role, str] = {
    Role.CUSTOMER_SERVICE: "demo.asiakaspalvelu",
    Role.BILLING: "demo.laskutus",
    Role.MARKETING: "demo.markkinointi",
    Role.DPO: "demo.tietosuoja",
    Role.ADMINISTRATOR: "demo.yllapito",
    Role.PROCESSOR: "demo.kumppani",
}


def add_demo_users(uow: UnitOfWork) -> list[tuple[Role, NewUser]]:
    """Demo staff, one per role, each with a generated password (none exists by default).
    Accounts that already exist are left as they are."""
    made = []
    for role, name in DEMO_USERS.items():
        if uow.execute(select(staff_user.c.id).where(staff_user.c.username == name)).first():
            continue
        made.append((role, add_user(uow, name, role)))
    return made
