"""What an audience reads from person_reach (services/marketing/reach.py), on a migrated
database of each backend with person_reach rows put in by hand: whether the copy is trusted,
which contact point it gives for a day, and whether the frequency cap holds a person back.

tests/integration/test_person_reach.py and test_audience.py check the same through whole
audiences; these reach each function directly and run in about a second, so `make mutation`
can check every mutant of reach.py against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, insert, literal, select, text

from rekisteri.adapters import db
from rekisteri.adapters.schema.marketing import REACH_CONTACTS, person_reach
from rekisteri.adapters.schema.register import person
from rekisteri.services.marketing import reach

TODAY = dt.date(2026, 3, 3)
DAY = dt.timedelta(days=1)
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)
LOOKED_UP = -1  # what the lookup in the base tables would answer


@pytest.fixture
def conn(database_url: str) -> Iterator[Connection]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


def _person(conn: Connection, pid: int, **reach_row: Any) -> None:
    """A person, and their person_reach row as given (none when nothing is given)."""
    conn.execute(
        insert(person).values(
            id=pid,
            customer_number=f"C{pid}",
            kind="natural",
            relationship="customer",
            restricted=False,
            created_at=NOW,
            source="test",
            received_at=NOW,
        )
    )
    if reach_row:
        conn.execute(insert(person_reach).values(person_id=pid, **reach_row))


def _each(conn: Connection, column: Any) -> dict[int, Any]:
    rows = conn.execute(
        select(person.c.id, column)
        .select_from(person.outerjoin(person_reach, person_reach.c.person_id == person.c.id))
        .order_by(person.c.id)
    )
    return {int(pid): value for pid, value in rows}


# ---- trusted -------------------------------------------------------------------------------


def _reach_triggers(conn: Connection) -> list[tuple[str, str]]:
    """(trigger, its table) of every trigger whose name starts with person_reach."""
    if conn.dialect.name == "postgresql":
        sql = (
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgname LIKE 'person_reach%'"
        )
    else:
        sql = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
        sql += " AND name LIKE 'person_reach%'"
    return [(str(name), str(table)) for name, table in conn.execute(text(sql))]


def _drop_trigger(conn: Connection, name: str, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(f'DROP TRIGGER "{name}" ON "{table}"'))
    else:
        conn.execute(text(f'DROP TRIGGER "{name}"'))


def test_a_migrated_database_keeps_person_reach_and_is_trusted(conn: Connection) -> None:
    names = {name for name, _ in _reach_triggers(conn)}
    assert names >= reach.TRIGGERS[conn.dialect.name]
    assert reach.trusted(conn) is True


def test_the_named_triggers_alone_are_enough(conn: Connection) -> None:
    for name, table in _reach_triggers(conn):
        if name not in reach.TRIGGERS[conn.dialect.name]:
            _drop_trigger(conn, name, table)
    assert {name for name, _ in _reach_triggers(conn)} == reach.TRIGGERS[conn.dialect.name]
    assert reach.trusted(conn) is True


@pytest.mark.parametrize("missing", sorted(reach.TRIGGERS["sqlite"]))
def test_any_trigger_missing_and_the_copy_is_not_trusted(conn: Connection, missing: str) -> None:
    found = dict(_reach_triggers(conn))
    if missing not in reach.TRIGGERS[conn.dialect.name]:
        pytest.skip(f"{missing} is SQLite's alone")
    _drop_trigger(conn, missing, found[missing])
    assert reach.trusted(conn) is False


# ---- contact_point -------------------------------------------------------------------------


def _points(kind: str, since: dt.date | None, until: dt.date | None, point: int | None) -> Any:
    return {f"{kind}_point_id": point, f"{kind}_valid_from": since, f"{kind}_valid_to": until}


@pytest.mark.parametrize("kind", ["postal", "email", "phone"])
def test_the_kept_point_is_taken_only_on_the_days_it_is_valid(conn: Connection, kind: str) -> None:
    others = [k for k in ("postal", "email", "phone") if k != kind]
    # The other kinds hold a point valid today too: each must read its own columns.
    noise = {k: v for other in others for k, v in _points(other, TODAY - DAY, None, 99).items()}
    cases = {
        1: _points(kind, TODAY - DAY, None, 11),  # valid, open-ended
        2: _points(kind, TODAY, None, 12),  # valid from today
        3: _points(kind, TODAY - 5 * DAY, TODAY, 13),  # valid until today, inclusive
        4: _points(kind, TODAY - 5 * DAY, TODAY + DAY, 14),  # valid until tomorrow
        5: _points(kind, TODAY - 5 * DAY, TODAY - DAY, 15),  # ended yesterday: ask the lookup
        6: _points(kind, TODAY + DAY, None, 16),  # valid from tomorrow: ask the lookup
        7: _points(kind, TODAY + DAY, TODAY + 9 * DAY, 17),  # in the future: ask the lookup
        8: _points(kind, None, None, None),  # no point of this kind: none, not the lookup
    }
    for pid, row in cases.items():
        _person(conn, pid, **(noise | row))
    _person(conn, 9)  # no person_reach row at all: none
    answer = _each(conn, reach.contact_point(kind, TODAY, literal(LOOKED_UP)))
    assert answer == {
        1: 11,
        2: 12,
        3: 13,
        4: 14,
        5: LOOKED_UP,
        6: LOOKED_UP,
        7: LOOKED_UP,
        8: None,
        9: None,
    }


# ---- capped --------------------------------------------------------------------------------

WINDOW_START = NOW - dt.timedelta(days=365)


def _contacts(*times: dt.datetime) -> dict[str, dt.datetime]:
    return {f"contacted_{n}_at": at for n, at in enumerate(times, start=1)}


def test_the_cap_counts_the_kept_contacts_of_the_365_days_up_to_now(conn: Connection) -> None:
    cases = {
        # cap 2: the second newest contact decides
        1: _contacts(NOW - DAY, NOW - 2 * DAY),  # two this year: capped
        2: _contacts(NOW - DAY),  # one: not capped
        3: _contacts(NOW - DAY, WINDOW_START - DAY),  # the second a year and a day ago
        4: _contacts(NOW - DAY, WINDOW_START),  # the second exactly 365 days ago: not counted
        5: _contacts(NOW - DAY, WINDOW_START + dt.timedelta(seconds=1)),  # just inside
        6: _contacts(NOW, NOW),  # both at this very moment: capped from the copy
        7: _contacts(NOW + dt.timedelta(seconds=1), NOW - DAY),  # a contact after now: count
        8: _points("email", TODAY, None, 5),  # a row without contacts: not capped
    }
    for pid, row in cases.items():
        _person(conn, pid, **row)
    _person(conn, 9)  # no person_reach row: not capped
    answer = _each(conn, reach.capped(2, NOW, literal(LOOKED_UP)))
    assert answer == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1, 6: 1, 7: LOOKED_UP, 8: 0, 9: 0}


@pytest.mark.parametrize("cap", [1, REACH_CONTACTS])
def test_the_cap_reads_the_contact_its_number_names(conn: Connection, cap: int) -> None:
    within = [NOW - n * DAY for n in range(1, REACH_CONTACTS + 1)]
    _person(conn, 1, **_contacts(*within[:cap]))  # exactly `cap` contacts: capped
    _person(conn, 2, **_contacts(*within[: cap - 1]))  # one fewer: not capped
    older = [*within[: cap - 1], WINDOW_START - DAY]
    _person(conn, 3, **_contacts(*older))  # the cap-th newest out of the window
    assert _each(conn, reach.capped(cap, NOW, literal(LOOKED_UP))) == {1: 1, 2: 0, 3: 0}


@pytest.mark.parametrize("cap", [0, REACH_CONTACTS + 1])
def test_a_cap_beyond_the_kept_contacts_is_refused(cap: int) -> None:
    with pytest.raises(AssertionError, match=r"^config\.Settings bounds the cap to what is kept$"):
        reach.capped(cap, NOW, literal(LOOKED_UP))
