"""Retention periods in months, with the settings that override them (P14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from rekisteri.adapters.contracts_in_force import binding, counted_end
from rekisteri.adapters.schema.register import contract
from rekisteri.catalogue import Anchor, RetentionRule
from rekisteri.config import Settings
from rekisteri.domain.requests import add_months
from rekisteri.services.unit_of_work import UnitOfWork


def months(rule: RetentionRule, settings: Settings) -> int:
    """The rule's period; a setting named *_years or *_months overrides it."""
    if rule.setting and hasattr(settings, rule.setting):
        value = int(getattr(settings, rule.setting))
        return value * 12 if rule.setting.endswith("_years") else value
    return rule.months


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


def kept_until(
    uow: UnitOfWork, rule: RetentionRule, person_id: int, recorded_on: dt.date | None = None
) -> dt.date | None:
    """When data under `rule` goes for this person (None: not yet known, e.g. a contract that
    has not ended)."""
    m = months(rule, uow.settings)
    if rule.anchor is Anchor.RECORDED:
        return add_months(recorded_on or uow.today(), m)
    active, last_end = contracts_end(uow, person_id)
    if active:
        return None
    return add_months(last_end or uow.today(), m)
