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
from rekisteri.catalogue import Attribute, Category, Purpose
from rekisteri.domain import identifiers, values
from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
    require_prospect_permission,
)
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import (
    ContactKind,
    EndReason,
    PersonKind,
    Provenance,
    SalesCall,
    contract_ended_record,
)
from rekisteri.services.marketing import ledger
from rekisteri.services.register import attributes
from rekisteri.services.register.history import record_change
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

# A person's identity code, found through its blind index and sealed like every encrypted
# attribute (services/register/attributes); the field named by rectifications and drafts.
IDENTITY_CODE = "personal_identity_code"

# What a rectification may change (the kind and relationship change through their own use cases).
RECTIFIABLE = frozenset(
    {
        "first_names",
        "last_name",
        "organisation_name",
        IDENTITY_CODE,
        "business_id",
        "birth_year",
        "gender",
        "mother_tongue",
        "customer_class",
        "deceased_on",
        # A turvakielto the person shows proof of (the population register's own arrives
        # with its changes); the catalogue allows it from the customer's contact.
        "non_disclosure",
    }
)


@dataclass(frozen=True)
class Registered:
    person_id: int
    customer_number: str


def _prov(p: Provenance) -> dict[str, Any]:
    return {"source": p.source.value, "source_detail": p.detail, "received_at": p.received_at}


def _identity_code(uow: UnitOfWork) -> Attribute:
    return uow.catalogue[f"{person.name}.{IDENTITY_CODE}"]


def find_by_identity_code(uow: UnitOfWork, code: str) -> int | None:
    attr = _identity_code(uow)
    bidx = uow.cipher.blind_index(
        attr.key, identifiers.personal_identity_code(code, allow_temporary=True)
    )
    found = uow.execute(
        select(person.c.id).where(attributes.blind_index_column(person, attr) == bidx)
    ).scalar()
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
        raise InvalidInput("business_id", "is already registered to another person")
    # What the person's source gave, checked against the catalogue before anything is written;
    # the number, the relationship, the restriction and the time are the register's own.
    given = attributes.received(
        uow,
        person,
        {
            "first_names": d.first_names,
            "last_name": d.last_name,
            "organisation_name": d.organisation_name,
            IDENTITY_CODE: d.personal_identity_code,
            "business_id": d.business_id,
            "birth_year": d.birth_year,
            "gender": d.gender.value if d.gender else None,
            "mother_tongue": d.mother_tongue.value if d.mother_tongue else None,
            "customer_class": d.customer_class,
            "kind": d.kind.value,
        },
        provenance,
    )
    contacts = [_contact_columns(uow, cp, provenance) for cp in d.contact_points]
    if perms:
        ledger.require_source(uow, provenance)
    number = str(uow.next_number("customer", 100001))
    person_id = uow.execute(
        person.insert().values(
            customer_number=number,
            relationship=d.relationship.value,
            restricted=False,
            created_at=uow.now(),
            **given,
            **_prov(provenance),
        )
    ).inserted_primary_key[0]
    for columns in contacts:
        _insert_contact_point(uow, person_id, columns, provenance)
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


def _contact_columns(
    uow: UnitOfWork, cp: ContactPointDraft, provenance: Provenance
) -> dict[str, Any]:
    """A validated contact point's columns, from a source the catalogue allows (P2)."""
    row: dict[str, Any]
    if cp.kind is ContactKind.PHONE:
        row = {"phone": cp.value}
    elif cp.kind is ContactKind.EMAIL:
        row = {"email": cp.value}
    else:
        row = {
            "street": cp.street,
            "postal_code": cp.postal_code,
            "post_office": cp.post_office,
            "country": cp.country,
        }
    row |= {
        "kind": cp.kind.value,
        "valid_from": cp.valid_from or provenance.received_at.date(),
        "valid_to": cp.valid_to,
    }
    return attributes.received(uow, contact_point, row, provenance)


def _insert_contact_point(
    uow: UnitOfWork, person_id: int, columns: dict[str, Any], provenance: Provenance
) -> int:
    row = contact_point.insert().values(person_id=person_id, **columns, **_prov(provenance))
    return int(uow.execute(row).inserted_primary_key[0])


def _person_row(uow: UnitOfWork, person_id: int) -> Any:
    row = uow.execute(select(person).where(person.c.id == person_id)).first()
    if row is None:
        raise NotFound("person", person_id)
    return row


def add_contact_point(
    uow: UnitOfWork, person_id: int, draft: ContactPointDraft, provenance: Provenance
) -> int:
    cp = draft.validated()
    columns = _contact_columns(uow, cp, provenance)
    _person_row(uow, person_id)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    uow.note_change([person_id], [Category.CONTACT], "add contact point")
    return _insert_contact_point(uow, person_id, columns, provenance)


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
    written = attributes.write_attributes(
        uow,
        person,
        person_id,
        person_id,
        _with_code_extras(uow, person_id, changes),
        why,
        provenance,
        writable=RECTIFIABLE,
    )
    return [w.attribute for w in written]


def check_rectification(
    uow: UnitOfWork, person_id: int, changes: dict[str, Any], provenance: Provenance
) -> None:
    """InvalidInput naming the first field of `changes` that `rectify_person` would refuse
    (not rectifiable, a source the catalogue does not allow, a value its rule refuses, an
    identity code of another person); writes nothing. A rectification request's changes are
    checked here when the DPO adds them, and applied by `rectify_person` when it is fulfilled."""
    if not isinstance(changes, dict):
        raise InvalidInput("changes", "must name fields and their new values")
    attributes.validated(
        uow, person, _with_code_extras(uow, person_id, changes), provenance, writable=RECTIFIABLE
    )


def _with_code_extras(uow: UnitOfWork, person_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """A new identity code must be no one else's, and sets the birth year it encodes (as a
    draft's does; a year given with it must agree)."""
    if IDENTITY_CODE not in changes:
        return changes
    code = attributes.checked(
        uow, person, IDENTITY_CODE, changes[IDENTITY_CODE], writable=RECTIFIABLE
    )
    if code is None:
        return changes
    if find_by_identity_code(uow, code) not in (None, person_id):
        raise InvalidInput(IDENTITY_CODE, "is already registered to another person")
    born = identifiers.birth_date_of(code).year
    if "birth_year" in changes:
        year = attributes.checked(
            uow, person, "birth_year", changes["birth_year"], writable=RECTIFIABLE
        )
        if year not in (None, born):
            raise InvalidInput("birth_year", "does not match the personal identity code")
    return {**changes, "birth_year": born}


def add_site(uow: UnitOfWork, draft: SiteDraft, provenance: Provenance) -> int:
    d = draft.validated()
    given = attributes.received(
        uow,
        site,
        {
            "street": d.street,
            "postal_code": d.postal_code,
            "post_office": d.post_office,
            "housing_type": d.housing_type,
            "ownership": d.ownership,
            "usage_timing": d.usage_timing,
            "heating_type": d.heating_type,
            "consumption_estimate_kwh": d.consumption_estimate_kwh,
            "main_fuse_a": d.main_fuse_a,
            "connection_details": d.connection_details,
        },
        provenance,
    )
    points = [
        attributes.received(uow, metering_point, {"gsrn": g}, provenance) for g in d.metering_points
    ]
    for gsrn in d.metering_points:
        if uow.execute(select(metering_point.c.id).where(metering_point.c.gsrn == gsrn)).first():
            raise InvalidInput("site.metering_points", f"{gsrn} is already registered")
    site_id = int(
        uow.execute(site.insert().values(**given, **_prov(provenance))).inserted_primary_key[0]
    )
    for point in points:
        uow.execute(
            metering_point.insert().values(
                site_id=site_id, kind="consumption", **point, **_prov(provenance)
            )
        )
    return site_id


def add_billing_account(
    uow: UnitOfWork, person_id: int, draft: BillingAccountDraft, provenance: Provenance
) -> int:
    d = draft.validated()
    given = attributes.received(
        uow,
        billing_account,
        {
            "street": d.street,
            "postal_code": d.postal_code,
            "post_office": d.post_office,
            "country": d.country,
            "due_day": d.due_day,
            "rhythm": d.rhythm.value,
            "method": d.method.value,
            "iban": d.iban,
        },
        provenance,
    )
    _person_row(uow, person_id)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    uow.note_change([person_id], [Category.BILLING], "add billing account")
    row = billing_account.insert().values(person_id=person_id, **given, **_prov(provenance))
    return int(uow.execute(row).inserted_primary_key[0])


def add_contract(
    uow: UnitOfWork, person_id: int, draft: ContractDraft, provenance: Provenance
) -> tuple[int, str]:
    """A new contract at a site. One site has one contract of a kind at a time: a customer who
    moves in starts the day the previous one's contract ended, or later."""
    d = draft.validated()
    given = attributes.received(
        uow,
        contract,
        {
            "kind": d.kind.value,
            "product": d.product,
            "start_date": d.start_date,
            "fixed_term_end": d.fixed_term_end,
            "sales_call": d.sales_call.value if d.sales_call else None,
            "sales_call_at": d.sales_call_at,
        },
        provenance,
    )
    holder = _person_row(uow, person_id)
    if d.sales_call is SalesCall.OUTBOUND and holder.kind != PersonKind.NATURAL.value:
        # The written-acceptance rule protects consumers; an organisation's contract sold in
        # a call binds as agreed in the call.
        raise InvalidInput(
            "contract.sales_call",
            "the written-acceptance rule of telephone sales concerns consumers, not organisations",
        )
    if d.sales_call_at is not None and d.sales_call_at > uow.now():
        raise InvalidInput("contract.sales_call_at", "is in the future")
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
            **given,
            **_prov(provenance),
        )
    ).inserted_primary_key[0]
    uow.note_change([person_id], [Category.CONTRACT], "add contract")
    return int(contract_id), number


def _check_estate_ends(uow: UnitOfWork, person_id: int, end_date: dt.date) -> None:
    """A death does not end a contract: it continues until the estate ends it (reason
    `deceased`) or moves out (`moved_out`). The estate's ending needs the death recorded, and
    ends the contract on or after it."""
    died = uow.execute(select(person.c.deceased_on).where(person.c.id == person_id)).scalar()
    if died is None:
        raise InvalidInput(
            "end_reason", "deceased: the estate ends a contract once the death is recorded"
        )
    if end_date < died:
        raise InvalidInput("end_date", f"is before the death ({died}) the estate ends it for")


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
    if why is EndReason.DECEASED:
        _check_estate_ends(uow, row.person_id, end_date)
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
        new=contract_ended_record(end_date, why),
        reason=coded(Reason.CONTRACT_ENDED, why.value),
        provenance=provenance,
    )
