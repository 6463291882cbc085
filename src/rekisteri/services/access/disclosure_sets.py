"""The ready-made disclosures of the privacy statement (P8; seeds 002, 003, 004).

Each selects its persons with set-based SQL, records the disclosure through
`disclosures.disclose` (which refuses what P8/P10 forbid) and returns the rows to hand over;
the caller writes them out inside the same unit of work. The group's marketing hand-over is
decided by the audiences, in services/access/group_marketing.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import (
    billing_account,
    invoice,
    person,
)
from rekisteri.catalogue import Category, LawfulBasis, Purpose, Visibility
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.transfers import DisclosureKind, RecipientKind
from rekisteri.services.access.disclosures import Disclosed, Recipient, disclose
from rekisteri.services.register import letters, representatives
from rekisteri.services.register.person_view import display_name, resolve_person
from rekisteri.services.register.presenting import attribute_value
from rekisteri.services.register.representatives import MailRecipient
from rekisteri.services.unit_of_work import UnitOfWork

HETU = "person.personal_identity_code"
# The collection file's word for a debtor whose letters go through the forwarding route.
FORWARDED_MAIL = "turvakielto"
UNPAID = ("open", "in_collection")


@dataclass
class Handover:
    """What goes to the recipient: a table (header + rows) or a document."""

    disclosed: Disclosed
    header: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    document: Any = None


def _identity_code(uow: UnitOfWork, row: Any) -> str | None:
    if row.kind == "legal":
        return str(row.business_id) if row.business_id else None
    if row.hetu_ct is None:
        return None
    return str(uow.cipher.open(HETU, row.hetu_ct, row.hetu_key))


def _overdue(uow: UnitOfWork, min_days: int = 0) -> Any:
    """Invoices of the person's own that are unpaid past their due date."""
    return and_(
        invoice.c.status.in_(UNPAID), invoice.c.due_on < uow.today() - dt.timedelta(days=min_days)
    )


def asiakastieto(uow: UnitOfWork, to: Recipient, output_name: str | None = None) -> Handover:
    """Identity code and name of persons with liabilities of their own (open overdue invoices),
    for payment-default monitoring (seed 004)."""
    debtors = select(invoice.c.person_id).where(_overdue(uow))
    rows = uow.execute(select(person).where(person.c.id.in_(debtors)).order_by(person.c.id)).all()
    out = [(code, display_name(r), r.id) for r in rows if (code := _identity_code(uow, r))]
    done = disclose(
        uow,
        to,
        kind=DisclosureKind.ASIAKASTIETO,
        purpose=Purpose.BILLING_AND_COLLECTION,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        categories=[Category.IDENTITY],
        person_ids=[pid for *_, pid in out],
        reason=coded(Reason.PAYMENT_DEFAULT_MONITORING),
        reference=to.agreement_ref,
        output_name=output_name,
        required_kinds=[RecipientKind.CREDIT_REFERENCE],
    )
    return Handover(done, ("tunnus", "nimi"), [(code, name) for code, name, _ in out])


def _addressed(
    r: Any, rep: MailRecipient | None, forwarded: tuple[str, str, str, str]
) -> tuple[str, str, str, str, str]:
    """Name, street, postal code, post office and forwarding mark of the collection letter: to
    the representative who receives the person's mail, else through the population register
    authority's forwarding for a protected person, else to the billing address."""
    if rep is not None:
        return rep.addressed(display_name(r)), rep.street, rep.postal_code, rep.post_office, ""
    if r.non_disclosure:
        return display_name(r), *forwarded
    return display_name(r), r.street, r.postal_code, r.post_office, ""


def collection(
    uow: UnitOfWork, to: Recipient, min_days: int = 14, output_name: str | None = None
) -> Handover:
    """The overdue invoices (at least `min_days` past due) and the debtors' data."""
    if not 0 <= min_days <= 3650:
        raise InvalidInput("min_days", "must be 0-3650")
    rows = uow.execute(
        select(
            invoice.c.invoice_number,
            invoice.c.reference,
            invoice.c.issued_on,
            invoice.c.due_on,
            invoice.c.amount_cents,
            invoice.c.status,
            person,
            billing_account.c.street,
            billing_account.c.postal_code,
            billing_account.c.post_office,
        )
        .join(person, person.c.id == invoice.c.person_id)
        .join(billing_account, billing_account.c.id == invoice.c.billing_account_id)
        .where(_overdue(uow, min_days))
        .order_by(invoice.c.due_on, invoice.c.id)
    ).all()
    header = [
        "laskunumero",
        "viite",
        "laskupaiva",
        "erapaiva",
        "summa_eur",
        "tila",
        "tunnus",
        "nimi",
        "katuosoite",
        "postinumero",
        "postitoimipaikka",
        "postin_valitys",
    ]
    # A deceased debtor's claim is the estate's: sent to the estate's contact (a guardian's
    # ward's to the guardian), as the register's own letters are.
    mail_to = representatives.mail_recipients(uow, sorted({int(r.id) for r in rows}))
    # A debtor with a turvakielto: the agency gets what it needs to collect (identity, name,
    # the invoices) and the population register authority's forwarding route in the address's
    # place, never the protected address (catalogue/protection.py, docs/non-disclosure.md).
    forwarded = (*letters.forwarding_address(uow), FORWARDED_MAIL)
    out = [
        (
            r.invoice_number,
            r.reference,
            r.issued_on,
            r.due_on,
            f"{r.amount_cents / 100:.2f}",
            r.status,
            _identity_code(uow, r),
            *_addressed(r, mail_to.get(int(r.id)), forwarded),
        )
        for r in rows
    ]
    done = disclose(
        uow,
        to,
        kind=DisclosureKind.COLLECTION,
        purpose=Purpose.BILLING_AND_COLLECTION,
        basis=LawfulBasis.CONTRACT,
        categories=[Category.IDENTITY, Category.CONTACT, Category.BILLING, Category.PAYMENT],
        person_ids=[r.id for r in rows],
        reason=coded(Reason.COLLECTION, min_days),
        reference=to.agreement_ref,
        output_name=output_name,
        required_kinds=[RecipientKind.COLLECTION_AGENCY],
    )
    return Handover(done, tuple(header), out)


def _rows_of(uow: UnitOfWork, table_name: str, person_id: int) -> list[Any]:
    """A table's rows that belong to the person, following its catalogue subject path."""
    spec = uow.catalogue.tables[table_name]
    assert spec.subject is not None
    table = metadata.tables[table_name]
    own, hops = spec.subject[0], spec.subject[1:]
    condition: Any = None
    # Walk the path backwards: the last hop names the person column.
    for link, owner in reversed(list(zip(hops[::2], hops[1::2], strict=True))):
        other = metadata.tables[link.split(".")[0]]
        col, owner_col = other.c[link.split(".")[1]], other.c[owner.split(".")[1]]
        condition = select(col).where(
            owner_col == person_id if condition is None else owner_col.in_(condition)
        )
    where = table.c[own] == person_id if condition is None else table.c[own].in_(condition)
    return list(uow.execute(select(table).where(where)).mappings())


def authority_request(
    uow: UnitOfWork,
    to: Recipient,
    *,
    reference: str,
    request: str,
    person_keys: Iterable[str],
    categories: Iterable[Category],
    output_name: str | None = None,
) -> Handover:
    """What an authority asked under law, and nothing more: the named persons' data of the
    named categories, recorded with the request's reference and wording."""
    ref = values.required_text(reference, "reference", max_len=200)
    asked = values.required_text(request, "request", max_len=2000)
    cats = frozenset(categories)
    if not cats:
        raise InvalidInput("category", "name the data categories the authority asked for")
    persons = sorted({resolve_person(uow, k) for k in person_keys})
    if not persons:
        raise InvalidInput("person", "name the persons the authority asked about")
    document: list[dict[str, Any]] = []
    for pid in persons:
        data: dict[str, Any] = {}
        for name, spec in uow.catalogue.tables.items():
            attrs = [a for a in uow.catalogue.for_table(name) if a.category in cats]
            if not spec.personal or not attrs:
                continue
            rows = [
                {a.name: attribute_value(uow, a, r, Visibility.FULL) for a in attrs}
                for r in _rows_of(uow, name, pid)
            ]
            if rows:
                data[name] = rows
        document.append({"person_id": pid, "data": data})
    done = disclose(
        uow,
        to,
        kind=DisclosureKind.AUTHORITY,
        purpose=Purpose.LEGAL_OBLIGATION,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        categories=cats,
        person_ids=persons,
        reason=asked,
        reference=ref,
        output_name=output_name,
        required_kinds=[RecipientKind.AUTHORITY],
    )
    return Handover(done, document={"reference": ref, "request": asked, "persons": document})
