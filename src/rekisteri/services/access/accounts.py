"""Staff and partner accounts: argon2 passwords, lock-out, and scoped, expiring API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from sqlalchemy import case, literal, or_, select, update

from rekisteri.adapters.schema.access import api_token, staff_user
from rekisteri.adapters.schema.base import UtcDateTime
from rekisteri.catalogue import Purpose, Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.domain.errors import Forbidden, InvalidInput, NotFound
from rekisteri.domain.values import enum_value
from rekisteri.services.access import second_factor
from rekisteri.services.unit_of_work import Actor, UnitOfWork

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
# The password hash of an account provisioned by sign-on: no argon2 hash, so no password can
# ever match it, and password logins do not even look at such an account (claim_attempt).
SIGN_ON_ONLY = "!sign-on"


@dataclass(frozen=True)
class NewUser:
    user_id: int
    username: str
    password: str  # shown once to whoever created the account, never stored
    # The TOTP secret of a role that requires a second factor, shown once with the password.
    second_factor: second_factor.Enrolment | None = None


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
    enrolment = None
    if the_role in second_factor.REQUIRED:
        enrolment = second_factor.set_up_now(uow, int(user_id))
    return NewUser(int(user_id), name, chosen, enrolment)


class Refusal(StrEnum):
    """Why a login was refused: for the server's records and tests, never for the caller."""

    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - checked, and it did not match
    LOCKED = "locked"  # not checked: the account is locked after repeated failures
    UNKNOWN = "unknown"  # not checked: no active account of that name
    THROTTLED = "throttled"  # not checked: too many failures from the caller's address
    WRONG_CODE = "wrong_code"  # the password was right; the second factor's code was not


class LoginRefused(Forbidden):
    """A refused login. Wrong, unknown and locked get the one same message, so a refusal tells
    neither whether a user name exists nor whether its account is locked."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(
            "too many failed logins from this address; try later"
            if reason is Refusal.THROTTLED
            else "wrong or used code, or the account is locked for a while"
            if reason is Refusal.WRONG_CODE
            else "wrong username or password, or the account is locked for a while"
        )
        self.reason = reason


@dataclass(frozen=True)
class Attempt:
    """A login attempt already counted against its account, its password not yet checked."""

    user_id: int
    username: str
    role: Role
    password_hash: str
    totp_confirmed: bool


def claim_attempt(uow: UnitOfWork, username: str) -> Attempt:
    """Count an attempt as failed before its password is checked, in one statement: parallel
    attempts cannot lose a count, the one reaching the limit locks the account, and a locked
    account is refused here, before any check. A success clears the count (clear_failures)."""
    now = uow.now()
    u = staff_user.c
    # The first attempt after a lock has passed starts the count anew.
    count = case((u.locked_until.is_not(None), 1), else_=u.failed_logins + 1)
    until = literal(now + LOCKOUT, UtcDateTime())
    row = uow.execute(
        update(staff_user)
        .where(
            u.username == username.strip(),
            u.active.is_(True),
            u.password_hash != SIGN_ON_ONLY,
            or_(u.locked_until.is_(None), u.locked_until <= now),
        )
        .values(failed_logins=count, locked_until=case((count >= MAX_FAILED_LOGINS, until)))
        .returning(u.id, u.username, u.role, u.password_hash, u.totp_confirmed_at)
    ).first()
    if row is None:
        locked = uow.execute(
            select(u.id).where(
                u.username == username.strip(), u.active.is_(True), u.locked_until > now
            )
        ).first()
        raise LoginRefused(Refusal.LOCKED if locked else Refusal.UNKNOWN)
    return Attempt(
        int(row.id),
        row.username,
        Role(row.role),
        row.password_hash,
        row.totp_confirmed_at is not None,
    )


def count_failure(uow: UnitOfWork, user_id: int) -> None:
    """A failure after the password (a wrong or used second-factor code): counted toward the
    lockout like a wrong password, in one statement."""
    u = staff_user.c
    count = u.failed_logins + 1
    until = literal(uow.now() + LOCKOUT, UtcDateTime())
    uow.execute(
        update(staff_user)
        .where(u.id == user_id)
        .values(failed_logins=count, locked_until=case((count >= MAX_FAILED_LOGINS, until)))
    )


def locked(uow: UnitOfWork, user_id: int) -> bool:
    """Whether the account is locked now, or no longer active."""
    row = uow.execute(
        select(staff_user.c.active, staff_user.c.locked_until).where(staff_user.c.id == user_id)
    ).one()
    return not row.active or (row.locked_until is not None and row.locked_until > uow.now())


def check_password(attempt: Attempt, password: str) -> Actor:
    """The slow argon2 check, outside any transaction (it holds no lock while it works)."""
    try:
        _hasher.verify(attempt.password_hash, password)
    except (VerifyMismatchError, VerificationError):
        raise LoginRefused(Refusal.WRONG_PASSWORD) from None
    return Actor(attempt.username, attempt.role)


def spend_a_check(password: str) -> None:
    """The work of a check without one: an unknown or locked name takes as long to refuse as
    a wrong password, so the time of the answer tells nothing either."""
    _hasher.hash(password)


def clear_failures(uow: UnitOfWork, user_id: int) -> None:
    uow.execute(
        update(staff_user)
        .where(staff_user.c.id == user_id)
        .values(failed_logins=0, locked_until=None)
    )


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
    return _new_token(uow, user.id, name, scopes, dt.timedelta(days=days))


def _new_token(
    uow: UnitOfWork, user_id: int, name: str, scopes: Iterable[Purpose], lifetime: dt.timedelta
) -> str:
    token = "rk_" + secrets.token_urlsafe(32)
    uow.execute(
        api_token.insert().values(
            user_id=user_id,
            name=name,
            token_hash=_digest(token),
            scopes=" ".join(sorted(p.value for p in scopes)),
            expires_at=uow.now() + lifetime,
            created_at=uow.now(),
        )
    )
    return token


CLI_LOGIN = "command-line login"


def issue_login_token(uow: UnitOfWork, username: str, hours: int) -> str:
    """The token `rekisteri login` keeps: an API token of the user's role's purposes that
    lives `hours` (a working day, not the 90 days of an integration's). Only after the
    password was checked (sessions.log_in_then); revoked by `rekisteri logout`."""
    user = uow.execute(
        select(staff_user.c.id, staff_user.c.role).where(
            staff_user.c.username == username, staff_user.c.active.is_(True)
        )
    ).first()
    if user is None:
        raise NotFound("user", username)
    scopes = ROLE_PURPOSES.get(Role(user.role), frozenset())
    return _new_token(uow, int(user.id), CLI_LOGIN, scopes, dt.timedelta(hours=hours))


def revoke_token(uow: UnitOfWork, token: str) -> bool:
    """Revoke a token (logout); False when the register knows no such live token."""
    done = uow.execute(
        update(api_token)
        .where(api_token.c.token_hash == _digest(token), api_token.c.revoked_at.is_(None))
        .values(revoked_at=uow.now())
    )
    return bool(done.rowcount)


def revoke_logins(uow: UnitOfWork, user_id: int) -> None:
    """Revoke the account's command-line login tokens (not integrations' tokens: those an
    administrator issued and revokes by name)."""
    uow.execute(
        update(api_token)
        .where(
            api_token.c.user_id == user_id,
            api_token.c.name == CLI_LOGIN,
            api_token.c.revoked_at.is_(None),
        )
        .values(revoked_at=uow.now())
    )


def token_expiry(uow: UnitOfWork, token: str) -> dt.datetime | None:
    found: dt.datetime | None = uow.execute(
        select(api_token.c.expires_at).where(api_token.c.token_hash == _digest(token))
    ).scalar_one_or_none()
    return found


def user_names(uow: UnitOfWork) -> list[str]:
    """Every staff account's name (to tell a fresh register from one in use)."""
    return list(uow.execute(select(staff_user.c.username)).scalars())


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
    Accounts that already exist are left as they are. The accounts made are an entry of the
    audit trail, as an administrator's are (admin_desk.add_user)."""
    made = []
    for role, name in DEMO_USERS.items():
        if uow.execute(select(staff_user.c.id).where(staff_user.c.username == name)).first():
            continue
        made.append((role, add_user(uow, name, role)))
    if made:
        added = ", ".join(f"{new.username} ({role.value})" for role, new in made)
        uow.note_change((), (), f"demo staff users added: {added}")
    return made
