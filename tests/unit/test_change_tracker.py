"""Whom an INSERT concerns, as the change tracker (services/change_audit.py) reads it from the
statement in each shape a service sends: keyword values, values keyed by column, a list of rows
in one VALUES clause, rows given at execution (executemany), a value that is SQL, and a table
whose path to a person runs through another table. On a migrated database of each backend,
rows put in by hand; tests/e2e/test_change_audit.py walks every door to the same end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select

from rekisteri.adapters import db
from rekisteri.adapters.schema.register import contact_point, contract, device, person, site
from rekisteri.catalogue import catalogue
from rekisteri.services.change_audit import ChangeTracker

NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 3)
FROM = {"source": "test", "received_at": NOW}


@pytest.fixture
def conn(database_url: str) -> Iterator[Connection]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            for pid in (1, 2, 3):
                connection.execute(
                    insert(person).values(
                        id=pid,
                        customer_number=f"C{pid}",
                        kind="natural",
                        relationship="customer",
                        restricted=False,
                        created_at=NOW,
                        **FROM,
                    )
                )
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


@pytest.fixture
def tracker(conn: Connection) -> Iterator[ChangeTracker]:
    watching = ChangeTracker(conn, catalogue)
    yield watching
    watching.close()


def _phone(pid: int) -> dict[str, Any]:
    return {"person_id": pid, "kind": "phone", "phone": f"+35840000000{pid}", "valid_from": DAY}


def _added(tracker: ChangeTracker) -> list[tuple[set[int], str]]:
    return [(persons, what) for persons, _categories, what in tracker.noted]


def test_keyword_values_name_their_person(conn: Connection, tracker: ChangeTracker) -> None:
    conn.execute(insert(contact_point).values(**_phone(2), **FROM))
    assert _added(tracker) == [({2}, "add contact_point")]


def test_values_keyed_by_column_name_their_person(conn: Connection, tracker: ChangeTracker) -> None:
    values = {contact_point.c[k]: v for k, v in (_phone(3) | FROM).items()}
    conn.execute(insert(contact_point).values(values))
    assert _added(tracker) == [({3}, "add contact_point")]


def test_each_row_of_one_values_clause_is_read(conn: Connection, tracker: ChangeTracker) -> None:
    conn.execute(insert(contact_point).values([_phone(1) | FROM, _phone(3) | FROM]))
    assert _added(tracker) == [({1, 3}, "add contact_point")]


def test_rows_given_at_execution_are_read(conn: Connection, tracker: ChangeTracker) -> None:
    conn.execute(insert(contact_point), [_phone(1) | FROM, _phone(2) | FROM])
    assert _added(tracker) == [({1, 2}, "add contact_point")]


def test_a_value_in_the_statement_and_the_rest_at_execution(
    conn: Connection, tracker: ChangeTracker
) -> None:
    conn.execute(insert(contact_point).values(person_id=3), [_phone(3) | FROM])
    assert _added(tracker) == [({3}, "add contact_point")]


def test_a_person_given_as_sql_is_asked_of_the_database(
    conn: Connection, tracker: ChangeTracker
) -> None:
    found = select(person.c.id).where(person.c.customer_number == "C2").scalar_subquery()
    conn.execute(insert(contact_point).values(**(_phone(1) | FROM | {"person_id": found})))
    assert _added(tracker) == [({2}, "add contact_point")]


def test_a_new_person_is_named_by_their_new_id(conn: Connection, tracker: ChangeTracker) -> None:
    conn.execute(
        insert(person).values(
            id=7,
            customer_number="C7",
            kind="natural",
            relationship="customer",
            restricted=False,
            created_at=NOW,
            **FROM,
        )
    )
    assert _added(tracker) == [({7}, "add person")]


def test_a_row_reaching_its_person_through_a_contract(conn: Connection) -> None:
    """A device names its site; the site's contract names the person."""
    place = {"street": "Katu 1", "postal_code": "00100", "post_office": "Helsinki", **FROM}
    conn.execute(insert(site).values(id=10, **place))
    conn.execute(insert(site).values(id=11, **place))
    conn.execute(
        insert(contract).values(
            id=20,
            contract_number="S20",
            person_id=2,
            site_id=10,
            kind="sales",
            product="Perus",
            start_date=DAY,
            **FROM,
        )
    )
    tracker = ChangeTracker(conn, catalogue)
    try:
        conn.execute(insert(device).values(site_id=10, kind="heat_pump", **FROM))
        conn.execute(insert(device).values([{"site_id": 11, "kind": "charger", **FROM}]))
    finally:
        tracker.close()
    assert _added(tracker) == [({2}, "add device"), (set(), "add device")]
