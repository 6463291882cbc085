"""Permanent and temporary addresses from the population register, as postal contact points.

A permanent address becomes a postal contact point valid from the change's date, and the postal
points valid on that date end the day before (their old validity kept in the history, P12). A
temporary address becomes a postal point valid from its date to its end (when the record gives
one); it ends only the earlier temporary points, so the permanent address is the person's again
once the temporary one has ended (the register writes to the newest point valid on the day).

Unchanged: the person already has a point from the population register with the same address
from the same date. Conflict: the person gave a postal address themselves, recorded on a later
day than the change's date, that is still valid: theirs is kept and the change not applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from rekisteri.adapters import population_changes as pc
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.schema.register import attribute_change, contact_point
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.catalogue import Category
from rekisteri.domain.attribute_rules import Given
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.population.conflicts import given_later
from rekisteri.services.register import attributes
from rekisteri.services.register.history import ChangeRows
from rekisteri.services.unit_of_work import UnitOfWork

POSTAL = ContactKind.POSTAL.value
FIELDS = ("street", "postal_code", "post_office", "country")
WRITABLE = frozenset(FIELDS)
VALIDITY = "contact_point.validity"
REASON = coded(Reason.POPULATION_ADDRESS)


@dataclass
class Outcome:
    changed: int = 0
    unchanged: int = 0
    conflicts: list[tuple[int, str]] = field(default_factory=list)
    persons: set[int] = field(default_factory=set)  # whose contact points were written


def apply(
    uow: UnitOfWork,
    moves: list[tuple[pc.Change, int]],
    provenance_of: Callable[[pc.Change], Provenance],
    bad: Callable[[pc.Change, InvalidInput], InvalidInput],
) -> Outcome:
    """Apply one round of address records (at most one per person)."""
    done = Outcome()
    points = _points(uow, sorted({pid for _, pid in moves}))
    ends: list[tuple[Any, dt.date, pc.Change]] = []  # (point, its new end, the record)
    given: list[tuple[dict[str, Any], Provenance]] = []  # each new point, and its provenance
    owners: list[int] = []
    checks = _Checks(uow)
    for change, pid in moves:
        try:
            address = checks(change.values)
        except InvalidInput as exc:
            raise bad(change, exc) from None
        held = points.get(pid, [])
        if any(_same(p, address, change.date) for p in held):
            done.unchanged += 1
            continue
        if any(_person_gave_later(p, change.date) for p in held):
            done.conflicts.append(
                (change.record, f"a postal address the person gave after {change.date}")
            )
            continue
        done.changed += 1
        day_before = change.date - dt.timedelta(days=1)
        temporary = change.kind is pc.Kind.TEMPORARY_ADDRESS
        ends += [
            (p, day_before, change)
            for p in held
            if _valid_on(p, change.date)
            and p.valid_from <= day_before
            and (not temporary or p.valid_to is not None)
        ]
        provenance = provenance_of(change)
        row = address | {
            "kind": POSTAL,
            "valid_from": change.date,
            "valid_to": change.values.get("valid_until"),
        }
        given.append((row, provenance))
        owners.append(pid)
    new_rows = [
        columns
        | {
            "person_id": pid,
            "source": provenance.source.value,
            "source_detail": provenance.detail,
            "received_at": provenance.received_at,
        }
        for pid, columns, (_, provenance) in zip(
            owners, attributes.received_many(uow, contact_point, given), given, strict=True
        )
    ]
    _end(uow, ends, provenance_of)
    bulk_insert(uow.connection, contact_point, new_rows)
    done.persons.update(owners)  # the ended points are theirs too
    if new_rows:
        uow.note_change(
            sorted(done.persons), [Category.CONTACT], "add contact point (population register)"
        )
    return done


class _Checks:
    """Each field's rule, found once per country (a postal code answers to its country's)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.country = attributes.checker(uow, contact_point, "country", writable=WRITABLE)
        self.by_country: dict[str, dict[str, Callable[[Any], Any]]] = {}

    def __call__(self, values: dict[str, Any]) -> dict[str, Any]:
        country = self.country(values.get("country", "FI"))
        checks = self.by_country.get(country)
        if checks is None:
            given = Given(today=self.uow.today(), country=country)
            checks = {
                f: attributes.checker(self.uow, contact_point, f, writable=WRITABLE, given=given)
                for f in FIELDS
                if f != "country"
            }
            self.by_country[country] = checks
        return {f: check(values[f]) for f, check in checks.items()} | {"country": country}


def _points(uow: UnitOfWork, ids: list[int]) -> dict[int, list[Any]]:
    dialect = uow.connection.dialect.name
    cp = contact_point.c
    found: dict[int, list[Any]] = {}
    for chunk in batches(dialect, ids):
        query = (
            select(cp.id, cp.person_id, *(cp[f] for f in FIELDS), cp.valid_from, cp.valid_to)
            .add_columns(cp.source, cp.received_at)
            .where(cp.kind == POSTAL, one_of(dialect, cp.person_id, chunk))
            .order_by(cp.id)
        )
        for r in uow.execute(query):
            found.setdefault(int(r.person_id), []).append(r)
    return found


def _same(point: Any, address: dict[str, Any], date: dt.date) -> bool:
    return (
        point.source == Source.POPULATION_REGISTER.value
        and point.valid_from == date
        and all(point._mapping[f] == address[f] for f in FIELDS)
    )


def _valid_on(point: Any, date: dt.date) -> bool:
    return point.valid_to is None or point.valid_to >= date


def _person_gave_later(point: Any, date: dt.date) -> bool:
    return _valid_on(point, date) and given_later(point.source, point.received_at, date)


def _end(
    uow: UnitOfWork,
    ends: list[tuple[Any, dt.date, pc.Change]],
    provenance_of: Callable[[pc.Change], Provenance],
) -> None:
    """The points' validity ends, one statement for them all, each with its history entry."""
    if not ends:
        return
    by_day: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for p, day, _ in ends:
        by_day.setdefault((("valid_to", day),), []).append(int(p.id))
    # One statement per day and batch of points, or (a file of many days) one for them all.
    attributes.update_rows(uow, contact_point, dict(sorted(by_day.items())))
    change_row = ChangeRows(uow)
    history = [
        change_row(
            person_id=int(p.person_id),
            table=contact_point.name,
            row_id=int(p.id),
            attribute=VALIDITY,
            old=p.valid_to,
            new=day,
            reason=REASON,
            provenance=provenance_of(change),
        )
        for p, day, change in ends
    ]
    bulk_insert(uow.connection, attribute_change, history)
    persons = sorted({int(p.person_id) for p, _, _ in ends})
    uow.note_change(persons, [Category.CONTACT], f"change {VALIDITY}")
