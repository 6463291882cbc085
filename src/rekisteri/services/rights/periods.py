"""Retention periods (P14): how long each rule keeps data, from what, and the day it goes.

The retention run and everything that tells the person until when their data is kept (the
access package, the erasure answer) use these functions, so the day the person is told is the
day the run keeps the data through; it goes the day after.

A rule's anchor (the catalogue's `Anchor`) says what its period counts from:
- RECORDED: the row's own date (`anchor_column`), as a Helsinki day;
- RELATIONSHIP_END and CONTRACT_END: the end of what ties the person to the register
  (`lifetime_of`): a customer's last contract (not while one binds or an invoice is open), a
  contact person's last link to an organisation (purged whole the contact period after it), a
  prospect's last permission (purged whole the day after it lapses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Date, DateTime, Table, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from rekisteri.adapters.contracts_in_force import binding, counted_end
from rekisteri.adapters.schema.base import UtcDateTime
from rekisteri.adapters.schema.register import (
    consent_event,
    contact_person,
    contract,
    invoice,
    person,
)
from rekisteri.catalogue import Anchor, Attribute, RetentionRule
from rekisteri.config import Settings
from rekisteri.domain.consumption import HELSINKI
from rekisteri.domain.requests import add_months as add_months  # callers' month arithmetic
from rekisteri.services.unit_of_work import UnitOfWork

OPEN_INVOICE = ("open", "in_collection")
# Rows a person's whole purge leaves (the audit trail keeps its own period; requests and
# notices to recipients are unlinked, so the person's own view loses them with the rest).
OUTLIVE_THE_PERSON = frozenset({"audit_entry"})
ONE_DAY = dt.timedelta(days=1)


def months(rule: RetentionRule, settings: Settings) -> int:
    """The rule's period; a setting named *_years or *_months overrides it."""
    if rule.setting and hasattr(settings, rule.setting):
        value = int(getattr(settings, rule.setting))
        return value * 12 if rule.setting.endswith("_years") else value
    return rule.months


def last_day(rule: RetentionRule, settings: Settings, anchor: dt.date) -> dt.date:
    """The last day data anchored on `anchor` is kept under `rule` (it goes the day after)."""
    return rule.last_day(anchor, months(rule, settings))


def first_kept(rule: RetentionRule, settings: Settings, today: dt.date) -> dt.date:
    """The earliest anchor day whose data `rule` still keeps on `today`: the run removes what is
    anchored before it."""
    return rule.first_kept(today, months(rule, settings))


def anchor_day(value: Any) -> dt.date | None:
    """The Helsinki day of a stored date or instant (None for none)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(HELSINKI).date() if value.tzinfo else value.date()
    return value if isinstance(value, dt.date) else None


def _dated(t: Table, columns: tuple[str, ...]) -> str | None:
    for c in columns:
        if isinstance(t.c[c].type, Date | DateTime | UtcDateTime):
            return c
    return None


def anchor_column(t: Table, attr: Attribute, table_attrs: tuple[Attribute, ...]) -> str | None:
    """The column a RECORDED period of `attr` runs from: the attribute's own first date, else
    the first date of the table's attributes under the same rule (the row's date: a
    disclosure's recipient is kept as long as its date)."""
    own = _dated(t, attr.columns)
    if own is not None:
        return own
    same = tuple(c for a in table_attrs if a.retention == attr.retention for c in a.columns)
    return _dated(t, same)


def before(t: Table, column: str, day: dt.date) -> ColumnElement[bool]:
    """Rows anchored before the Helsinki `day` (a timestamp before its midnight in Helsinki)."""
    col = t.c[column]
    if isinstance(col.type, Date) and not isinstance(col.type, DateTime):
        return col < day
    return col < dt.datetime.combine(day, dt.time(), HELSINKI)


def contracts_end(uow: UnitOfWork, person_id: int) -> tuple[bool, dt.date | None]:
    """(has a contract that binds, the latest end date of the others). A telephone sale never
    accepted does not bind (adapters/contracts_in_force): it counts from its start date."""
    row: Any = uow.execute(
        select(
            func.count().filter(binding()).label("active"),
            func.max(counted_end()).label("last_end"),
        ).where(contract.c.person_id == person_id)
    ).one()
    return bool(row.active), row.last_end


def grants_in_force(on: dt.date) -> ColumnElement[bool]:
    """Consent events that are a permission in force on the Helsinki day `on` (the latest event
    of its purpose and channel is a grant that has not expired before that day began): a
    permission is kept through the day it expires."""
    later = aliased(consent_event)
    start = dt.datetime.combine(on, dt.time(), HELSINKI)
    return and_(
        consent_event.c.event == "granted",
        or_(consent_event.c.expires_at.is_(None), consent_event.c.expires_at >= start),
        ~exists().where(
            later.c.person_id == consent_event.c.person_id,
            later.c.purpose == consent_event.c.purpose,
            later.c.channel == consent_event.c.channel,
            or_(
                later.c.at > consent_event.c.at,
                and_(later.c.at == consent_event.c.at, later.c.id > consent_event.c.id),
            ),
        ),
    )


@dataclass(frozen=True)
class Lifetime:
    """What ends the person's data under the RELATIONSHIP_END and CONTRACT_END rules.

    `ended_on`: the day those periods count from (None: not while a contract binds, an invoice
    is open or a link runs, or never for one the run keeps); `whole_after`: the last day before
    the person is purged whole, with every row of theirs but the audit trail (None: not fixed);
    `by_rule`: whether the rules' own periods apply from `ended_on` (a customer's) or the
    person goes whole on `whole_after` under every rule (a prospect, a contact person)."""

    ended_on: dt.date | None
    whole_after: dt.date | None
    by_rule: bool


def lifetime_of(uow: UnitOfWork, person_id: int) -> Lifetime:
    """The person's lifetime as the retention run decides it (services/rights/retention)."""
    s = uow.settings
    relationship = uow.execute(
        select(person.c.relationship).where(person.c.id == person_id)
    ).scalar()
    has_contracts = (
        uow.execute(select(contract.c.id).where(contract.c.person_id == person_id).limit(1)).first()
        is not None
    )
    if relationship == "prospect":
        # Two rules of the run can remove a prospect: their permissions lapsing, and (when
        # they were also an organisation's contact person) that role's period: the earlier.
        prospect = _prospect(uow, person_id)
        contact = _contact_person(uow, person_id, has_contracts)
        earlier = (
            contact is not None
            and contact.whole_after is not None
            and (prospect.whole_after is None or contact.whole_after < prospect.whole_after)
        )
        return contact if earlier and contact is not None else prospect
    if relationship == "customer" and has_contracts:
        active, last_end = contracts_end(uow, person_id)
        claims = uow.execute(
            select(invoice.c.id)
            .where(invoice.c.person_id == person_id, invoice.c.status.in_(OPEN_INVOICE))
            .limit(1)
        ).first()
        if active or claims is not None or last_end is None:
            return Lifetime(None, None, by_rule=True)
        rule = next(
            a.retention
            for a in uow.catalogue.attributes
            if a.retention.anchor is Anchor.CONTRACT_END
        )
        return Lifetime(last_end, last_day(rule, s, last_end), by_rule=True)
    return _contact_person(uow, person_id, has_contracts) or Lifetime(None, None, by_rule=True)


def _contact_person(uow: UnitOfWork, person_id: int, has_contracts: bool) -> Lifetime | None:
    """A person the register knows only as an organisation's contact person (no contract or
    invoice of their own; retention.former_contact_persons): kept while a link runs, purged
    whole the role's period after the last ends. None for anyone else."""
    has_invoices = uow.execute(
        select(invoice.c.id).where(invoice.c.person_id == person_id).limit(1)
    ).first()
    links = uow.execute(
        select(
            func.count().label("n"),
            func.count().filter(contact_person.c.valid_to.is_(None)).label("running"),
            func.max(contact_person.c.valid_to).label("last"),
        ).where(contact_person.c.person_id == person_id)
    ).one()
    if links.n and not has_contracts and has_invoices is None:
        if links.running:
            return Lifetime(None, None, by_rule=False)
        rule = uow.catalogue["contact_person.role"].retention
        return Lifetime(links.last, last_day(rule, uow.settings, links.last), by_rule=False)
    return None


def _prospect(uow: UnitOfWork, person_id: int) -> Lifetime:
    """A prospect is kept while a permission is in force, through the day the last expires."""
    today = uow.today()
    grants = uow.execute(
        select(consent_event.c.expires_at).where(
            consent_event.c.person_id == person_id, grants_in_force(today)
        )
    ).scalars()
    expiries = list(grants)
    if not expiries:  # none in force: the next run removes them
        return Lifetime(today - ONE_DAY, today - ONE_DAY, by_rule=False)
    if any(e is None for e in expiries):
        return Lifetime(None, None, by_rule=False)
    last = max(d for e in expiries if (d := anchor_day(e)) is not None)
    return Lifetime(last, last, by_rule=False)


def kept_until(
    uow: UnitOfWork,
    rule: RetentionRule,
    person_id: int,
    recorded_on: dt.date | None = None,
    *,
    lifetime: Lifetime | None = None,
    outlives_person: bool = False,
    shared: bool = False,
) -> dt.date | None:
    """The last day the retention run keeps data of this person under `rule` (None: not fixed
    yet, e.g. while a contract binds). A RECORDED rule runs from `recorded_on` (a Helsinki day),
    but nothing outlasts the person's whole purge unless it `outlives_person` (the audit
    trail). A `shared` row is someone else's too (the site another customer moved into): the
    relationship rules leave it, and it stops being the person's when their whole purge
    removes what links them to it."""
    life = lifetime or lifetime_of(uow, person_id)
    whole = None if outlives_person else life.whole_after
    if rule.anchor is Anchor.RECORDED:
        own = last_day(rule, uow.settings, recorded_on or uow.today())
        return own if whole is None else min(own, whole)
    if shared or not life.by_rule:
        return whole
    if life.ended_on is None:
        return None
    return last_day(rule, uow.settings, life.ended_on)
