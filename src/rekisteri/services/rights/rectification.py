"""Rectification of a person's data (Art. 16) with what it owes the recipients (Art. 19).

The one path a person's attributes are corrected by, whoever asks: staff (`customer rectify`,
PATCH /api/v1/persons/{id}) and a fulfilled rectification request alike. The write itself is the
register's (services/register/customers.rectify_person: rules, sources, history); the notices to
the recipients the data was disclosed to are planned here, since only the rights area knows
the disclosures (the register area may not import it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rekisteri.domain.register import Provenance
from rekisteri.services.register import customers
from rekisteri.services.rights import recipient_notices
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Rectified:
    changed: list[str]  # the attribute keys that changed
    recipients_to_notify: list[str]  # Art. 19: a pending notice was planned for each


def rectify(
    uow: UnitOfWork,
    person_id: int,
    changes: dict[str, Any],
    reason: str,
    provenance: Provenance,
    *,
    for_request: int | None = None,
) -> Rectified:
    """Correct the attributes; each recipient of the person's data gets a pending notice
    naming what changed (none when nothing changed)."""
    changed = customers.rectify_person(
        uow, person_id, changes, reason, provenance, for_request=for_request
    )
    if not changed:
        return Rectified(changed, [])
    told = recipient_notices.plan(uow, person_id, "rectification", changed, request_id=for_request)
    return Rectified(changed, told.recipients)
