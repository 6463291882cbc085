"""TOTP, the second factor of local staff accounts: required for the administrator and the DPO
(no login without a code, nor without one set up), optional for the others; a code is good
within one step either side of now, once; wrong and replayed codes count toward the lockout;
the secret is stored sealed; a login is an entry of the audit trail."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.access import staff_user
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.domain.errors import Forbidden
from rekisteri.services.access import accounts, second_factor, sessions
from rekisteri.services.access.accounts import LoginRefused, Refusal
from rekisteri.services.access.second_factor import Needs
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock

PASSWORD = "the right password, long enough"


def _user(register: RegisterApp, name: str, role: Role) -> accounts.NewUser:
    with register.unit_of_work(Actor.system("test")) as uow:
        return accounts.add_user(uow, name, role, PASSWORD)


def _code(secret: str, clock: FakeClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock() + dt.timedelta(seconds=30 * steps))


def _resolves(register: RegisterApp, cookie: str) -> bool:
    with register.unit_of_work(Actor.system("test")) as uow:
        try:
            sessions.resolve_session(uow, cookie)
        except Forbidden:
            return False
    return True


def _failed(register: RegisterApp, name: str) -> tuple[int, dt.datetime | None]:
    with register.engine.connect() as conn:
        row = conn.execute(
            select(staff_user.c.failed_logins, staff_user.c.locked_until).where(
                staff_user.c.username == name
            )
        ).one()
    return int(row.failed_logins), row.locked_until


@pytest.mark.parametrize("role", [Role.DPO, Role.ADMINISTRATOR])
def test_the_dpo_and_the_administrator_log_in_only_with_the_code(
    register: RegisterApp, clock: FakeClock, role: Role
) -> None:
    made = _user(register, "olli.tietosuoja", role)
    assert made.second_factor is not None  # set up with the account, shown once
    waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
    assert waiting.stage is Needs.CODE
    assert not _resolves(register, waiting.cookie)  # no page accepts it yet
    clock.advance(seconds=31)
    done = sessions.finish_login(register, waiting.cookie, _code(made.second_factor.secret, clock))
    assert done.stage is Needs.NOTHING and _resolves(register, done.cookie)
    assert done.cookie != waiting.cookie
    with pytest.raises(Forbidden):  # the waiting session ended with the login
        sessions.pending(register, waiting.cookie)
    with register.engine.connect() as conn:
        entry = conn.execute(select(audit_entry).where(audit_entry.c.action == "login")).one()
    assert entry.actor == "olli.tietosuoja" and entry.role == role.value
    assert "second factor" in entry.what and entry.via == "web login"


def test_a_code_is_good_one_step_either_side_and_only_once(
    register: RegisterApp, clock: FakeClock
) -> None:
    made = _user(register, "olli.tietosuoja", Role.DPO)
    assert made.second_factor is not None
    secret = made.second_factor.secret

    def attempt(code: str) -> sessions.NewSession:
        waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
        return sessions.finish_login(register, waiting.cookie, code)

    # Each refused round counts twice (the password's attempt and the code); a success
    # clears the count, so the rounds below stay under the lockout.
    with pytest.raises(LoginRefused) as refused:
        attempt(_code(secret, clock, -2))  # two steps old: outside the window
    assert refused.value.reason is Refusal.WRONG_CODE
    previous = _code(secret, clock, -1)
    attempt(previous)  # the step before now: clocks drift
    with pytest.raises(LoginRefused) as replayed:
        attempt(previous)  # the same code again
    assert replayed.value.reason is Refusal.WRONG_CODE
    attempt(_code(secret, clock, 1))  # a later step is still new
    with pytest.raises(LoginRefused):
        attempt(_code(secret, clock, 0))  # earlier than one accepted: used up too
    with pytest.raises(LoginRefused):
        attempt(_code(secret, clock, 3))  # two steps ahead of the window


def test_wrong_codes_count_toward_the_lockout(register: RegisterApp, clock: FakeClock) -> None:
    made = _user(register, "olli.tietosuoja", Role.DPO)
    assert made.second_factor is not None
    for _ in range(2):
        waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
        with pytest.raises(LoginRefused):
            sessions.finish_login(register, waiting.cookie, "000000")
    # Each round: the password's attempt (not cleared without a code) and the wrong code.
    assert _failed(register, "olli.tietosuoja")[0] == 4
    waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
    with pytest.raises(LoginRefused):
        sessions.finish_login(register, waiting.cookie, "999999")
    assert _failed(register, "olli.tietosuoja")[1] is not None  # locked
    with pytest.raises(LoginRefused) as refused:  # even the right code is not looked at now
        sessions.finish_login(register, waiting.cookie, _code(made.second_factor.secret, clock))
    assert refused.value.reason is Refusal.LOCKED
    with pytest.raises(LoginRefused):
        sessions.log_in(register, "olli.tietosuoja", PASSWORD)
    clock.advance(minutes=16)  # the lock passes; a right code clears the count
    waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
    sessions.finish_login(register, waiting.cookie, _code(made.second_factor.secret, clock))
    assert _failed(register, "olli.tietosuoja") == (0, None)


def test_other_roles_may_set_one_up_and_then_need_it(
    register: RegisterApp, clock: FakeClock
) -> None:
    made = _user(register, "maija.cs", Role.CUSTOMER_SERVICE)
    assert made.second_factor is None
    plain = sessions.log_in(register, "maija.cs", PASSWORD)
    assert plain.stage is Needs.NOTHING and _resolves(register, plain.cookie)
    enrolment, waiting = sessions.start_enrolment(register, plain.cookie)
    assert not waiting and enrolment.uri.startswith("otpauth://totp/")
    again, _ = sessions.start_enrolment(register, plain.cookie)
    assert again.secret == enrolment.secret  # a reload shows the same, unconfirmed secret
    with pytest.raises(LoginRefused):
        sessions.confirm_enrolment(register, plain.cookie, "123456" if _code(
            enrolment.secret, clock) != "123456" else "654321")  # fmt: skip
    assert (
        sessions.confirm_enrolment(register, plain.cookie, _code(enrolment.secret, clock)) is None
    )
    with pytest.raises(Forbidden):  # set up: never shown again
        sessions.start_enrolment(register, plain.cookie)
    assert sessions.log_in(register, "maija.cs", PASSWORD).stage is Needs.CODE


def test_a_required_role_without_one_sets_it_up_before_its_desk(
    register: RegisterApp, clock: FakeClock
) -> None:
    made = _user(register, "olli.tietosuoja", Role.DPO)
    with register.unit_of_work(Actor.system("test")) as uow:
        second_factor.remove(uow, made.user_id)  # a lost phone
    waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
    assert waiting.stage is Needs.ENROL and not _resolves(register, waiting.cookie)
    with pytest.raises(Forbidden):  # the code page is not the way around the set-up
        sessions.finish_login(register, waiting.cookie, "123456")
    enrolment, pending = sessions.start_enrolment(register, waiting.cookie)
    assert pending
    done = sessions.confirm_enrolment(register, waiting.cookie, _code(enrolment.secret, clock))
    assert done is not None and _resolves(register, done.cookie)
    assert sessions.log_in(register, "olli.tietosuoja", PASSWORD).stage is Needs.CODE


def test_the_secret_is_stored_sealed(register: RegisterApp) -> None:
    made = _user(register, "olli.tietosuoja", Role.ADMINISTRATOR)
    assert made.second_factor is not None
    with register.engine.connect() as conn:
        stored = conn.execute(
            select(staff_user.c.totp_secret).where(staff_user.c.id == made.user_id)
        ).scalar_one()
    assert stored.startswith("enc:") and made.second_factor.secret not in stored
    assert register.cipher.open_text(second_factor.SEALED_AS, stored) == made.second_factor.secret


def test_a_waiting_session_expires(register: RegisterApp, clock: FakeClock) -> None:
    made = _user(register, "olli.tietosuoja", Role.DPO)
    assert made.second_factor is not None
    waiting = sessions.log_in(register, "olli.tietosuoja", PASSWORD)
    clock.advance(minutes=6)
    with pytest.raises(Forbidden):
        sessions.finish_login(register, waiting.cookie, _code(made.second_factor.secret, clock))
