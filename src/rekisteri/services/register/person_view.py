"""One person as the register knows them, as a given reader may see them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import (
    billing_account,
    call_recording,
    consent_event,
    contact_log,
    contact_point,
    contract,
    device,
    digital_account,
    feedback,
    invoice,
    metering_point,
    payment,
    person,
    site,
)
from rekisteri.catalogue import Category, Role, Visibility
from rekisteri.domain.errors import NotFound
from rekisteri.services.register.history import changes_of, latest_sources
from rekisteri.services.register.presenting import attribute_value, present
from rekisteri.services.unit_of_work import UnitOfWork


def resolve_person(uow: UnitOfWork, key: str | int) -> int:
    """A person by customer number, id, or identity code (through the blind index)."""
    text = str(key).strip()
    candidates = [person.c.customer_number == text]
    if text.isascii() and text.isdigit() and len(text) <= 9:  # "¹".isdigit() is True
        candidates.append(person.c.id == int(text))
    elif len(text) == 11:
        candidates.append(
            person.c.hetu_bidx
            == uow.cipher.blind_index("person.personal_identity_code", text.upper())
        )
    for condition in candidates:  # in this order: a customer number wins over an id
        found = uow.execute(select(person.c.id).where(condition)).scalar()
        if found is not None:
            return int(found)
    # The error is shown and may be logged: an identity code is never echoed back in it.
    hetu_like = len(text) == 11 and not text.isdigit()
    raise NotFound("person", "with the given identity code" if hetu_like else key)


def identity_code(uow: UnitOfWork, person_id: int, visibility: Visibility) -> Any:
    """The person's identity code as `visibility` allows (in full or masked); the read is noted
    for the audit trail."""
    attr = uow.catalogue["person.personal_identity_code"]
    row = uow.execute(select(person).where(person.c.id == person_id)).one()
    uow.note_read([person_id], [Category.IDENTITY], "identity code")
    return attribute_value(uow, attr, row._mapping, visibility)


def display_name(row: Any) -> str:
    if row.kind == "legal":
        return str(row.organisation_name)
    return f"{row.first_names} {row.last_name}"


def customer_view(uow: UnitOfWork, person_id: int, role: Role | None) -> dict[str, Any]:
    """Everything on the person that `role` may read; role None is the person themself."""
    hidden: set[Category] = set()
    row = uow.execute(select(person).where(person.c.id == person_id)).first()
    if row is None:
        raise NotFound("person", person_id)

    def rows(table: Any, *where: Any, order: Any = None) -> list[Any]:
        q = select(table).where(*where)
        return list(uow.execute(q.order_by(order if order is not None else table.c.id)))

    later = latest_sources(uow, person_id)

    def show(table: str, r: Any) -> dict[str, Any]:
        return present(uow, table, r, role, hidden, later)

    view: dict[str, Any] = {"person": show("person", row)}
    view["contact_points"] = [
        show("contact_point", r)
        for r in rows(contact_point, contact_point.c.person_id == person_id)
    ]
    contracts = rows(contract, contract.c.person_id == person_id, order=contract.c.start_date)
    view["contracts"] = [
        show("contract", r) | {"site_id": r.site_id, "billing_account_id": r.billing_account_id}
        for r in contracts
    ]
    site_ids = sorted({r.site_id for r in contracts})
    view["sites"] = []
    for s in rows(site, site.c.id.in_(site_ids)):
        entry = show("site", s)
        if "address" in entry or role is None:
            entry["metering_points"] = [
                show("metering_point", m)
                for m in rows(metering_point, metering_point.c.site_id == s.id)
            ]
            entry["devices"] = [show("device", d) for d in rows(device, device.c.site_id == s.id)]
        view["sites"].append(entry)
    view["billing_accounts"] = [
        show("billing_account", r)
        for r in rows(billing_account, billing_account.c.person_id == person_id)
    ]
    invoices = rows(invoice, invoice.c.person_id == person_id, order=invoice.c.issued_on)
    view["invoices"] = [show("invoice", r) for r in invoices]
    view["payments"] = [
        show("payment", r) | {"invoice_id": r.invoice_id}
        for r in rows(payment, payment.c.invoice_id.in_([i.id for i in invoices]))
    ]
    view["contact_log"] = [
        show("contact_log", r)
        for r in rows(contact_log, contact_log.c.person_id == person_id, order=contact_log.c.at)
    ]
    view["call_recordings"] = [
        show("call_recording", r)
        for r in rows(call_recording, call_recording.c.person_id == person_id)
    ]
    view["feedback"] = [
        show("feedback", r) for r in rows(feedback, feedback.c.person_id == person_id)
    ]
    view["digital_account"] = [
        show("digital_account", r)
        for r in rows(digital_account, digital_account.c.person_id == person_id)
    ]
    view["consent_events"] = [
        show("consent_event", r)
        for r in rows(
            consent_event, consent_event.c.person_id == person_id, order=consent_event.c.at
        )
    ]
    if (
        role is None
        or uow.catalogue.category_visibility(Category.HISTORY, role) is not Visibility.NONE
    ):
        view["history"] = changes_of(uow, person_id, reveal=role is None)
    else:
        hidden.add(Category.HISTORY)
    # Drop sections the reader sees nothing of, and say which categories were withheld.
    view = {
        k: v
        for k, v in view.items()
        if not (
            isinstance(v, list)
            and v
            and all(
                set(x) <= {"id", "_source", "site_id", "billing_account_id", "invoice_id"}
                for x in v
            )
        )
    }
    view["withheld_categories"] = sorted(c.value for c in hidden)
    uow.note_read([person_id], set(Category) - hidden, "customer view")
    view["name"] = (
        display_name(row)
        if role is None or "last_name" in view["person"] or "organisation_name" in view["person"]
        else None
    )
    return view
