"""TOTP (RFC 6238), the second factor of local staff accounts (P7).

Required for the roles that reach the most (the administrator and the DPO: they cannot reach
their desks without a code at each login), optional for the others. The secret is sealed with
the register's key like other secrets (it opens with any key of the keyring, so a key rotation
leaves it readable). A code is accepted for the current 30-second step or the one before or
after (clocks drift), once: the step of the last accepted code is kept and a code of that step
or an earlier one is refused (a code seen over a shoulder or in a log cannot be replayed).
A wrong or replayed code counts toward the account's lockout like a wrong password.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from enum import StrEnum

import pyotp
from sqlalchemy import or_, select, update

from rekisteri.adapters.schema.access import staff_user
from rekisteri.catalogue import Role
from rekisteri.services.unit_of_work import UnitOfWork

# The roles that must have a confirmed second factor to log in with a password.
REQUIRED = frozenset({Role.ADMINISTRATOR, Role.DPO})
# Steps either side of now a code may be for: one step is 30 s, so a code is good for 60-90 s.
WINDOW = 1
SEALED_AS = "staff_user.totp_secret"  # the associated data the secret is sealed with
CODE_DIGITS = 6


class Needs(StrEnum):
    """What a login still needs after the password was right."""

    NOTHING = ""
    CODE = "code"  # a confirmed second factor: the current code
    ENROL = "enrol"  # a role that requires one and has none yet: set it up first


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into an authenticator app
    uri: str  # otpauth://totp/..., for an app that reads one (or a QR code of it)


def needs(role: Role, confirmed: bool) -> Needs:
    if confirmed:
        return Needs.CODE
    return Needs.ENROL if role in REQUIRED else Needs.NOTHING


def enrolment_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def start(uow: UnitOfWork, user_id: int) -> Enrolment:
    """A new secret for the account, not yet confirmed (confirm() takes its first code). An
    unconfirmed secret already made is shown again rather than replaced, so reloading the page
    does not invalidate what the user just typed into the app. A confirmed one is never shown."""
    row = uow.execute(
        select(
            staff_user.c.username, staff_user.c.totp_secret, staff_user.c.totp_confirmed_at
        ).where(staff_user.c.id == user_id)
    ).one()
    if row.totp_confirmed_at is not None:
        raise ValueError("the account's second factor is already set up")
    if row.totp_secret:
        secret = uow.cipher.open_text(SEALED_AS, row.totp_secret)
    else:
        secret = pyotp.random_base32()
        uow.execute(
            update(staff_user)
            .where(staff_user.c.id == user_id)
            .values(totp_secret=uow.cipher.seal_text(SEALED_AS, secret), totp_last_step=None)
        )
    return Enrolment(secret, enrolment_uri(secret, row.username, uow.settings.controller_name))


def set_up_now(uow: UnitOfWork, user_id: int) -> Enrolment:
    """A confirmed secret at once, for an account made by an administrator (or the demo), who
    hands the secret to its user with the password, once."""
    secret = pyotp.random_base32()
    name = uow.execute(select(staff_user.c.username).where(staff_user.c.id == user_id)).scalar_one()
    uow.execute(
        update(staff_user)
        .where(staff_user.c.id == user_id)
        .values(
            totp_secret=uow.cipher.seal_text(SEALED_AS, secret),
            totp_confirmed_at=uow.now(),
            totp_last_step=None,
        )
    )
    return Enrolment(secret, enrolment_uri(secret, name, uow.settings.controller_name))


def _step_of(secret: str, code: str, at: dt.datetime) -> int | None:
    """The time step within the window whose code this is, or None."""
    clean = code.strip().replace(" ", "")
    if len(clean) != CODE_DIGITS or not clean.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), clean):
            return step
    return None


def accept(uow: UnitOfWork, user_id: int, code: str) -> bool:
    """Whether `code` is a valid, unused code of the account's secret (confirmed or being
    set up); an accepted code's step is used up in this transaction, and a secret being set up
    is confirmed by it. The caller counts a False as a failed login."""
    row = uow.execute(
        select(staff_user.c.totp_secret, staff_user.c.totp_last_step).where(
            staff_user.c.id == user_id
        )
    ).one()
    if not row.totp_secret:
        return False
    step = _step_of(uow.cipher.open_text(SEALED_AS, row.totp_secret), code, uow.now())
    if step is None:
        return False
    # One statement both checks and uses the step: two logins racing with the same code
    # cannot both win.
    used = uow.execute(
        update(staff_user)
        .where(
            staff_user.c.id == user_id,
            or_(staff_user.c.totp_last_step.is_(None), staff_user.c.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    if not used.rowcount:
        return False  # replayed: a code of this step or a later one was accepted already
    uow.execute(
        update(staff_user)
        .where(staff_user.c.id == user_id, staff_user.c.totp_confirmed_at.is_(None))
        .values(totp_confirmed_at=uow.now())
    )
    return True


def remove(uow: UnitOfWork, user_id: int) -> None:
    """Forget the account's second factor (a lost phone): an administrator's act; a role that
    requires one sets it up again at its next login."""
    uow.execute(
        update(staff_user)
        .where(staff_user.c.id == user_id)
        .values(totp_secret=None, totp_confirmed_at=None, totp_last_step=None)
    )
