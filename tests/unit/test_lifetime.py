"""What ends a person's data (P14, services/rights/periods.lifetime_of), which permissions are in
force on a day (`grants_in_force`), and the small day and column functions the retention run
and the access package share (`last_day`, `first_kept`, `anchor_day`, `anchor_column`,
`before`), on a migrated database of each backend with a few persons put in by hand.

tests/integration/test_kept_until_agrees.py and test_retention_boundaries.py check the same
through the whole retention run; these reach each function directly and run in a few seconds,
so `make mutation` can check every mutant of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
    update,
)

from rekisteri.adapters.schema.base import UtcDateTime, metadata
from rekisteri.adapters.schema.register import (
    billing_account,
    consent_event,
    contact_person,
    invoice,
    payment,
    person,
)
from rekisteri.catalogue import catalogue
from rekisteri.catalogue.retention import ALL_RULES
from rekisteri.config import Settings
from rekisteri.domain.consumption import HELSINKI
from rekisteri.services.rights import periods
from rekisteri.services.rights.periods import Lifetime, lifetime_of
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")
TODAY = dt.date(2026, 3, 3)  # the test clock's day
YESTERDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
ENDED = dt.date(2025, 3, 15)
NOBODY = 999_999
BY_NAME = {rule.name: rule for rule in ALL_RULES}


def _midnight(day: dt.date) -> dt.datetime:
    """The first instant of the Helsinki `day`, in UTC."""
    return dt.datetime.combine(day, dt.time(), HELSINKI).astimezone(dt.UTC)


def _person(
    uow: UnitOfWork, pid: int, relationship: str = "customer", kind: str = "natural"
) -> int:
    uow.execute(
        insert(person).values(
            id=pid,
            customer_number=f"T{pid}",
            kind=kind,
            relationship=relationship,
            restricted=False,
            created_at=NOW,
            source="test",
            received_at=NOW,
        )
    )
    return pid


def _link(uow: UnitOfWork, pid: int, org: int, valid_to: dt.date | None) -> None:
    """`pid` acts for the organisation `org` from 2020 until `valid_to` (None: still)."""
    uow.execute(
        insert(contact_person).values(
            organisation_id=org,
            person_id=pid,
            role="contact",
            valid_from=dt.date(2020, 1, 1),
            valid_to=valid_to,
            source="test",
            received_at=NOW,
        )
    )


def _consent(
    uow: UnitOfWork,
    pid: int,
    event: str = "granted",
    *,
    at: dt.datetime = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC),
    expires_at: dt.datetime | None = None,
    purpose: str = "own_marketing",
    channel: str = "email",
) -> int:
    row = uow.execute(
        insert(consent_event).values(
            person_id=pid,
            purpose=purpose,
            channel=channel,
            event=event,
            at=at,
            captured_how="web_form",
            captured_by="test",
            expires_at=expires_at,
            source="test",
            received_at=NOW,
        )
    )
    return int(row.inserted_primary_key[0])


ORG = 500  # an organisation the contact persons below act for


@pytest.fixture
def uow(register: RegisterApp) -> Iterator[UnitOfWork]:
    with register.unit_of_work(DPO) as u:
        assert u.today() == TODAY
        _person(u, ORG, kind="legal")
        yield u


# -- lifetime_of: a customer


def test_nobody_and_a_customer_without_contracts_have_no_end(uow: UnitOfWork) -> None:
    _person(uow, 1)
    assert lifetime_of(uow, NOBODY) == Lifetime(None, None, by_rule=True)
    assert lifetime_of(uow, 1) == Lifetime(None, None, by_rule=True)


def test_a_customer_whose_contract_runs_has_no_end(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.unit_of_work(DPO) as uow:
        assert lifetime_of(uow, c.person_id) == Lifetime(None, None, by_rule=True)


def test_an_ended_customer_counts_from_the_last_contracts_end(register: RegisterApp) -> None:
    c = make_customer(register, ended_on=ENDED)
    with register.unit_of_work(DPO) as uow:
        # The contract records' period (ten years by default) is the whole purge's.
        assert lifetime_of(uow, c.person_id) == Lifetime(ENDED, dt.date(2035, 3, 15), by_rule=True)


def test_an_open_invoice_keeps_an_ended_customer(register: RegisterApp) -> None:
    c = make_customer(register, ended_on=ENDED, open_invoice=True)
    with register.unit_of_work(DPO) as uow:
        assert lifetime_of(uow, c.person_id) == Lifetime(None, None, by_rule=True)
        # In collection is open too; paid is not.
        last = max(c.invoice_ids)
        uow.execute(update(invoice).where(invoice.c.id == last).values(status="in_collection"))
        assert lifetime_of(uow, c.person_id) == Lifetime(None, None, by_rule=True)
        uow.execute(update(invoice).where(invoice.c.id == last).values(status="cancelled"))
        assert lifetime_of(uow, c.person_id).ended_on == ENDED


def test_only_the_customers_own_open_invoices_keep_them(register: RegisterApp) -> None:
    ended = make_customer(register, ended_on=ENDED)
    make_customer(
        register,
        ended_on=ENDED,
        open_invoice=True,
        hetu="010101A123N",
        email="toinen@example.fi",
        phone="+358401234568",
        site_numbers=(3, 4),
    )
    with register.unit_of_work(DPO) as uow:
        assert lifetime_of(uow, ended.person_id) == Lifetime(
            ENDED, dt.date(2035, 3, 15), by_rule=True
        )


# -- lifetime_of: a contact person


def test_a_contact_person_is_kept_while_a_link_runs(uow: UnitOfWork) -> None:
    _person(uow, 1)
    _link(uow, 1, ORG, dt.date(2024, 5, 31))
    _link(uow, 1, ORG, None)
    assert lifetime_of(uow, 1) == Lifetime(None, None, by_rule=False)


def test_a_contact_person_goes_whole_the_roles_period_after_the_last_link(
    uow: UnitOfWork,
) -> None:
    _person(uow, 1)
    _link(uow, 1, ORG, dt.date(2024, 5, 31))
    _link(uow, 1, ORG, dt.date(2025, 6, 30))
    _link(uow, 1, ORG, dt.date(2023, 1, 31))
    # contact_person.role is customer data: 12 months from the last link's end.
    assert lifetime_of(uow, 1) == Lifetime(
        dt.date(2025, 6, 30), dt.date(2026, 6, 30), by_rule=False
    )


def test_a_contact_person_with_an_invoice_of_their_own_is_a_customer(uow: UnitOfWork) -> None:
    _person(uow, 1)
    _link(uow, 1, ORG, dt.date(2025, 6, 30))
    account = uow.execute(
        insert(billing_account).values(
            person_id=1,
            street="Kotikatu 1",
            postal_code="00100",
            post_office="Helsinki",
            country="FI",
            due_day=15,
            rhythm="monthly",
            method="e_invoice",
            source="test",
            received_at=NOW,
        )
    ).inserted_primary_key[0]
    uow.execute(
        insert(invoice).values(
            invoice_number="T1",
            person_id=1,
            billing_account_id=account,
            reference="13",
            issued_on=dt.date(2025, 1, 1),
            due_on=dt.date(2025, 1, 15),
            amount_cents=100,
            status="paid",
            reminders=0,
            source="test",
            received_at=NOW,
        )
    )
    assert lifetime_of(uow, 1) == Lifetime(None, None, by_rule=True)


def test_a_contact_person_with_a_contract_of_their_own_is_a_customer(
    register: RegisterApp,
) -> None:
    c = make_customer(register, ended_on=ENDED)
    with register.unit_of_work(DPO) as uow:
        _person(uow, ORG, kind="legal")
        _link(uow, c.person_id, ORG, dt.date(2025, 6, 30))
        assert lifetime_of(uow, c.person_id) == Lifetime(ENDED, dt.date(2035, 3, 15), by_rule=True)


# -- lifetime_of: a prospect


def test_a_prospect_with_no_permission_in_force_goes_on_the_next_run(uow: UnitOfWork) -> None:
    _person(uow, 1, "prospect")
    _consent(uow, 1, expires_at=_midnight(dt.date(2026, 1, 15)))  # expired
    _consent(uow, 1, "withdrawn", channel="sms")
    assert lifetime_of(uow, 1) == Lifetime(YESTERDAY, YESTERDAY, by_rule=False)


def test_a_prospect_is_kept_through_the_day_the_last_permission_expires(
    uow: UnitOfWork,
) -> None:
    _person(uow, 1, "prospect")
    _consent(uow, 1, expires_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC))
    # 21:30 UTC is already 1 October in Helsinki.
    _consent(uow, 1, expires_at=dt.datetime(2026, 9, 30, 21, 30, tzinfo=dt.UTC), channel="sms")
    _consent(uow, 1, expires_at=dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC), channel="letter")
    last = dt.date(2026, 10, 1)
    assert lifetime_of(uow, 1) == Lifetime(last, last, by_rule=False)


def test_a_permission_that_never_expires_keeps_a_prospect(uow: UnitOfWork) -> None:
    _person(uow, 1, "prospect")
    _consent(uow, 1, expires_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC))
    _consent(uow, 1, expires_at=None, channel="sms")
    assert lifetime_of(uow, 1) == Lifetime(None, None, by_rule=False)


@pytest.mark.parametrize(
    ("expires", "link_ends", "expected"),
    [
        # the contact role's end comes first
        (dt.date(2026, 9, 1), dt.date(2025, 6, 30), "contact"),
        # the permission lapses first
        (dt.date(2026, 5, 1), dt.date(2025, 6, 30), "prospect"),
        # the same day: the prospect's
        (dt.date(2026, 6, 30), dt.date(2025, 6, 30), "prospect"),
        # a permission that never expires: the contact role's end
        (None, dt.date(2025, 6, 30), "contact"),
        # a link that runs: the permission's
        (dt.date(2026, 5, 1), None, "prospect"),
        # neither fixed
        (None, None, "prospect"),
    ],
)
def test_a_prospect_who_was_a_contact_person_goes_on_the_earlier_day(
    uow: UnitOfWork, expires: dt.date | None, link_ends: dt.date | None, expected: str
) -> None:
    _person(uow, 1, "prospect")
    _consent(uow, 1, expires_at=None if expires is None else _midnight(expires))
    _link(uow, 1, ORG, link_ends)
    life = lifetime_of(uow, 1)
    contact = (
        Lifetime(None, None, by_rule=False)
        if link_ends is None
        else Lifetime(link_ends, periods.add_months(link_ends, 12), by_rule=False)
    )
    prospect = Lifetime(expires, expires, by_rule=False)
    assert life == (contact if expected == "contact" else prospect)


def test_a_prospect_with_a_contract_of_their_own_is_no_contact_person(
    register: RegisterApp,
) -> None:
    """A prospect whose contract (with no invoice yet) is on the register is kept as a
    prospect, whatever their link to an organisation says."""
    c = make_customer(register, ended_on=ENDED)  # with an e-mail permission that runs
    with register.unit_of_work(DPO) as uow:
        uow.execute(delete(payment).where(payment.c.invoice_id.in_(c.invoice_ids)))
        uow.execute(delete(invoice).where(invoice.c.person_id == c.person_id))
        uow.execute(
            update(person).where(person.c.id == c.person_id).values(relationship="prospect")
        )
        _person(uow, ORG, kind="legal")
        _link(uow, c.person_id, ORG, dt.date(2025, 6, 30))
        assert lifetime_of(uow, c.person_id) == Lifetime(None, None, by_rule=False)


def test_a_prospect_who_is_no_contact_person_is_a_prospect_only(uow: UnitOfWork) -> None:
    _person(uow, 1, "prospect")
    assert lifetime_of(uow, 1) == Lifetime(YESTERDAY, YESTERDAY, by_rule=False)


def test_only_the_prospects_own_permissions_count(uow: UnitOfWork) -> None:
    _person(uow, 1, "prospect")
    _person(uow, 2, "prospect")
    _person(uow, 3, "prospect")
    _consent(uow, 2, expires_at=_midnight(dt.date(2026, 9, 1)))
    _consent(uow, 3, expires_at=None)
    assert lifetime_of(uow, 1) == Lifetime(YESTERDAY, YESTERDAY, by_rule=False)
    september = dt.date(2026, 9, 1)
    assert lifetime_of(uow, 2) == Lifetime(september, september, by_rule=False)


# -- grants_in_force


def _in_force(uow: UnitOfWork, on: dt.date) -> set[int]:
    return set(uow.execute(select(consent_event.c.id).where(periods.grants_in_force(on))).scalars())


def test_a_permission_is_in_force_through_the_day_it_expires(uow: UnitOfWork) -> None:
    _person(uow, 1, "prospect")
    day = dt.date(2026, 5, 1)
    # expires at the first instant of 1 May in Helsinki: in force on 1 May, not on 2 May
    at_midnight = _consent(uow, 1, expires_at=_midnight(day))
    a_moment_before = _consent(
        uow, 1, expires_at=_midnight(day) - dt.timedelta(microseconds=1), channel="sms"
    )
    never = _consent(uow, 1, expires_at=None, channel="letter")
    assert _in_force(uow, day) == {at_midnight, never}
    assert _in_force(uow, day - dt.timedelta(days=1)) == {at_midnight, a_moment_before, never}
    assert _in_force(uow, day + dt.timedelta(days=1)) == {never}


def test_only_a_grant_that_is_the_latest_of_its_purpose_and_channel_is_in_force(
    uow: UnitOfWork,
) -> None:
    _person(uow, 1, "prospect")
    _person(uow, 2, "prospect")
    early = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    late = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    withdrawn = _consent(uow, 1, at=early)
    _consent(uow, 1, "withdrawn", at=late)
    # the withdrawal is of e-mail only: the other channel, purpose and person stand
    other_channel = _consent(uow, 1, at=early, channel="sms")
    other_purpose = _consent(uow, 1, at=early, purpose="partner_marketing")
    other_person = _consent(uow, 2, at=early)
    # granted again later: the later grant stands, the earlier does not
    first = _consent(uow, 2, at=early, channel="letter")
    again = _consent(uow, 2, at=late, channel="letter")
    # two events at the same instant: the later row decides
    _consent(uow, 2, "withdrawn", at=early, channel="sms")
    same_instant = _consent(uow, 2, at=early, channel="sms")
    prohibited_first = _consent(uow, 2, at=early, channel="phone")
    _consent(uow, 2, "prohibited", at=early, channel="phone")
    got = _in_force(uow, TODAY)
    assert got == {other_channel, other_purpose, other_person, again, same_instant}
    assert {withdrawn, first, prohibited_first}.isdisjoint(got)


def test_an_event_entered_later_but_dated_earlier_does_not_hide_a_grant(
    uow: UnitOfWork,
) -> None:
    """Events of a purpose and channel are ordered by when they happened; the row order only
    decides between events of the same instant (a paper withdrawal entered after a later
    grant does not withdraw it)."""
    _person(uow, 1, "prospect")
    grant = _consent(uow, 1, at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    _consent(uow, 1, "withdrawn", at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert _in_force(uow, TODAY) == {grant}


def test_a_withdrawal_or_prohibition_is_never_in_force(uow: UnitOfWork) -> None:
    _person(uow, 1, "prospect")
    _consent(uow, 1, "withdrawn")
    _consent(uow, 1, "prohibited", channel="sms")
    assert _in_force(uow, TODAY) == set()


# -- last_day, first_kept: a setting's period


def test_the_days_follow_a_setting_that_overrides_the_period(settings: Settings) -> None:
    recordings = BY_NAME["recordings"]  # 12 months, or recording_retention_months
    feedback = BY_NAME["feedback"]  # 24 months, no setting
    changed = settings.model_copy(update={"recording_retention_months": 18})
    anchor = dt.date(2025, 1, 31)
    assert periods.last_day(recordings, settings, anchor) == dt.date(2026, 1, 31)
    assert periods.last_day(recordings, changed, anchor) == dt.date(2026, 7, 31)
    assert periods.last_day(feedback, changed, anchor) == dt.date(2027, 1, 31)
    assert periods.first_kept(recordings, settings, TODAY) == dt.date(2025, 3, 3)
    assert periods.first_kept(recordings, changed, TODAY) == dt.date(2024, 9, 3)
    assert periods.first_kept(feedback, changed, TODAY) == dt.date(2024, 3, 3)
    # 31 March less a month is 28 February, yet that day's data is kept through 28 March only
    assert periods.first_kept(BY_NAME["outbox"], settings, dt.date(2027, 3, 29)) == dt.date(
        2027, 3, 1
    )


# -- anchor_day


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (dt.datetime(2026, 3, 2, 21, 59, tzinfo=dt.UTC), dt.date(2026, 3, 2)),
        (dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC), dt.date(2026, 3, 3)),  # Helsinki's
        (dt.datetime(2026, 3, 2, 23, 30), dt.date(2026, 3, 2)),  # naive: its own day
        (dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
        (None, None),
        ("2026-03-02", None),
    ],
)
def test_the_helsinki_day_of_a_stored_value(value: Any, day: dt.date | None) -> None:
    assert periods.anchor_day(value) == day


# -- anchor_column


@pytest.mark.parametrize(
    ("attribute", "column"),
    [
        ("disclosure.at", "at"),  # its own date
        ("disclosure.recipient_id", "at"),  # no date of its own: the row's, same rule
        ("address_notice.notice", "held_at"),  # the first of its own dates
        ("recording_loan.study", "due_on"),  # the first date under the same rule
        ("recording_loan.closed_at", "closed_at"),
        ("mail_outbox.message", "queued_at"),
        ("package_delivery.package", None),  # only another rule's attributes have a date
        ("reading_block.readings", None),  # no date at all
    ],
)
def test_the_column_a_recorded_period_runs_from(attribute: str, column: str | None) -> None:
    attr = catalogue[attribute]
    table = metadata.tables[attr.key.split(".")[0]]
    assert periods.anchor_column(table, attr, catalogue.for_table(table.name)) == column


# -- before


@pytest.fixture
def dated() -> Iterator[tuple[Connection, Table]]:
    t = Table(
        "dated",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("day", Date),
        Column("at", UtcDateTime()),
        Column("name", String(10)),
    )
    engine = create_engine("sqlite://")
    t.metadata.create_all(engine)
    with engine.connect() as conn:
        yield conn, t
    engine.dispose()


def test_before_a_day_is_before_its_midnight_in_helsinki(
    dated: tuple[Connection, Table],
) -> None:
    conn, t = dated
    day = dt.date(2026, 3, 3)
    midnight = _midnight(day)  # 2026-03-02 22:00 UTC
    second = dt.timedelta(seconds=1)
    rows = {
        1: (dt.date(2026, 3, 2), midnight - second),
        2: (dt.date(2026, 3, 3), midnight),
        3: (dt.date(2026, 3, 4), midnight + dt.timedelta(hours=1)),  # still 2 March in UTC
    }
    for i, (d, at) in rows.items():
        conn.execute(insert(t).values(id=i, day=d, at=at, name=str(i)))
    by_day = conn.execute(select(t.c.id).where(periods.before(t, "day", day))).scalars()
    by_at = conn.execute(select(t.c.id).where(periods.before(t, "at", day))).scalars()
    assert list(by_day) == [1]
    assert list(by_at) == [1]
