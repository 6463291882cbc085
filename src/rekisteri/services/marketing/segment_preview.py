"""How many persons a segment places today (issue 17 item 5d: build, preview counts, explain).

Placed: the segment's rules hold (segments.definition_sql) and the person has not objected to
profiling or withdrawn its consent (P6: such a person is never placed, the latest event of
purpose profiling decides, as segments.profiling_objected does for one person). A person who
has died is counted nowhere: segments.memberships_of never places them either. A count only:
no person is listed or read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, not_, or_, select

from rekisteri.adapters.schema.register import consent_event, person
from rekisteri.domain.consent import ANY_CHANNEL, ConsentPurpose
from rekisteri.domain.segments import SegmentDefinition
from rekisteri.services.marketing import deceased, segments
from rekisteri.services.unit_of_work import UnitOfWork

OBJECTED = ("prohibited", "withdrawn")


@dataclass(frozen=True)
class Counts:
    rules_hold: int  # every rule holds
    placed: int  # of those, not objected to profiling
    objected: int  # rules hold, but the person objected: never placed


def counts(uow: UnitOfWork, definition: SegmentDefinition) -> Counts:
    latest = (
        select(consent_event.c.event)
        .where(
            consent_event.c.person_id == person.c.id,
            consent_event.c.purpose == ConsentPurpose.PROFILING.value,
            consent_event.c.channel == ANY_CHANNEL,
            consent_event.c.at <= uow.now(),
        )
        .order_by(consent_event.c.at.desc(), consent_event.c.id.desc())
        .limit(1)
        .correlate(person)
        .scalar_subquery()
    )
    rules = and_(
        segments.definition_sql(definition.validated(), uow.today()),
        not_(deceased.died_by(uow.today())),
    )
    free = or_(latest.is_(None), latest.not_in(OBJECTED))
    hold = uow.execute(select(func.count()).select_from(person).where(rules)).scalar_one()
    placed = uow.execute(select(func.count()).select_from(person).where(rules, free)).scalar_one()
    return Counts(int(hold), int(placed), int(hold) - int(placed))
