"""A death stops marketing and profiling at once (issue 16): the one test every marketing path
asks. The audience has it in its SQL (audience._facts, the DECEASED exclusion), and so do the
campaigns, renewal offers and group hand-overs built on it; segments and the preference centre
ask here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, select

from rekisteri.adapters.schema.register import person
from rekisteri.services.unit_of_work import UnitOfWork


def died_by(today: dt.date) -> ColumnElement[bool]:
    """The current person row's date of death is `today` or earlier."""
    return and_(person.c.deceased_on.is_not(None), person.c.deceased_on <= today)


def is_deceased(uow: UnitOfWork, person_id: int) -> bool:
    found = uow.execute(
        select(person.c.id).where(person.c.id == person_id, died_by(uow.today()))
    ).first()
    return found is not None
