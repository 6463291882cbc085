"""Segments (P6): stored definitions, and their translation to SQL.

Each rule of a definition becomes one SQLAlchemy expression over a person row, built from the
rule's validated fields with bound parameters: nothing a user typed is ever spliced into SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select

from rekisteri.adapters import contracts_in_force
from rekisteri.adapters.schema.consumption import consumption_month
from rekisteri.adapters.schema.marketing import segment
from rekisteri.adapters.schema.register import consent_event, contract, person, site
from rekisteri.catalogue import Category
from rekisteri.domain.consent import ANY_CHANNEL, ConsentPurpose
from rekisteri.domain.consumption import last_whole_months
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.segments import SegmentDefinition, SegmentField, SegmentRule
from rekisteri.services.marketing import deceased
from rekisteri.services.unit_of_work import UnitOfWork


def add(uow: UnitOfWork, definition: SegmentDefinition) -> int:
    d = definition.validated()
    if uow.execute(select(segment.c.id).where(segment.c.name == d.name)).first():
        raise InvalidInput("name", f"a segment named {d.name} already exists")
    return int(
        uow.execute(
            segment.insert().values(
                name=d.name,
                description=d.description,
                rules=d.rules_json(),
                created_by=uow.actor.name,
                created_at=uow.now(),
            )
        ).inserted_primary_key[0]
    )


def get(uow: UnitOfWork, name: str) -> tuple[int, SegmentDefinition]:
    row = uow.execute(select(segment).where(segment.c.name == name)).first()
    if row is None:
        raise NotFound("segment", name)
    return int(row.id), SegmentDefinition.from_stored(row.name, row.rules, row.description)


def list_all(uow: UnitOfWork) -> list[dict[str, Any]]:
    rows = uow.execute(select(segment).order_by(segment.c.name)).mappings()
    return [
        {
            "name": r["name"],
            "description": r["description"],
            "rules": [
                rule.describe()
                for rule in SegmentDefinition.from_stored(r["name"], r["rules"], None).rules
            ],
            "created_by": r["created_by"],
            "created_at": r["created_at"],
        }
        for r in rows
    ]


def _active_contract(today: dt.date) -> ColumnElement[bool]:
    # In force: a telephone sale waiting for its written acceptance is not (yet).
    return and_(contract.c.person_id == person.c.id, contracts_in_force.in_force(today))


def _site_rule(today: dt.date, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(contract.c.id)
        .join(site, site.c.id == contract.c.site_id)
        .where(_active_contract(today), condition)
    )


def rule_sql(rule: SegmentRule, today: dt.date) -> ColumnElement[bool]:
    """One rule as a condition on the current `person` row."""
    if rule.field is SegmentField.HEATING_TYPE:
        return _site_rule(today, site.c.heating_type.in_(rule.choices))
    if rule.field is SegmentField.HOUSING_TYPE:
        return _site_rule(today, site.c.housing_type.in_(rule.choices))
    if rule.field is SegmentField.CONSUMPTION_KWH:
        band: list[ColumnElement[bool]] = [site.c.consumption_estimate_kwh.is_not(None)]
        if rule.minimum is not None:
            band.append(site.c.consumption_estimate_kwh >= rule.minimum)
        if rule.maximum is not None:
            band.append(site.c.consumption_estimate_kwh <= rule.maximum)
        return _site_rule(today, and_(*band))
    if rule.field is SegmentField.MEASURED_KWH:
        return _measured(rule, today)
    if rule.field is SegmentField.CONTRACT_ENDING_WITHIN_DAYS:
        assert rule.days is not None
        return exists(
            select(contract.c.id).where(
                _active_contract(today),
                contract.c.fixed_term_end.is_not(None),
                contract.c.fixed_term_end >= today,
                contract.c.fixed_term_end <= today + dt.timedelta(days=rule.days),
            )
        )
    if rule.field is SegmentField.LANGUAGE:
        return person.c.mother_tongue.in_(rule.choices)
    if rule.field is SegmentField.PERSON_KIND:
        return person.c.kind.in_(rule.choices)
    raise AssertionError(rule.field)


def _measured(rule: SegmentRule, today: dt.date) -> ColumnElement[bool]:
    """The person's metered Wh over the last 12 whole months (the archive's consumption job,
    services/archive/totals) within MIN..MAX kWh. Only a person metered in each of the 12
    months is placed: a part of a year is not a year's consumption."""
    first, end = last_whole_months(today)
    m = consumption_month.c
    theirs = and_(m.person_id == person.c.id, m.month >= first, m.month < end)
    total = select(func.sum(m.wh)).where(theirs).scalar_subquery()
    months = select(func.count(func.distinct(m.month))).where(theirs).scalar_subquery()
    band: list[ColumnElement[bool]] = [months == 12, total.is_not(None)]
    if rule.minimum is not None:
        band.append(total >= rule.minimum * 1000)
    if rule.maximum is not None:
        band.append(total <= rule.maximum * 1000)
    return and_(*band)


def categories_read(definition: SegmentDefinition | None) -> set[Category]:
    """What placing persons by the segment reads besides their marketing data: their metered
    consumption for a measured_kwh rule."""
    if definition is None:
        return set()
    return {Category.CONSUMPTION for r in definition.rules if r.field is SegmentField.MEASURED_KWH}


def definition_sql(definition: SegmentDefinition, today: dt.date) -> ColumnElement[bool]:
    return and_(*(rule_sql(r, today) for r in definition.rules))


def rules_for_person(
    uow: UnitOfWork, definition: SegmentDefinition, person_id: int
) -> list[tuple[str, bool]]:
    """Each rule of the segment, and whether it holds for one person (for --explain)."""
    today = uow.today()
    result = []
    for rule in definition.rules:
        held = uow.execute(
            select(rule_sql(rule, today)).select_from(person).where(person.c.id == person_id)
        ).scalar()
        result.append((rule.describe(), bool(held)))
    return result


def profiling_objected(uow: UnitOfWork, person_id: int) -> bool:
    """Has the person objected to (or withdrawn consent for) profiling? Then no segment."""
    latest = uow.execute(
        select(consent_event.c.event)
        .where(
            consent_event.c.person_id == person_id,
            consent_event.c.purpose == ConsentPurpose.PROFILING.value,
            consent_event.c.channel == ANY_CHANNEL,
            consent_event.c.at <= uow.now(),
        )
        .order_by(consent_event.c.at.desc(), consent_event.c.id.desc())
        .limit(1)
    ).scalar()
    return latest in ("prohibited", "withdrawn")


def memberships_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """The segments the person is in today and the rules that placed them there (P6; the
    access package shows these). None after an objection to profiling, and none after a
    death: profiling stops at once."""
    if profiling_objected(uow, person_id) or deceased.is_deceased(uow, person_id):
        return []
    today = uow.today()
    found = []
    read = {Category.CLASSIFICATION}  # and what each segment's rules read to place the person
    for row in uow.execute(select(segment).order_by(segment.c.name)).mappings():
        definition = SegmentDefinition.from_stored(row["name"], row["rules"], row["description"])
        read |= categories_read(definition)
        held = uow.execute(
            select(definition_sql(definition, today))
            .select_from(person)
            .where(person.c.id == person_id)
        ).scalar()
        if held:
            found.append(
                {
                    "segment": definition.name,
                    "description": definition.description,
                    "rules": "; ".join(r.describe() for r in definition.rules),
                }
            )
    uow.note_read([person_id], read, "segments of the person")
    return found
