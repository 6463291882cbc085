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
from rekisteri.domain.errors import Forbidden, NotFound
from rekisteri.services.access import accounts, second_factor, throttle
from rekisteri.services.access.accounts import LoginRefused, Refusal
from rekisteri.services.access.audit import record_login
from rekisteri.services.access.second_factor import Needs
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

COOKIE = "rekisteri_session"
T = TypeVar("T")
# A session waiting for the second factor lives this long: enough to open the app and type.
PENDING = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class NewSession:
    cookie: str  # given to the browser once; only its hash is stored
    csrf: str
    actor: Actor
    expires_at: dt.datetime
    stage: Needs = Needs.NOTHING  # what the session still waits for before it is a login


@dataclass(frozen=True)
class Passed:
    """A right password: whose, and what the login still needs (second_factor.needs)."""

    user_id: int
    actor: Actor
    needs: Needs


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
    """Check the password and open a session; LoginRefused otherwise (log_in_then). When the
    account has a second factor, or its role requires one, the session only waits for it (its
    stage says which): finish_login makes it a login."""
    return log_in_then(
        reg,
        username,
        password,
        address,
        lambda uow, passed: _open(uow, passed.actor, stage=passed.needs),
        via="web login",
    )


def log_in_then(
    reg: RegisterApp,
    username: str,
    password: str,
    address: str | None,
    then: Callable[[UnitOfWork, Passed], T],
    via: str = "login",
) -> T:
    """Check the password and, in the transaction that records the success, do `then` (open
    a web session, issue the command line's token); LoginRefused otherwise. `then` learns
    whether the login still needs the second factor (Passed.needs): then the attempt stays
    counted against the account until a right code clears it (second_step_then), so an
    attacker who has the password gains no free tries at the codes by entering it again.

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
    passed = Passed(
        attempt.user_id, actor, second_factor.needs(attempt.role, attempt.totp_confirmed)
    )
    with reg.unit_of_work(Actor.system("login")) as uow:
        # The throttle's row first, then the account's: the order of the first step, so two
        # logins never wait for each other's locks in opposite orders (PostgreSQL).
        throttle.refund(uow, window, source, counted_at)
        if passed.needs is Needs.NOTHING:
            accounts.clear_failures(uow, attempt.user_id)
        result = then(uow, passed)
    if passed.needs is Needs.NOTHING:
        record_login(reg, actor, via, "password")
    return result


def second_step_then(
    reg: RegisterApp,
    user_id: int,
    code: str,
    then: Callable[[UnitOfWork, Actor], T],
    via: str = "login",
    *,
    is_login: bool = True,
) -> T:
    """The second factor's code after a right password (or the first code of a secret being
    set up, which confirms it): a right, unused code clears the account's failures and does
    `then` in the same transaction; a wrong or used one counts toward the lockout and is
    refused (LoginRefused WRONG_CODE), a locked account's without looking at the code."""
    refused: LoginRefused | None = None
    with reg.unit_of_work(Actor.system("login")) as uow:
        row = uow.execute(
            select(staff_user.c.username, staff_user.c.role).where(staff_user.c.id == user_id)
        ).one()
        actor = Actor(row.username, Role(row.role))
        if accounts.locked(uow, user_id):
            refused = LoginRefused(Refusal.LOCKED)
        elif not second_factor.accept(uow, user_id, code):
            accounts.count_failure(uow, user_id)
            refused = LoginRefused(Refusal.WRONG_CODE)  # raised after the commit
        else:
            accounts.clear_failures(uow, user_id)
            result = then(uow, actor)
    if refused is not None:
        raise refused
    if is_login:
        record_login(reg, actor, via, "password and second factor")
    return result


def pending(reg: RegisterApp, cookie: str) -> tuple[int, Needs]:
    """The account and the stage of a session that waits for the second factor; Forbidden
    when the cookie names no such live session."""
    with reg.unit_of_work(Actor.system("login")) as uow:
        row = uow.execute(
            select(staff_session.c.user_id, staff_session.c.stage).where(
                staff_session.c.token_hash == _digest(cookie),
                staff_session.c.stage.is_not(None),
                staff_session.c.revoked_at.is_(None),
                staff_session.c.expires_at > uow.now(),
            )
        ).first()
    if row is None:
        raise Forbidden("no login waits for a second factor; log in again")
    return int(row.user_id), Needs(row.stage)


def finish_login(reg: RegisterApp, cookie: str, code: str) -> NewSession:
    """The second step of a web login: the waiting session ends and, on a right code, a new
    one (a new cookie: the one that waited is never promoted) is the login."""
    user_id, _ = pending(reg, cookie)

    def promote(uow: UnitOfWork, actor: Actor) -> NewSession:
        log_out(uow, cookie)
        return _open(uow, actor)

    return second_step_then(reg, user_id, code, promote, via="web login")


def _open(
    uow: UnitOfWork, actor: Actor, *, stage: Needs = Needs.NOTHING, signed_on: bool = False
) -> NewSession:
    settings = uow.settings
    now = uow.now()
    user_id = uow.execute(
        select(staff_user.c.id).where(staff_user.c.username == actor.name)
    ).scalar_one()
    cookie = secrets.token_urlsafe(32)
    if stage is Needs.NOTHING:
        expires = now + dt.timedelta(hours=settings.session_hours)
        idle = min(expires, now + dt.timedelta(minutes=settings.session_idle_minutes))
    else:
        expires = idle = now + PENDING
    uow.execute(
        staff_session.insert().values(
            user_id=user_id,
            token_hash=_digest(cookie),
            created_at=now,
            expires_at=expires,
            idle_until=idle,
            stage=stage.value or None,
            signed_on=signed_on,
        )
    )
    return NewSession(cookie, csrf_for(cookie), actor, expires, stage)


def open_signed_on(uow: UnitOfWork, actor: Actor) -> NewSession:
    """A session for a login by sign-on (services/access/sign_on.py)."""
    return _open(uow, actor, signed_on=True)


def resolve_session(uow: UnitOfWork, cookie: str) -> Actor:
    """The staff member a session cookie belongs to; each use extends the idle timeout."""
    row = uow.execute(
        select(
            staff_session.c.id,
            staff_session.c.expires_at,
            staff_session.c.idle_until,
            staff_session.c.revoked_at,
            staff_session.c.stage,
            staff_user.c.username,
            staff_user.c.role,
            staff_user.c.active,
        )
        .join(staff_user, staff_user.c.id == staff_session.c.user_id)
        .where(staff_session.c.token_hash == _digest(cookie))
    ).first()
    now = uow.now()
    # A session that waits for the second factor is no login yet.
    if row is None or row.revoked_at is not None or not row.active or row.stage is not None:
        raise Forbidden("not logged in")
    if row.expires_at <= now or row.idle_until <= now:
        raise Forbidden("the session has expired; log in again")
    idle = min(row.expires_at, now + dt.timedelta(minutes=uow.settings.session_idle_minutes))
    uow.execute(update(staff_session).where(staff_session.c.id == row.id).values(idle_until=idle))
    return Actor(row.username, Role(row.role))


def log_out(uow: UnitOfWork, cookie: str) -> bool:
    """End the session; whether it was opened by sign-on (then the provider's session is
    ended too, by the caller)."""
    signed_on = uow.execute(
        select(staff_session.c.signed_on).where(
            staff_session.c.token_hash == _digest(cookie), staff_session.c.revoked_at.is_(None)
        )
    ).scalar_one_or_none()
    uow.execute(
        update(staff_session)
        .where(staff_session.c.token_hash == _digest(cookie), staff_session.c.revoked_at.is_(None))
        .values(revoked_at=uow.now())
    )
    return bool(signed_on)


def reset_second_factor(uow: UnitOfWork, username: str) -> None:
    """Forget the account's second factor and end its logins (whoever holds the lost device
    must not stay logged in through it)."""
    user_id = uow.execute(
        select(staff_user.c.id).where(staff_user.c.username == username)
    ).scalar_one_or_none()
    if user_id is None:
        raise NotFound("user", username)
    second_factor.remove(uow, int(user_id))
    end_all(uow, int(user_id))


def end_all(uow: UnitOfWork, user_id: int) -> None:
    """End every session and command-line login of an account (its role changed or was taken
    away: what it could do under the old role must not outlive the change)."""
    uow.execute(
        update(staff_session)
        .where(staff_session.c.user_id == user_id, staff_session.c.revoked_at.is_(None))
        .values(revoked_at=uow.now())
    )
    accounts.revoke_logins(uow, user_id)


def _enrolling(uow: UnitOfWork, cookie: str) -> tuple[int, bool]:
    """The account whose second factor this session may set up, and whether the session waits
    for it (a login of a role that requires one) rather than being a whole login (a user of
    another role setting one up by choice); Forbidden otherwise."""
    now = uow.now()
    row = uow.execute(
        select(staff_session.c.user_id, staff_session.c.stage, staff_user.c.totp_confirmed_at)
        .join(staff_user, staff_user.c.id == staff_session.c.user_id)
        .where(
            staff_session.c.token_hash == _digest(cookie),
            staff_session.c.revoked_at.is_(None),
            staff_session.c.expires_at > now,
            staff_session.c.idle_until > now,
            staff_user.c.active.is_(True),
            staff_user.c.sign_on_subject.is_(None),  # the provider does its own factors
        )
    ).first()
    if row is None or row.stage == Needs.CODE.value or row.totp_confirmed_at is not None:
        raise Forbidden("no second factor to set up here; log in again")
    return int(row.user_id), row.stage is not None


def start_enrolment(reg: RegisterApp, cookie: str) -> tuple[second_factor.Enrolment, bool]:
    """The secret to set up (shown to the session's user) and whether the login waits for it."""
    with reg.unit_of_work(Actor.system("login")) as uow:
        user_id, waiting = _enrolling(uow, cookie)
        return second_factor.start(uow, user_id), waiting


def confirm_enrolment(reg: RegisterApp, cookie: str, code: str) -> NewSession | None:
    """The first code of the secret being set up confirms it; for a login that waited for it,
    the new session that is the login (None for a user who was logged in already)."""
    with reg.unit_of_work(Actor.system("login")) as uow:
        user_id, waiting = _enrolling(uow, cookie)
    if waiting:
        return finish_login(reg, cookie, code)
    second_step_then(reg, user_id, code, lambda uow, actor: None, is_login=False)
    return None
