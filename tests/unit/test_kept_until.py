"""The day a person is told their data is kept until, rule by rule (P14,
services/rights/periods.kept_until), and what a customer's contracts say about it
(`contracts_end`), on a migrated database of each backend with one or two customers in it.

tests/integration/test_kept_until_agrees.py checks the same days against the real retention
run over a demo register; these reach each function directly and run in about a second, so
`make mutation` can check every mutant of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.register import contract
from rekisteri.catalogue.retention import ALL_RULES
from rekisteri.config import Settings
from rekisteri.services.rights import periods
from rekisteri.services.rights.periods import Lifetime, kept_until
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer

BY_NAME = {rule.name: rule for rule in ALL_RULES}
RECORDED = BY_NAME["contact_history"]  # 36 months from the row's own day
RELATIONSHIP = BY_NAME["customer_data"]  # 12 months from the end of the relationship
# Two rules whose period a setting overrides (below: 18 months, 7 years).
RECORDINGS = BY_NAME["recordings"]
CONTRACTS = BY_NAME["contract_records"]
DPO = Actor("tietosuoja.dpo")
TODAY = dt.date(2026, 3, 3)  # the test clock's day
MOVED = dt.date(2022, 6, 1)  # make_customer's first contract ends, the second starts
ENDED = dt.date(2025, 3, 15)
NOBODY = 999_999  # no such person: each lifetime below is given, never looked up


@pytest.fixture
def settings(database_url: str, keyring: Keyring, tmp_path: Path) -> Settings:
    """The register's settings with two periods set otherwise than the catalogue's."""
    return Settings(
        database_url=database_url,
        secret_key=keyring.to_json(),
        key_file=tmp_path / "unused.keys",
        recording_retention_months=18,
        contract_retention_years=7,
    )


def test_the_rules_are_the_ones_these_days_assume() -> None:
    assert (RECORDED.anchor.name, RECORDED.months) == ("RECORDED", 36)
    assert (RELATIONSHIP.anchor.name, RELATIONSHIP.months) == ("RELATIONSHIP_END", 12)
    assert (RECORDINGS.anchor.name, RECORDINGS.setting) == (
        "RECORDED",
        "recording_retention_months",
    )
    assert RECORDINGS.months != 18
    assert (CONTRACTS.anchor.name, CONTRACTS.setting) == (
        "CONTRACT_END",
        "contract_retention_years",
    )
    assert CONTRACTS.months != 84


# (rule, recorded_on, lifetime, outlives_person, shared) -> the day
CASES = {
    "recorded: its own day": (
        RECORDED,
        dt.date(2025, 1, 10),
        Lifetime(None, None, by_rule=True),
        False,
        False,
        dt.date(2028, 1, 10),
    ),
    "recorded on no day: today": (
        RECORDED,
        None,
        Lifetime(None, None, by_rule=True),
        False,
        False,
        dt.date(2029, 3, 3),
    ),
    "recorded, the whole purge comes first": (
        RECORDED,
        dt.date(2025, 1, 10),
        Lifetime(ENDED, dt.date(2027, 5, 1), by_rule=True),
        False,
        False,
        dt.date(2027, 5, 1),
    ),
    "recorded, the whole purge comes later": (
        RECORDED,
        dt.date(2025, 1, 10),
        Lifetime(ENDED, dt.date(2035, 3, 15), by_rule=True),
        False,
        False,
        dt.date(2028, 1, 10),
    ),
    "recorded, outlives the person": (
        RECORDED,
        dt.date(2025, 1, 10),
        Lifetime(ENDED, dt.date(2027, 5, 1), by_rule=True),
        True,
        False,
        dt.date(2028, 1, 10),
    ),
    "recorded, under a setting": (
        RECORDINGS,
        dt.date(2025, 1, 10),
        Lifetime(None, None, by_rule=True),
        False,
        False,
        dt.date(2026, 7, 10),
    ),
    "contract's end, under a setting": (
        CONTRACTS,
        None,
        Lifetime(ENDED, dt.date(2040, 1, 1), by_rule=True),
        False,
        False,
        dt.date(2032, 3, 15),
    ),
    "relationship: a year from its end": (
        RELATIONSHIP,
        None,
        Lifetime(ENDED, dt.date(2035, 3, 15), by_rule=True),
        False,
        False,
        dt.date(2026, 3, 15),
    ),
    "relationship, the person goes whole": (
        RELATIONSHIP,
        None,
        Lifetime(ENDED, dt.date(2025, 9, 15), by_rule=False),
        False,
        False,
        dt.date(2025, 9, 15),
    ),
    "relationship, another's row too": (
        RELATIONSHIP,
        None,
        Lifetime(ENDED, dt.date(2035, 3, 15), by_rule=True),
        False,
        True,
        dt.date(2035, 3, 15),
    ),
    "relationship, another's row, no purge fixed": (
        RELATIONSHIP,
        None,
        Lifetime(None, None, by_rule=True),
        False,
        True,
        None,
    ),
    "relationship not ended": (
        RELATIONSHIP,
        None,
        Lifetime(None, dt.date(2035, 3, 15), by_rule=True),
        False,
        False,
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_day_each_rule_keeps_data_until(register: RegisterApp, case: str) -> None:
    rule, recorded_on, life, outlives, shared, day = CASES[case]
    # Each flag is passed only where it is set: the others are the defaults, as most callers
    # leave them.
    flags: dict[str, Any] = {"outlives_person": True} if outlives else {}
    flags |= {"shared": True} if shared else {}
    with register.unit_of_work(DPO) as uow:
        assert uow.today() == TODAY
        got = kept_until(uow, rule, NOBODY, recorded_on, lifetime=life, **flags)
    assert got == day, case


def test_without_a_lifetime_the_persons_own_is_looked_up(register: RegisterApp) -> None:
    c = make_customer(register, ended_on=ENDED)
    with register.unit_of_work(DPO) as uow:
        life = periods.lifetime_of(uow, c.person_id)
        assert life == Lifetime(ENDED, dt.date(2032, 3, 15), by_rule=True)  # seven years
        assert kept_until(uow, RELATIONSHIP, c.person_id) == dt.date(2026, 3, 15)
        assert kept_until(uow, RECORDED, c.person_id, dt.date(2025, 1, 10)) == dt.date(2028, 1, 10)


def test_contracts_end_is_the_last_end_unless_one_binds(register: RegisterApp) -> None:
    running = make_customer(register)
    ended = make_customer(
        register,
        ended_on=ENDED,
        hetu="010101A123N",
        email="toinen@example.fi",
        phone="+358401234568",
        site_numbers=(3, 4),
    )
    with register.unit_of_work(DPO) as uow:
        # The second contract runs: it binds; the first ended when they moved.
        assert periods.contracts_end(uow, running.person_id) == (True, MOVED)
        assert periods.contracts_end(uow, ended.person_id) == (False, ENDED)
        assert periods.contracts_end(uow, NOBODY) == (False, None)


@pytest.mark.parametrize(
    ("sales_call", "accepted", "expected"),
    [
        # A telephone sale the consumer never accepted never came into force: it counts from
        # its start (the day they moved), and binds nothing.
        ("outbound", False, (False, MOVED)),
        ("outbound", True, (True, MOVED)),
        ("inbound", False, (True, MOVED)),
    ],
)
def test_a_telephone_sale_binds_once_accepted(
    register: RegisterApp, sales_call: str, accepted: bool, expected: tuple[bool, dt.date]
) -> None:
    c = make_customer(register, ended_on=ENDED)
    second = max(c.contract_ids)
    at = dt.datetime(2022, 5, 20, 9, 0, tzinfo=dt.UTC)
    with register.unit_of_work(DPO) as uow:
        uow.execute(
            update(contract)
            .where(contract.c.id == second)
            .values(
                end_date=None,
                sales_call=sales_call,
                sales_call_at=at,
                accepted_at=at if accepted else None,
            )
        )
        assert periods.contracts_end(uow, c.person_id) == expected
