"""A whole customer for rights tests: identity, contacts, two sites (they moved), contracts,
billing, invoices and payments, contact log, a recording, feedback, a digital account, consents.

Tables without a service yet (invoices, contact log, recordings ...) are filled directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rekisteri.adapters.schema.register import (
    call_recording,
    contact_log,
    digital_account,
    feedback,
    invoice,
    payment,
)
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
    EndReason,
    MotherTongue,
    PersonKind,
    Provenance,
    Relationship,
)
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp

STAFF = Actor("asiakaspalvelu.anna")
HETU = "131052-308T"
IBAN = "FI2112345600000785"
EMAIL = "maija.meikalainen@example.fi"
PHONE = "+358401234567"


@dataclass
class Customer:
    person_id: int
    customer_number: str
    contract_ids: list[int]
    site_ids: list[int]
    gsrns: list[str]
    invoice_ids: list[int]


def _gsrn(n: int) -> str:
    return make_gsrn(f"64300000000000{n:03d}")


def make_customer(
    reg: RegisterApp,
    *,
    moved_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    hetu: str = HETU,
    email: str = EMAIL,
    phone: str = PHONE,
    tongue: MotherTongue = MotherTongue.FI,
    site_numbers: tuple[int, int] = (1, 2),
    open_invoice: bool = False,
) -> Customer:
    """A customer who lived at site A from 2019, moved to site B on `moved_on` (default
    2022-06-01) and, if `ended_on`, ended the contract at B then."""
    moved = moved_on or dt.date(2022, 6, 1)
    now = reg.clock()
    prov = Provenance.of("contract", now, "order form")
    with reg.unit_of_work(STAFF) as uow:
        done = customers.register_person(
            uow,
            PersonDraft(
                kind=PersonKind.NATURAL,
                relationship=Relationship.CUSTOMER,
                first_names="Maija Liisa",
                last_name="Meikäläinen",
                personal_identity_code=hetu,
                mother_tongue=tongue,
                customer_class="household",
                contact_points=(
                    ContactPointDraft(ContactKind.EMAIL, email),
                    ContactPointDraft(ContactKind.PHONE, phone),
                    ContactPointDraft(
                        ContactKind.POSTAL,
                        street="Kotikatu 1 A 2",
                        postal_code="00100",
                        post_office="Helsinki",
                    ),
                ),
            ),
            prov,
            (
                PermissionDraft(
                    ConsentPurpose.OWN_MARKETING,
                    Channel.EMAIL,
                    CaptureMethod.WEB_FORM,
                    "Saa lähettää tarjouksia sähköpostiin",
                    "v1",
                ),
            ),
        )
        pid = done.person_id
        gsrns = [_gsrn(n) for n in site_numbers]
        site_ids = [
            customers.add_site(
                uow,
                SiteDraft(
                    street=f"Sähkötie {n}",
                    postal_code="00200",
                    post_office="Helsinki",
                    heating_type="district",  # type: ignore[arg-type]
                    main_fuse_a=25,
                    metering_points=(g,),
                ),
                prov,
            )
            for n, g in zip(site_numbers, gsrns, strict=True)
        ]
        ba = customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft(
                street="Kotikatu 1 A 2",
                postal_code="00100",
                post_office="Helsinki",
                due_day=15,
                rhythm=BillingRhythm.MONTHLY,
                method=BillingMethod.E_INVOICE,
                iban=IBAN,
            ),
            prov,
        )
        c1, _ = customers.add_contract(
            uow,
            pid,
            ContractDraft(site_ids[0], ContractKind.SALES, "Pörssisähkö", dt.date(2019, 1, 1), ba),
            prov,
        )
        customers.end_contract(uow, c1, moved, EndReason.MOVED_OUT, prov)
        c2, _ = customers.add_contract(
            uow,
            pid,
            ContractDraft(site_ids[1], ContractKind.SALES, "Kiinteä 12 kk", moved, ba),
            prov,
        )
        if ended_on:
            customers.end_contract(uow, c2, ended_on, EndReason.MOVED_OUT, prov)
        invoice_ids = []
        last = ended_on or moved
        for i, (cid, issued) in enumerate(((c1, dt.date(2021, 1, 5)), (c2, last))):
            status = "open" if (open_invoice and i == 1) else "paid"
            inv = uow.execute(
                invoice.insert().values(
                    invoice_number=f"{pid}{i:03d}",
                    person_id=pid,
                    billing_account_id=ba,
                    contract_id=cid,
                    reference=make_invoice_reference(f"{pid}{i:03d}"),
                    issued_on=issued,
                    due_on=issued + dt.timedelta(days=14),
                    amount_cents=12345,
                    status=status,
                    paid_on=None if status == "open" else issued + dt.timedelta(days=10),
                    reminders=0,
                    source="register_itself",
                    received_at=now,
                )
            ).inserted_primary_key[0]
            invoice_ids.append(int(inv))
            if status == "paid":
                uow.execute(
                    payment.insert().values(
                        invoice_id=inv,
                        paid_on=issued + dt.timedelta(days=10),
                        amount_cents=12345,
                        method="e_invoice",
                        source="register_itself",
                        received_at=now,
                    )
                )
        log = uow.execute(
            contact_log.insert().values(
                person_id=pid,
                at=now,
                channel="phone",
                direction="inbound",
                topic="moving",
                note="Asiakas muuttaa, uusi osoite Sähkötie 2",
                handled_by="anna",
                source="customer_contact",
                received_at=now,
            )
        ).inserted_primary_key[0]
        uow.execute(
            call_recording.insert().values(
                person_id=pid,
                contact_log_id=log,
                recorded_at=now,
                duration_seconds=312,
                file_ref="recordings/2026/03/call-1.opus",
                source="customer_contact",
                received_at=now,
            )
        )
        uow.execute(
            feedback.insert().values(
                person_id=pid,
                at=now,
                channel="web",
                satisfaction=4,
                text="Hyvää palvelua",
                source="customer_contact",
                received_at=now,
            )
        )
        uow.execute(
            digital_account.insert().values(
                person_id=pid,
                login=email,
                registered_at=now,
                source="customer_contact",
                received_at=now,
            )
        )
    return Customer(pid, done.customer_number, [c1, c2], site_ids, gsrns, invoice_ids)


def another_customer(
    reg: RegisterApp,
    *,
    ended_on: dt.date | None = None,
    site_numbers: tuple[int, int] = (3, 4),
) -> Customer:
    """A second customer beside make_customer's: their own identity code, e-mail, phone and
    sites."""
    return make_customer(
        reg,
        ended_on=ended_on,
        hetu="010101-123N",
        email="b@example.fi",
        phone="+358401111111",
        site_numbers=site_numbers,
    )
