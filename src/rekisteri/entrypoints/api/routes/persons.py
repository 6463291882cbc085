"""/api/v1: persons, contact points, sites, billing accounts and contracts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from rekisteri.catalogue import Category, Purpose, Visibility, catalogue
from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
)
from rekisteri.domain.errors import Forbidden
from rekisteri.domain.register import PersonKind, Provenance
from rekisteri.domain.telephone_sales import WrittenStep
from rekisteri.entrypoints.api.answers import (
    Changed,
    ContactPersonAdded,
    ContactPersonEnded,
    ContactPointEnded,
    ContractEnded,
    IdentityCode,
    TelephoneSaleStep,
)
from rekisteri.entrypoints.api.deps import PersonKey, Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import (
    BillingAccountIn,
    BillingChangeIn,
    ContactPersonIn,
    ContactPointIn,
    ContractEndIn,
    ContractIn,
    Created,
    EndIn,
    NewContactPointIn,
    PersonIn,
    ProvenanceIn,
    RectificationIn,
    SiteChangeIn,
    SiteIn,
    WrittenStepIn,
)
from rekisteri.services.register import (
    contact_persons,
    customers,
    search,
    telephone_sales,
    updates,
)
from rekisteri.services.register.person_view import customer_view, identity_code, resolve_person
from rekisteri.services.rights import rectification
from rekisteri.services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["register"], route_class=RegisterRoute)
C = Category
REL = Purpose.CUSTOMER_RELATIONSHIP
ALL = tuple(Category)

ReadPerson = Annotated[Principal, Depends(guard(REL, *ALL))]
WritePerson = Annotated[Principal, Depends(guard(REL, C.IDENTITY, C.CONTACT, writes=True))]
WriteContact = Annotated[Principal, Depends(guard(REL, C.CONTACT, writes=True))]
WriteSite = Annotated[Principal, Depends(guard(REL, C.SITE, writes=True))]
WriteBilling = Annotated[Principal, Depends(guard(REL, C.BILLING, writes=True))]
WriteContract = Annotated[Principal, Depends(guard(REL, C.CONTRACT, writes=True))]
ReadIdentityCode = Annotated[Principal, Depends(guard(REL, C.IDENTITY))]
ReadContactPersons = Annotated[Principal, Depends(guard(REL, C.IDENTITY, C.CONTACT))]


def _provenance(uow: UnitOfWork, body: ProvenanceIn | NewContactPointIn) -> Provenance:
    return Provenance.of(body.source, uow.now(), body.source_detail)


def _contact(cp: ContactPointIn) -> ContactPointDraft:
    fields = cp.model_dump(exclude={"source", "source_detail"})
    return ContactPointDraft(**fields)


@router.post("/persons", status_code=201, response_model=Created)
def create_person(body: PersonIn, reg: RegisterDep, who: WritePerson) -> Created:
    """Register a customer or prospect; the source is the order, contract or contact."""
    fields = body.model_dump(exclude={"contact_points", "permissions", "source", "source_detail"})
    draft = PersonDraft(**fields, contact_points=tuple(_contact(c) for c in body.contact_points))
    perms = tuple(PermissionDraft(**p.model_dump()) for p in body.permissions)
    with reg.unit_of_work(who.actor) as uow:
        done = customers.register_person(uow, draft, _provenance(uow, body), perms)
    return Created(id=done.person_id, number=done.customer_number)


@router.get("/persons/{key}")
def read_person(key: PersonKey, reg: RegisterDep, who: ReadPerson) -> dict[str, Any]:
    """One person as the caller's role may see them; withheld categories are listed."""
    with reg.reading(who.actor) as uow:
        return customer_view(uow, resolve_person(uow, key), who.actor.role)


@router.get("/persons/{key}/identity-code")
def read_identity_code(key: PersonKey, reg: RegisterDep, who: ReadIdentityCode) -> IdentityCode:
    """The personal identity code, in full or masked as the role allows."""
    attr = catalogue["person.personal_identity_code"]
    assert who.actor.role is not None
    visibility = catalogue.visibility(attr, who.actor.role)
    if visibility is Visibility.NONE:
        raise Forbidden(f"role {who.actor.role.value} may not read identity codes")
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
        return IdentityCode(
            id=person_id,
            personal_identity_code=identity_code(uow, person_id, visibility),
            visibility=visibility,
        )


# `{key}` as the person's other routes at this path: one resource, one path template.
@router.patch("/persons/{key}")
def rectify_person(
    key: PersonKey, body: RectificationIn, reg: RegisterDep, who: WritePerson
) -> Changed:
    """Correct person attributes (P12); the old values stay in the history."""
    with reg.unit_of_work(who.actor) as uow:
        done = rectification.rectify(
            uow, resolve_person(uow, key), body.changes.given(), body.reason, _provenance(uow, body)
        )
    # Art. 19: each recipient of the person's data has a pending notice of the change.
    return Changed(changed=done.changed, recipients_to_notify=done.recipients_to_notify)


@router.post("/persons/{person_id}/contact-points", status_code=201, response_model=Created)
def add_contact_point(
    person_id: RowId, body: NewContactPointIn, reg: RegisterDep, who: WriteContact
) -> Created:
    with reg.unit_of_work(who.actor) as uow:
        new_id = customers.add_contact_point(uow, person_id, _contact(body), _provenance(uow, body))
    return Created(id=new_id)


@router.post("/contact-points/{contact_point_id}/end")
def end_contact_point(
    contact_point_id: RowId, body: EndIn, reg: RegisterDep, who: WriteContact
) -> ContactPointEnded:
    with reg.unit_of_work(who.actor) as uow:
        customers.end_contact_point(
            uow, contact_point_id, body.end_date, body.reason, _provenance(uow, body)
        )
    return ContactPointEnded(ended=contact_point_id, valid_to=body.end_date)


@router.post("/sites", status_code=201, response_model=Created)
def add_site(body: SiteIn, reg: RegisterDep, who: WriteSite) -> Created:
    fields = body.model_dump(exclude={"source", "source_detail"})
    fields["metering_points"] = tuple(fields["metering_points"])
    with reg.unit_of_work(who.actor) as uow:
        new_id = customers.add_site(uow, SiteDraft(**fields), _provenance(uow, body))
    return Created(id=new_id)


@router.post("/persons/{person_id}/billing-accounts", status_code=201, response_model=Created)
def add_billing_account(
    person_id: RowId, body: BillingAccountIn, reg: RegisterDep, who: WriteBilling
) -> Created:
    fields = body.model_dump(exclude={"source", "source_detail"})
    with reg.unit_of_work(who.actor) as uow:
        new_id = customers.add_billing_account(
            uow, person_id, BillingAccountDraft(**fields), _provenance(uow, body)
        )
    return Created(id=new_id)


@router.post("/persons/{person_id}/contracts", status_code=201, response_model=Created)
def add_contract(
    person_id: RowId, body: ContractIn, reg: RegisterDep, who: WriteContract
) -> Created:
    fields = body.model_dump(exclude={"source", "source_detail"})
    with reg.unit_of_work(who.actor) as uow:
        new_id, number = customers.add_contract(
            uow, person_id, ContractDraft(**fields), _provenance(uow, body)
        )
    return Created(id=new_id, number=number)


@router.post("/contracts/{contract_id}/end")
def end_contract(
    contract_id: RowId, body: ContractEndIn, reg: RegisterDep, who: WriteContract
) -> ContractEnded:
    with reg.unit_of_work(who.actor) as uow:
        customers.end_contract(uow, contract_id, body.end_date, body.reason, _provenance(uow, body))
    return ContractEnded(ended=contract_id, end_date=body.end_date)


@router.post("/contracts/{contract_id}/offer-sent")
def telephone_offer_sent(
    contract_id: RowId, body: WrittenStepIn, reg: RegisterDep, who: WriteContract
) -> TelephoneSaleStep:
    """A contract sold in a call the company made: the written offer went out (when, how)."""
    step = WrittenStep(body.at, body.how)
    with reg.unit_of_work(who.actor) as uow:
        telephone_sales.offer_sent(uow, contract_id, step, _provenance(uow, body))
        number = telephone_sales.number_of(uow, contract_id)
    return TelephoneSaleStep(contract=number, recorded="offer_sent", at=body.at, how=body.how)


@router.post("/contracts/{contract_id}/accepted")
def telephone_offer_accepted(
    contract_id: RowId, body: WrittenStepIn, reg: RegisterDep, who: WriteContract
) -> TelephoneSaleStep:
    """The consumer accepted the written offer in writing: the contract is in force."""
    step = WrittenStep(body.at, body.how)
    with reg.unit_of_work(who.actor) as uow:
        telephone_sales.accepted(uow, contract_id, step, _provenance(uow, body))
        number = telephone_sales.number_of(uow, contract_id)
    return TelephoneSaleStep(contract=number, recorded="accepted", at=body.at, how=body.how)


@router.post(
    "/persons/{person_id}/contact-persons", status_code=201, response_model=ContactPersonAdded
)
def add_contact_person(
    person_id: RowId, body: ContactPersonIn, reg: RegisterDep, who: WritePerson
) -> ContactPersonAdded:
    """Link a contact person (a natural person, new or registered) to an organisation."""
    draft = None
    if body.person_id is None:
        draft = PersonDraft(
            kind=PersonKind.NATURAL,
            first_names=body.first_names,
            last_name=body.last_name,
            mother_tongue=body.mother_tongue,
            contact_points=tuple(_contact(c) for c in body.contact_points),
        )
    with reg.unit_of_work(who.actor) as uow:
        link, contact = contact_persons.add(
            uow,
            person_id,
            body.role,
            _provenance(uow, body),
            draft=draft,
            person_id=body.person_id,
            valid_from=body.valid_from,
        )
    return ContactPersonAdded(link=link, person_id=contact)


@router.get("/persons/{person_id}/contact-persons")
def list_contact_persons(
    person_id: RowId, reg: RegisterDep, who: ReadContactPersons
) -> list[dict[str, Any]]:
    """An organisation's contact persons, links in force first."""
    with reg.reading(who.actor) as uow:
        return contact_persons.of_organisation(uow, person_id)


@router.post("/contact-persons/{link_id}/end")
def end_contact_person(
    link_id: RowId, body: EndIn, reg: RegisterDep, who: WriteContact
) -> ContactPersonEnded:
    """The contact person no longer acts for the organisation in that role."""
    with reg.unit_of_work(who.actor) as uow:
        contact_persons.end(uow, link_id, body.end_date, body.reason, _provenance(uow, body))
    return ContactPersonEnded(ended=link_id, valid_to=body.end_date)


@router.patch("/sites/{site_id}")
def update_site(site_id: RowId, body: SiteChangeIn, reg: RegisterDep, who: WriteSite) -> Changed:
    """Change site details (heating, housing, fuse, ...); the history keeps the old values."""
    with reg.unit_of_work(who.actor) as uow:
        changed = updates.update_site(
            uow, site_id, body.changes.given(), body.reason, _provenance(uow, body)
        )
    return Changed(changed=changed)


@router.patch("/billing-accounts/{account_id}")
def update_billing_account(
    account_id: RowId, body: BillingChangeIn, reg: RegisterDep, who: WriteBilling
) -> Changed:
    """Change billing address, due day, rhythm, method or bank account, with history."""
    with reg.unit_of_work(who.actor) as uow:
        changed = updates.update_billing_account(
            uow, account_id, body.changes.given(), body.reason, _provenance(uow, body)
        )
    return Changed(changed=changed)


SearchPerson = Annotated[Principal, Depends(guard(REL, C.IDENTITY))]


@router.get("/search")
def search_persons(
    reg: RegisterDep,
    who: SearchPerson,
    q: Annotated[str, Query(min_length=2, max_length=100, pattern=r"^[^\x00-\x1f]+$")],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> dict[str, Any]:
    """Find persons by name, customer number, identity code, address, phone, e-mail or
    metering point; 20 a page."""
    with reg.reading(who.actor) as uow:
        found = search.search(uow, q, page)
    return {
        "query": found.query,
        "matched_by": found.matched_by,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "results": found.rows,
    }
