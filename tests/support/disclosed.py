"""A recorded disclosure of some persons' data to a recipient (the recipients Art. 19 tells)."""

from __future__ import annotations

from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.domain.transfers import DisclosureKind
from rekisteri.services.access import disclosures
from rekisteri.services.unit_of_work import Actor, RegisterApp

ACTOR = Actor("laskuttaja", purpose=Purpose.BILLING_AND_COLLECTION, via="test")


def disclose_to(
    reg: RegisterApp, recipient: str, person_ids: list[int], reference: str = "perintä 1"
) -> int:
    """Disclose the persons' contact data to `recipient` (registered first when new)."""
    with reg.unit_of_work(ACTOR) as uow:
        if recipient not in {r["name"] for r in disclosures.list_recipients(uow)}:
            disclosures.add_recipient(uow, recipient, "collection_agency", "FI", list(Purpose))
        done = disclosures.disclose(
            uow,
            disclosures.find_recipient(uow, recipient),
            kind=DisclosureKind.COLLECTION,
            purpose=Purpose.BILLING_AND_COLLECTION,
            basis=LawfulBasis.CONTRACT,
            categories=[Category.CONTACT],
            person_ids=person_ids,
            reason="overdue invoice",
            reference=reference,
        )
    return done.disclosure_id
