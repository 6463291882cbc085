"""A person with a turvakielto and distinctive addresses, beside an ordinary customer: every
output that can carry an address is checked for these streets (catalogue/protection.py).

Each address of the protected person is a street no one else has, one per address attribute,
so an answer holding one tells which attribute leaked. The person would be in every audience
but for the turvakielto (consents granted on every channel, a fixed-term contract about to
end), owes an overdue invoice (Asiakastieto, collection) and changed their billing address (the
history holds the old one too). The flag is set by staff through the write path, on proof.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rekisteri.adapters.schema.register import invoice
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
)
from rekisteri.domain.identifiers import make_gsrn
from rekisteri.domain.references import make_invoice_reference
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    ContractKind,
    MotherTongue,
    PersonKind,
    Provenance,
    Relationship,
)
from rekisteri.services.register import customers, updates
from rekisteri.services.rights import rectification
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

STAFF = Actor("asiakaspalvelu.anna")
HETU = "240478-456J"
# Each address attribute's street of the protected person (and the billing address it had).
STREETS = {
    "contact_point.postal_address": "Salakuja 13 B 7",
    "site.address": "Piilotie 41",
    "billing_account.billing_address": "Suojapolku 10",
}
OLD_BILLING_STREET = "Suojapolku 8"
# Words of each street that no other value of the register holds.
MARKS = {
    "contact_point.postal_address": "Salakuja",
    "site.address": "Piilotie",
    "billing_account.billing_address": "Suojapolku",
}
PURPOSES = (ConsentPurpose.OWN_MARKETING, ConsentPurpose.GROUP_MARKETING, ConsentPurpose.RESEARCH)
WORDING = "Saa lähettää tarjouksia"
EMAIL = "sanna.turvala@example.fi"


@dataclass
class Protected:
    person_id: int
    customer_number: str
    billing_account_id: int
    contract_id: int
    invoice_id: int


def make_protected(reg: RegisterApp, *, flag: bool = True, email: bool = True) -> Protected:
    """The protected person (`flag` False: the same person before the turvakielto; `email`
    False: one the register can reach only by letter)."""
    now = reg.clock()
    prov = Provenance.of("contract", now, "order form")
    today = now.date()
    with reg.unit_of_work(STAFF) as uow:
        done = customers.register_person(
            uow,
            PersonDraft(
                kind=PersonKind.NATURAL,
                relationship=Relationship.CUSTOMER,
                first_names="Sanna Kaarina",
                last_name="Turvala",
                personal_identity_code=HETU,
                mother_tongue=MotherTongue.FI,
                contact_points=(
                    *([ContactPointDraft(ContactKind.EMAIL, EMAIL)] if email else []),
                    ContactPointDraft(ContactKind.PHONE, "+358405550199"),
                    ContactPointDraft(
                        ContactKind.POSTAL,
                        street=STREETS["contact_point.postal_address"],
                        postal_code="99870",
                        post_office="Inari",
                    ),
                ),
            ),
            prov,
            tuple(
                PermissionDraft(p, c, CaptureMethod.WEB_FORM, WORDING, "v1")
                for p in (*PURPOSES, ConsentPurpose.NEWSLETTER, ConsentPurpose.MAGAZINE)
                for c in Channel
            ),
        )
        pid = done.person_id
        site = customers.add_site(
            uow,
            SiteDraft(
                street=STREETS["site.address"],
                postal_code="99870",
                post_office="Inari",
                metering_points=(make_gsrn("64300000000000777"),),
            ),
            prov,
        )
        account = customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft(
                street=OLD_BILLING_STREET,
                postal_code="99870",
                post_office="Inari",
                due_day=15,
                rhythm=BillingRhythm.MONTHLY,
                method=BillingMethod.PAPER,
            ),
            prov,
        )
        contract, _ = customers.add_contract(
            uow,
            pid,
            ContractDraft(
                site,
                ContractKind.SALES,
                "Kiinteä 12 kk",
                today - dt.timedelta(days=300),
                account,
                fixed_term_end=today + dt.timedelta(days=30),
            ),
            prov,
        )
        updates.update_billing_account(
            uow,
            account,
            {"street": STREETS["billing_account.billing_address"]},
            "the customer moved their post",
            Provenance.of("customer_contact", now, "phone call"),
        )
        number = f"{pid}777"
        found = uow.execute(
            invoice.insert().values(
                invoice_number=number,
                person_id=pid,
                billing_account_id=account,
                reference=make_invoice_reference(number),
                issued_on=today - dt.timedelta(days=75),
                due_on=today - dt.timedelta(days=60),
                amount_cents=45600,
                status="open",
                reminders=1,
                source="register_itself",
                received_at=now,
            )
        ).inserted_primary_key[0]
        if flag:
            set_flag(uow, pid, True)
    return Protected(pid, done.customer_number, account, contract, int(found))


def set_flag(uow: UnitOfWork, person_id: int, on: bool) -> None:
    """Staff record the turvakielto the person showed proof of (the write path, P2, P12)."""
    rectification.rectify(
        uow,
        person_id,
        {"non_disclosure": on},
        "the person showed the population register's decision",
        Provenance.of("customer_contact", uow.now(), "decision seen at the office"),
    )
