"""Use cases that write the register: persons, contact points, sites, billing, contracts.

Every write records its provenance (P2); every change of a stored value records the old and new
value, who and why (P12). Bad input raises InvalidInput before anything is written, and the unit
of work rolls back whatever a later failure interrupts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update

from rekisteri.adapters.schema.register import (
    billing_account,
    contact_point,
    contract,
    metering_point,
    person,
    site,
)
from rekisteri.catalogue import Category, Purpose
from rekisteri.domain import identifiers, values
from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.register import (
    BillingAccountDraft,
    ContactKind,
    ContactPointDraft,
    ContractDraft,
    EndReason,
    Gender,
    MotherTongue,
    PersonDraft,
    Provenance,
    SiteDraft,
    require_prospect_permission,
)
from rekisteri.services.marketing import ledger
from rekisteri.services.register.history import record_change
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

HETU = "person.personal_identity_code"
IBAN = "billing_account.iban"


@dataclass(frozen=True)
class Registered:
    person_id: int
    customer_number: str


def _prov(p: Provenance) -> dict[str, Any]:
    return {"source": p.source.value, "source_detail": p.detail, "received_at": p.received_at}


def find_by_identity_code(uow: UnitOfWork, code: str) -> int | None:
    bidx = uow.cipher.blind_index(
        HETU, identifiers.personal_identity_code(code, allow_temporary=True)
    )
    found = uow.execute(select(person.c.id).where(person.c.hetu_bidx == bidx)).scalar()
    return None if found is None else int(found)


def register_person(
    uow: UnitOfWork,
    draft: PersonDraft,
    provenance: Provenance,
    permissions: tuple[PermissionDraft, ...] = (),
) -> Registered:
    d = draft.validated(uow.today())
    perms = tuple(p.validated() for p in permissions)
    require_prospect_permission(d.relationship, len(perms))
    if d.personal_identity_code and find_by_identity_code(uow, d.personal_identity_code):
        raise InvalidInput("personal_identity_code", "is already registered to another person")
    if (
        d.business_id
        and uow.execute(select(person.c.id).where(person.c.business_id == d.business_id)).first()
    ):
        raise InvalidInput("business_id", "is already registered to another organisation")
    number = str(uow.next_number("customer", 100001))
    hetu_cols: dict[str, Any] = {}
    if d.personal_identity_code:
        sealed = uow.cipher.seal(HETU, d.personal_identity_code)
        hetu_cols = {
            "hetu_ct": sealed.ciphertext,
            "hetu_key": sealed.key_id,
            "hetu_bidx": sealed.blind_index,
        }
    person_id = uow.execute(
        person.insert().values(
            customer_number=number,
            kind=d.kind.value,
            relationship=d.relationship.value,
            first_names=d.first_names,
            last_name=d.last_name,
            organisation_name=d.organisation_name,
            business_id=d.business_id,
            birth_year=d.birth_year,
            gender=d.gender.value if d.gender else None,
            mother_tongue=d.mother_tongue.value if d.mother_tongue else None,
            customer_class=d.customer_class,
            restricted=False,
            created_at=uow.now(),
            **hetu_cols,
            **_prov(provenance),
        )
    ).inserted_primary_key[0]
    for cp in d.contact_points:
        _insert_contact_point(uow, person_id, cp, provenance)
    ledger.append(
        uow,
        [
            {
                "person_id": person_id,
                "purpose": p.purpose.value,
                "channel": p.channel.value,
                "event": "granted",
                "at": provenance.received_at,
                "captured_how": p.captured_how.value,
                "captured_by": uow.actor.name,
                "wording": p.wording,
                "wording_version": p.wording_version,
                **_prov(provenance),
            }
            for p in perms
        ],
    )
    uow.note_change(
        [int(person_id)],
        {Category.IDENTITY, Category.CONTACT} | ({Category.MARKETING} if perms else set()),
        "register person",
    )
    return Registered(int(person_id), number)


def _insert_contact_point(
    uow: UnitOfWork, person_id: int, cp: ContactPointDraft, provenance: Provenance
) -> int:
    row: dict[str, Any] = {
        "person_id": person_id,
        "kind": cp.kind.value,
        "valid_from": cp.valid_from or provenance.received_at.date(),
        "valid_to": cp.valid_to,
    }
    if cp.kind is ContactKind.PHONE:
        row["phone"] = cp.value
    elif cp.kind is ContactKind.EMAIL:
        row["email"] = cp.value
    else:
        row.update(
            street=cp.street,
            postal_code=cp.postal_code,
            post_office=cp.post_office,
            country=cp.country,
        )
    return int(
        uow.execute(contact_point.insert().values(**row, **_prov(provenance))).inserted_primary_key[
            0
        ]
    )


def _person_row(uow: UnitOfWork, person_id: int) -> Any:
    row = uow.execute(select(person).where(person.c.id == person_id)).first()
    if row is None:
        raise NotFound("person", person_id)
    return row


def add_contact_point(
    uow: UnitOfWork, person_id: int, draft: ContactPointDraft, provenance: Provenance
) -> int:
    cp = draft.validated()
    _person_row(uow, person_id)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    uow.note_change([person_id], [Category.CONTACT], "add contact point")
    return _insert_contact_point(uow, person_id, cp, provenance)


def end_contact_point(
    uow: UnitOfWork, contact_point_id: int, valid_to: dt.date, reason: str, provenance: Provenance
) -> None:
    row = uow.execute(select(contact_point).where(contact_point.c.id == contact_point_id)).first()
    if row is None:
        raise NotFound("contact point", contact_point_id)
    if valid_to < row.valid_from:
        raise InvalidInput("valid_to", "is before the contact point became valid")
    ensure_processing_allowed(uow, row.person_id, Purpose.CUSTOMER_RELATIONSHIP)
    uow.execute(
        update(contact_point)
        .where(contact_point.c.id == contact_point_id)
        .values(valid_to=valid_to)
    )
    record_change(
        uow,
        person_id=row.person_id,
        table="contact_point",
        row_id=contact_point_id,
        attribute="contact_point.validity",
        old=row.valid_to,
        new=valid_to,
        reason=values.required_text(reason, "reason", max_len=300),
        provenance=provenance,
    )


# Person attributes a rectification may change, with their validators.
def _rectifiable(uow: UnitOfWork, field: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    validators: dict[str, Any] = {
        "first_names": lambda v: values.required_text(v, "first_names", max_len=100),
        "last_name": lambda v: values.required_text(v, "last_name", max_len=100),
        "organisation_name": lambda v: values.required_text(v, "organisation_name"),
        "personal_identity_code": lambda v: identifiers.personal_identity_code(v),
        "business_id": lambda v: identifiers.business_id(v),
        "birth_year": lambda v: int(v),
        "gender": lambda v: values.enum_value(Gender, v, "gender").value,
        "mother_tongue": lambda v: values.enum_value(MotherTongue, v, "mother_tongue").value,
        "customer_class": lambda v: values.text(v, "customer_class", max_len=30),
        "deceased_on": lambda v: values.date(v, "deceased_on"),
    }
    if field not in validators:
        raise InvalidInput(field, "is not a person attribute that can be rectified")
    return validators[field](value)


def rectify_person(
    uow: UnitOfWork,
    person_id: int,
    changes: dict[str, Any],
    reason: str,
    provenance: Provenance,
    *,
    for_request: int | None = None,
) -> list[str]:
    """Correct person attributes (P12); returns the attribute keys that changed. A restricted
    person's data changes only through their own rectification request (`for_request`)."""
    why = values.required_text(reason, "reason", max_len=300)
    if for_request is None:
        ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    if not changes:
        raise InvalidInput("changes", "nothing to change")
    new = {f: _rectifiable(uow, f, v) for f, v in changes.items()}
    row = _person_row(uow, person_id)
    changed: list[str] = []
    columns: dict[str, Any] = {}
    for field, value in new.items():
        key = f"person.{field}"
        if field == "personal_identity_code":
            old = uow.cipher.open(HETU, row.hetu_ct, row.hetu_key) if row.hetu_ct else None
            if old == value:
                continue
            if value and find_by_identity_code(uow, value) not in (None, person_id):
                raise InvalidInput(field, "is already registered to another person")
            if value:
                sealed = uow.cipher.seal(HETU, value)
                columns.update(
                    hetu_ct=sealed.ciphertext,
                    hetu_key=sealed.key_id,
                    hetu_bidx=sealed.blind_index,
                    birth_year=identifiers.birth_date_of(value).year,
                )
            else:
                columns.update(hetu_ct=None, hetu_key=None, hetu_bidx=None)
        else:
            old = getattr(row, field)
            if old == value:
                continue
            columns[field] = value
        record_change(
            uow,
            person_id=person_id,
            table="person",
            row_id=person_id,
            attribute=key,
            old=old,
            new=value,
            reason=why,
            provenance=provenance,
        )
        changed.append(key)
    if columns:
        uow.execute(update(person).where(person.c.id == person_id).values(**columns))
    return changed


def add_site(uow: UnitOfWork, draft: SiteDraft, provenance: Provenance) -> int:
    d = draft.validated()
    for gsrn in d.metering_points:
        if uow.execute(select(metering_point.c.id).where(metering_point.c.gsrn == gsrn)).first():
            raise InvalidInput("site.metering_points", f"{gsrn} is already registered")
    site_id = int(
        uow.execute(
            site.insert().values(
                street=d.street,
                postal_code=d.postal_code,
                post_office=d.post_office,
                housing_type=d.housing_type,
                ownership=d.ownership,
                usage_timing=d.usage_timing,
                heating_type=d.heating_type,
                consumption_estimate_kwh=d.consumption_estimate_kwh,
                main_fuse_a=d.main_fuse_a,
                connection_details=d.connection_details,
                **_prov(provenance),
            )
        ).inserted_primary_key[0]
    )
    for gsrn in d.metering_points:
        uow.execute(
            metering_point.insert().values(
                site_id=site_id, gsrn=gsrn, kind="consumption", **_prov(provenance)
            )
        )
    return site_id


def add_billing_account(
    uow: UnitOfWork, person_id: int, draft: BillingAccountDraft, provenance: Provenance
) -> int:
    d = draft.validated()
    _person_row(uow, person_id)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    uow.note_change([person_id], [Category.BILLING], "add billing account")
    iban_cols: dict[str, Any] = {}
    if d.iban:
        sealed = uow.cipher.seal(IBAN, d.iban)
        iban_cols = {
            "iban_ct": sealed.ciphertext,
            "iban_key": sealed.key_id,
            "iban_bidx": sealed.blind_index,
        }
    return int(
        uow.execute(
            billing_account.insert().values(
                person_id=person_id,
                street=d.street,
                postal_code=d.postal_code,
                post_office=d.post_office,
                country=d.country,
                due_day=d.due_day,
                rhythm=d.rhythm.value,
                method=d.method.value,
                **iban_cols,
                **_prov(provenance),
            )
        ).inserted_primary_key[0]
    )


def add_contract(
    uow: UnitOfWork, person_id: int, draft: ContractDraft, provenance: Provenance
) -> tuple[int, str]:
    """A new contract at a site. One site has one contract of a kind at a time: a customer who
    moves in starts the day the previous one's contract ended, or later."""
    d = draft.validated()
    _person_row(uow, person_id)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    if not uow.execute(select(site.c.id).where(site.c.id == d.site_id)).first():
        raise InvalidInput("contract.site_id", f"site {d.site_id} does not exist")
    if d.billing_account_id is not None:
        owner = uow.execute(
            select(billing_account.c.person_id).where(billing_account.c.id == d.billing_account_id)
        ).scalar()
        if owner != person_id:
            raise InvalidInput(
                "contract.billing_account_id", "is not a billing account of this person"
            )
    overlap = uow.execute(
        select(contract.c.contract_number).where(
            contract.c.site_id == d.site_id,
            contract.c.kind == d.kind.value,
            # The new contract is open-ended, so any contract not ended by its start overlaps it.
            or_(contract.c.end_date.is_(None), contract.c.end_date > d.start_date),
        )
    ).first()
    if overlap:
        raise RuleViolation(
            f"site {d.site_id} already has {d.kind.value} contract "
            f"{overlap.contract_number} for that period; end it first"
        )
    # Readings are attributed by site and period, whatever the kind: another person's contract
    # still running there would put this person's readings in their data (and theirs in his).
    other = uow.execute(
        select(contract.c.contract_number).where(
            contract.c.site_id == d.site_id,
            contract.c.person_id != person_id,
            or_(contract.c.end_date.is_(None), contract.c.end_date > d.start_date),
        )
    ).first()
    if other:
        raise RuleViolation(
            f"site {d.site_id} has contract {other.contract_number} of another person for that "
            "period; end it first"
        )
    number = f"S{uow.next_number('contract', 1000001)}"
    contract_id = uow.execute(
        contract.insert().values(
            contract_number=number,
            person_id=person_id,
            site_id=d.site_id,
            billing_account_id=d.billing_account_id,
            kind=d.kind.value,
            product=d.product,
            start_date=d.start_date,
            fixed_term_end=d.fixed_term_end,
            **_prov(provenance),
        )
    ).inserted_primary_key[0]
    uow.note_change([person_id], [Category.CONTRACT], "add contract")
    return int(contract_id), number


def end_contract(
    uow: UnitOfWork,
    contract_id: int,
    end_date: dt.date,
    reason: EndReason | str,
    provenance: Provenance,
) -> None:
    why = values.enum_value(EndReason, reason, "end_reason")
    row = uow.execute(select(contract).where(contract.c.id == contract_id)).first()
    if row is None:
        raise NotFound("contract", contract_id)
    if row.end_date is not None:
        raise RuleViolation(f"contract {row.contract_number} already ended on {row.end_date}")
    if end_date < row.start_date:
        raise InvalidInput("end_date", "is before the contract started")
    # Ending a contract settles the final bill, which a restriction does not stop.
    ensure_processing_allowed(uow, row.person_id, Purpose.BILLING_AND_COLLECTION)
    uow.execute(
        update(contract)
        .where(contract.c.id == contract_id)
        .values(end_date=end_date, end_reason=why.value)
    )
    record_change(
        uow,
        person_id=row.person_id,
        table="contract",
        row_id=contract_id,
        attribute="contract.contract",
        old=None,
        new=f"ended {end_date} ({why.value})",
        reason=why.value,
        provenance=provenance,
    )
