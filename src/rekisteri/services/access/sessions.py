"""Staff login sessions for the web pages (P7: personal user IDs and passwords; P15: a session
cookie for logging in).

The cookie carries 256 random bits; the register keeps only their SHA-256, with an absolute
expiry and an idle timeout. The CSRF token of a session is derived from the cookie's value, so
a page can embed it and a form post must send it back; a site that cannot read the cookie cannot
know it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select, update

from rekisteri.adapters.schema.access import staff_session, staff_user
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.errors import Forbidden
from rekisteri.services.access import accounts, throttle
from rekisteri.services.access.accounts import LoginRefused, Refusal
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

COOKIE = "rekisteri_session"
T = TypeVar("T")


@dataclass(frozen=True)
class NewSession:
    cookie: str  # given to the browser once; only its hash is stored
    csrf: str
    actor: Actor
    expires_at: dt.datetime


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def csrf_for(cookie: str) -> str:
    return hashlib.sha256(b"rekisteri csrf\n" + cookie.encode()).hexdigest()


def csrf_matches(cookie: str, offered: str | None) -> bool:
    return bool(offered) and hmac.compare_digest(csrf_for(cookie), str(offered))


def login_window(settings: Settings) -> throttle.Window:
    """Failed logins one client address may make per window, whatever the accounts."""
    return throttle.Window(
        "login",
        dt.timedelta(minutes=settings.login_throttle_minutes),
        settings.login_failures_per_address,
    )


def log_in(
    reg: RegisterApp, username: str, password: str, address: str | None = None
) -> NewSession:
    """Check the password and open a session; LoginRefused otherwise (log_in_then)."""
    return log_in_then(reg, username, password, address, _open)


def log_in_then(
    reg: RegisterApp,
    username: str,
    password: str,
    address: str | None,
    then: Callable[[UnitOfWork, Actor], T],
) -> T:
    """Check the password and, in the transaction that records the success, do `then` (open
    a web session, issue the command line's token); LoginRefused otherwise.

    Three steps, so that the slow password check holds no lock and no attempt goes uncounted:
    a short transaction counts the attempt against the client's address and the account (and
    refuses it there, unchecked, past either limit); the password is checked outside any
    transaction; a success clears the account's failures, takes the address's count back and
    does `then`.
    """
    window = login_window(reg.settings)
    with reg.unit_of_work(Actor.system("login")) as uow:
        counted_at = uow.now()
        source = throttle.source_of(uow.cipher, address)
        refused: LoginRefused | None = None
        try:
            if throttle.hit(uow, window, source) > window.limit:
                raise LoginRefused(Refusal.THROTTLED)
            attempt = accounts.claim_attempt(uow, username)
        except LoginRefused as exc:
            refused = exc  # raised after the commit: the count must stay
    if refused is not None:
        if refused.reason is not Refusal.THROTTLED:
            accounts.spend_a_check(password)
        raise refused
    actor = accounts.check_password(attempt, password)
    with reg.unit_of_work(Actor.system("login")) as uow:
        # The throttle's row first, then the account's: the order of the first step, so two
        # logins never wait for each other's locks in opposite orders (PostgreSQL).
        throttle.refund(uow, window, source, counted_at)
        accounts.clear_failures(uow, attempt.user_id)
        return then(uow, actor)


def _open(uow: UnitOfWork, actor: Actor) -> NewSession:
    settings = uow.settings
    now = uow.now()
    user_id = uow.execute(
        select(staff_user.c.id).where(staff_user.c.username == actor.name)
    ).scalar_one()
    cookie = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings.session_hours)
    uow.execute(
        staff_session.insert().values(
            user_id=user_id,
            token_hash=_digest(cookie),
            created_at=now,
            expires_at=expires,
            idle_until=min(expires, now + dt.timedelta(minutes=settings.session_idle_minutes)),
        )
    )
    return NewSession(cookie, csrf_for(cookie), actor, expires)


def resolve_session(uow: UnitOfWork, cookie: str) -> Actor:
    """The staff member a session cookie belongs to; each use extends the idle timeout."""
    row = uow.execute(
        select(
            staff_session.c.id,
            staff_session.c.expires_at,
            staff_session.c.idle_until,
            staff_session.c.revoked_at,
            staff_user.c.username,
            staff_user.c.role,
            staff_user.c.active,
        )
        .join(staff_user, staff_user.c.id == staff_session.c.user_id)
        .where(staff_session.c.token_hash == _digest(cookie))
    ).first()
    now = uow.now()
    if row is None or row.revoked_at is not None or not row.active:
        raise Forbidden("not logged in")
    if row.expires_at <= now or row.idle_until <= now:
        raise Forbidden("the session has expired; log in again")
    idle = min(row.expires_at, now + dt.timedelta(minutes=uow.settings.session_idle_minutes))
    uow.execute(update(staff_session).where(staff_session.c.id == row.id).values(idle_until=idle))
    return Actor(row.username, Role(row.role))


def log_out(uow: UnitOfWork, cookie: str) -> None:
    uow.execute(
        update(staff_session)
        .where(staff_session.c.token_hash == _digest(cookie), staff_session.c.revoked_at.is_(None))
        .values(revoked_at=uow.now())
    )
