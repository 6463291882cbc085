"""Changes to sites and billing accounts, each with its history (P12) and provenance (P2).

Both go through the one write path (services/register/attributes); what is particular here is
whose history a change goes to and what must hold across fields (direct payment needs a bank
account).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import billing_account, contract, site
from rekisteri.domain.attribute_rules import Given
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.register import BillingMethod, Provenance
from rekisteri.services.register import attributes
from rekisteri.services.unit_of_work import UnitOfWork

# What a change may touch: the site's address and metering points are not changed here (a move
# is a new site), nor is a billing account's owner or country.
SITE_CHANGEABLE = frozenset(
    {
        "housing_type",
        "ownership",
        "usage_timing",
        "heating_type",
        "consumption_estimate_kwh",
        "main_fuse_a",
        "connection_details",
    }
)
BILLING_CHANGEABLE = frozenset(
    {"street", "postal_code", "post_office", "due_day", "rhythm", "method", "iban"}
)


def update_site(
    uow: UnitOfWork, site_id: int, changes: dict[str, Any], reason: str, provenance: Provenance
) -> list[str]:
    """Change site details; the history goes to whoever holds the site now."""
    holder = uow.execute(
        select(contract.c.person_id)
        .where(contract.c.site_id == site_id, contract.c.end_date.is_(None))
        .order_by(contract.c.start_date.desc())
    ).scalar()
    written = attributes.write_attributes(
        uow, site, site_id, holder, changes, reason, provenance, writable=SITE_CHANGEABLE
    )
    return [w.field for w in written]


def update_billing_account(
    uow: UnitOfWork, account_id: int, changes: dict[str, Any], reason: str, provenance: Provenance
) -> list[str]:
    row = uow.execute(select(billing_account).where(billing_account.c.id == account_id)).first()
    if row is None:
        raise NotFound("billing account", account_id)
    # A postal code answers to the account's own country (five digits in Finland).
    given = Given(today=uow.today(), country=row.country)
    _require_account_for_direct_payment(uow, row, changes, given)
    written = attributes.write_attributes(
        uow,
        billing_account,
        account_id,
        row.person_id,
        changes,
        reason,
        provenance,
        writable=BILLING_CHANGEABLE,
        given=given,
    )
    return [w.field for w in written]


def _require_account_for_direct_payment(
    uow: UnitOfWork, row: Any, changes: dict[str, Any], given: Given
) -> None:
    """Direct payment draws from a bank account: the account must have one after the change."""

    if "method" not in changes and "iban" not in changes:
        return  # what was stored before is not this change's to refuse

    def after(field: str) -> Any:
        if field in changes:
            return attributes.checked(
                uow,
                billing_account,
                field,
                changes[field],
                writable=BILLING_CHANGEABLE,
                given=given,
            )
        return attributes.stored(uow, billing_account, row, field, writable=BILLING_CHANGEABLE)

    if after("method") == BillingMethod.DIRECT_PAYMENT and after("iban") is None:
        raise InvalidInput("iban", "is required for direct payment")
