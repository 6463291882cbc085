"""The login lock-out holds under concurrency: parallel wrong passwords are each counted, the
account locks at the limit, and after that no password is checked; one client address may fail
only so often, whatever the accounts it tries."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.access import staff_user
from rekisteri.catalogue import Role
from rekisteri.domain.errors import Forbidden
from rekisteri.services.access import accounts, sessions
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock

PASSWORD = "the right password, long enough"
WRONG = "a wrong password, long enough"
ATTEMPTS = 30
R = TypeVar("R")


def _all_at_once(n: int, attempt: Callable[[int], R]) -> list[R]:
    """`attempt(i)` for i < n, on n threads released together (bounded: a minute at most)."""
    start = threading.Barrier(n, timeout=60)

    def run(i: int) -> R:
        start.wait()
        return attempt(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(run, i) for i in range(n)]
        return [f.result(timeout=120) for f in futures]


def _try(reg: RegisterApp, name: str, password: str, *address: str) -> str:
    """ "ok", or the reason the login was refused."""
    try:
        sessions.log_in(reg, name, password, *address)
    except Forbidden as exc:
        return str(getattr(exc, "reason", "refused"))
    return "ok"


def _user(reg: RegisterApp, name: str = "maija.cs") -> None:
    with reg.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, name, Role.CUSTOMER_SERVICE, password=PASSWORD)


def _account(reg: RegisterApp, name: str = "maija.cs") -> tuple[int, object]:
    with reg.engine.connect() as conn:
        row = conn.execute(
            select(staff_user.c.failed_logins, staff_user.c.locked_until).where(
                staff_user.c.username == name
            )
        ).one()
    return row.failed_logins, row.locked_until


@pytest.fixture
def reg(register: RegisterApp) -> RegisterApp:
    # The account's own limit is under test here, not the address's.
    register.settings = register.settings.model_copy(update={"login_failures_per_address": 1000})
    return register


def test_parallel_wrong_passwords_lock_the_account_at_the_limit(
    reg: RegisterApp, clock: FakeClock
) -> None:
    _user(reg)
    outcomes = _all_at_once(ATTEMPTS, lambda _: _try(reg, "maija.cs", WRONG))
    failed, locked_until = _account(reg)
    limit = accounts.MAX_FAILED_LOGINS
    assert failed == limit, "every checked attempt counted, none lost"
    assert locked_until is not None and locked_until > clock()
    checked = Counter(outcomes)
    assert checked[accounts.Refusal.WRONG_PASSWORD] == limit, checked
    assert checked[accounts.Refusal.LOCKED] == ATTEMPTS - limit, checked
    # Locked: even the right password is refused, unchecked, and counts nothing.
    assert _try(reg, "maija.cs", PASSWORD) == accounts.Refusal.LOCKED
    assert _account(reg)[0] == limit


def test_the_lock_passes_and_a_success_clears_the_count(reg: RegisterApp, clock: FakeClock) -> None:
    _user(reg)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert _try(reg, "maija.cs", WRONG) == accounts.Refusal.WRONG_PASSWORD
    assert _try(reg, "maija.cs", PASSWORD) == accounts.Refusal.LOCKED
    clock.advance(seconds=accounts.LOCKOUT.total_seconds())
    assert _try(reg, "maija.cs", WRONG) == accounts.Refusal.WRONG_PASSWORD
    assert _account(reg) == (1, None), "the count starts anew after the lock"
    assert _try(reg, "maija.cs", PASSWORD) == "ok"
    assert _account(reg) == (0, None)


def test_unknown_and_locked_names_get_the_answer_of_a_wrong_password(reg: RegisterApp) -> None:
    _user(reg)
    answers = set()
    for name in ("maija.cs", "no.such.user"):
        for _ in range(accounts.MAX_FAILED_LOGINS + 1):
            with pytest.raises(Forbidden) as refused:
                sessions.log_in(reg, name, WRONG)
            answers.add(str(refused.value))
    assert len(answers) == 1, answers
    assert _try(reg, "maija.cs", WRONG) == accounts.Refusal.LOCKED


def test_one_address_fails_only_so_often_whatever_the_accounts(register: RegisterApp) -> None:
    limit = 10
    register.settings = register.settings.model_copy(update={"login_failures_per_address": limit})
    names = [f"user.{i:02}" for i in range(ATTEMPTS)]
    for name in names[:5]:
        _user(register, name)
    outcomes = _all_at_once(ATTEMPTS, lambda i: _try(register, names[i], WRONG, "198.51.100.7"))
    counted = Counter(outcomes)
    assert counted[accounts.Refusal.THROTTLED] == ATTEMPTS - limit, counted
    refused_unchecked = [n for n, o in zip(names, outcomes, strict=True) if o == "throttled"]
    assert all(_account(register, n)[0] == 0 for n in refused_unchecked if n in names[:5])
    # Another address is not held back, and a success does not count against its address.
    assert _try(register, "user.00", PASSWORD, "203.0.113.9") == "ok"
    for _ in range(limit):
        assert _try(register, "user.01", PASSWORD, "203.0.113.9") == "ok"
    assert _try(register, "user.02", WRONG, "203.0.113.9") == accounts.Refusal.WRONG_PASSWORD


def test_an_address_window_passes(register: RegisterApp, clock: FakeClock) -> None:
    register.settings = register.settings.model_copy(update={"login_failures_per_address": 2})
    _user(register)
    for _ in range(2):
        assert _try(register, "nobody", WRONG, "198.51.100.7") == accounts.Refusal.UNKNOWN
    assert _try(register, "maija.cs", PASSWORD, "198.51.100.7") == accounts.Refusal.THROTTLED
    clock.advance(minutes=register.settings.login_throttle_minutes)
    assert _try(register, "maija.cs", PASSWORD, "198.51.100.7") == "ok"
