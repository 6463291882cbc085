"""The conflict rule of the population register's changes (docs/formats/population-changes.md).

A value the person gave (a source in FROM_THE_PERSON) that the register recorded on a later day
(in Helsinki) than the change's date is kept: the change is reported as a conflict and not
applied. The person told the register something newer than the population register's change;
staff settle it with them. A value from any other source, or recorded on or before the change's
date, gives way to the change.
"""

from __future__ import annotations

import datetime as dt
import functools

from rekisteri.domain.values import HELSINKI
from rekisteri.domain.vocabulary import FROM_THE_PERSON

GIVEN_BY_PERSON = frozenset(s.value for s in FROM_THE_PERSON)


# What a person is not asked when they register (the row's defaults: no turvakielto, no ban,
# no guardianship, alive): only a recorded change of one can stand against the population
# register; the row's creation source and time do not speak of it.
NOT_GIVEN_AT_REGISTRATION = frozenset(
    {"non_disclosure", "population_marketing_ban", "under_guardianship", "deceased_on"}
)


def given_later(source: str, received_at: dt.datetime, date: dt.date) -> bool:
    """Whether a value from `source` recorded at `received_at` is kept against a change dated
    `date`: recorded on a later day in Helsinki, i.e. from the start of the next day there on
    (compared as moments: converting each stored time to Helsinki's zone cost more than the rest
    of the rule in a file of 100,000 changes)."""
    return source in GIVEN_BY_PERSON and received_at >= _next_day_starts(date)


@functools.lru_cache(maxsize=1024)
def _next_day_starts(date: dt.date) -> dt.datetime:
    """The moment the day after `date` begins in Helsinki (a file's changes have few dates)."""
    return dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=HELSINKI)
