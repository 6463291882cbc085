"""Changes to sites and billing accounts, each with its history (P12) and provenance (P2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, select, update

from rekisteri.adapters.schema.register import billing_account, contract, site
from rekisteri.domain import identifiers, values
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    HeatingType,
    HousingType,
    Ownership,
    Provenance,
    UsageTiming,
)
from rekisteri.services.register.history import record_change
from rekisteri.services.unit_of_work import UnitOfWork

IBAN = "billing_account.iban"
Validator = Callable[[Any], Any]


def _enum(enum: type[values.E], field: str) -> Validator:
    return lambda v: values.enum_value(enum, v, field).value


SITE_FIELDS: dict[str, Validator] = {
    "housing_type": _enum(HousingType, "housing_type"),
    "ownership": _enum(Ownership, "ownership"),
    "usage_timing": _enum(UsageTiming, "usage_timing"),
    "heating_type": _enum(HeatingType, "heating_type"),
    "consumption_estimate_kwh": lambda v: values.positive_int(int(v), "consumption_estimate_kwh"),
    "main_fuse_a": lambda v: values.positive_int(int(v), "main_fuse_a", maximum=10_000),
    "connection_details": lambda v: values.text(v, "connection_details", required=False),
}

BILLING_FIELDS: dict[str, Validator] = {
    "street": lambda v: values.required_text(v, "street"),
    "postal_code": lambda v: values.postal_code(v, "FI"),
    "post_office": lambda v: values.required_text(v, "post_office", max_len=100),
    "due_day": lambda v: _due_day(int(v)),
    "rhythm": _enum(BillingRhythm, "rhythm"),
    "method": _enum(BillingMethod, "method"),
    "iban": lambda v: identifiers.iban(v),
}


def _due_day(day: int) -> int:
    if not 1 <= day <= 28:
        raise InvalidInput("due_day", "must be between 1 and 28")
    return day


def _attribute_key(uow: UnitOfWork, table: Table, column: str) -> str:
    attr = uow.catalogue.for_column(table.name, column)
    if attr is None:  # every writable column is catalogued; a test guards this
        raise InvalidInput(column, "is not a catalogued attribute")
    return attr.key


def _apply(
    uow: UnitOfWork,
    table: Table,
    row_id: int,
    person_id: int | None,
    changes: dict[str, Any],
    allowed: dict[str, Validator],
    reason: str,
    provenance: Provenance,
) -> list[str]:
    why = values.required_text(reason, "reason", max_len=300)
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput(unknown[0], f"is not a field of {table.name} that can be changed")
    if not changes:
        raise InvalidInput("changes", "nothing to change")
    new = {f: (allowed[f](v) if v not in (None, "") else None) for f, v in changes.items()}
    row = uow.execute(select(table).where(table.c.id == row_id)).first()
    if row is None:
        raise NotFound(table.name, row_id)
    columns: dict[str, Any] = {}
    changed: list[str] = []
    for field, value in new.items():
        if field == "iban":
            old = uow.cipher.open(IBAN, row.iban_ct, row.iban_key) if row.iban_ct else None
            if old == value:
                continue
            if value:
                sealed = uow.cipher.seal(IBAN, value)
                columns.update(
                    iban_ct=sealed.ciphertext, iban_key=sealed.key_id, iban_bidx=sealed.blind_index
                )
            else:
                columns.update(iban_ct=None, iban_key=None, iban_bidx=None)
            key = IBAN
        else:
            old = getattr(row, field)
            if old == value:
                continue
            columns[field] = value
            key = _attribute_key(uow, table, field)
        record_change(
            uow,
            person_id=person_id,
            table=table.name,
            row_id=row_id,
            attribute=key,
            old=old,
            new=value,
            reason=why,
            provenance=provenance,
        )
        changed.append(field)
    if columns:
        # The row keeps the provenance it arrived with; each changed attribute's own source is
        # in its history entry (services.history.latest_sources).
        uow.execute(update(table).where(table.c.id == row_id).values(**columns))
    return changed


def update_site(
    uow: UnitOfWork, site_id: int, changes: dict[str, Any], reason: str, provenance: Provenance
) -> list[str]:
    """Change site details; the history goes to whoever holds the site now."""
    holder = uow.execute(
        select(contract.c.person_id)
        .where(contract.c.site_id == site_id, contract.c.end_date.is_(None))
        .order_by(contract.c.start_date.desc())
    ).scalar()
    return _apply(uow, site, site_id, holder, changes, SITE_FIELDS, reason, provenance)


def update_billing_account(
    uow: UnitOfWork, account_id: int, changes: dict[str, Any], reason: str, provenance: Provenance
) -> list[str]:
    owner = uow.execute(
        select(billing_account.c.person_id).where(billing_account.c.id == account_id)
    ).scalar()
    if owner is None:
        raise NotFound("billing account", account_id)
    if changes.get("method") == "direct_payment" and "iban" not in changes:
        has_iban = uow.execute(
            select(billing_account.c.iban_ct).where(billing_account.c.id == account_id)
        ).scalar()
        if has_iban is None:
            raise InvalidInput("iban", "is required for direct payment")
    return _apply(
        uow, billing_account, account_id, owner, changes, BILLING_FIELDS, reason, provenance
    )
