"""Reading data subject requests (the DPO's desk, one request, Art. 19 notices) is a read of
the person's rights-request data, so it is written to the audit trail like any other read."""

from __future__ import annotations

from rekisteri.domain.register import Provenance
from rekisteri.services.access import audit
from rekisteri.services.rights import recipient_notices, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")


def _rights_reads(reg: RegisterApp, person_id: int) -> list[str]:
    with reg.reading(Actor.system("check")) as uow:
        entries = audit.who_read(uow, person_id)
    return [e["what"] for e in entries if "rights_request" in e["categories"]]


def test_reading_requests_is_audited(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.unit_of_work(DPO) as uow:
        made = requests.new_request(
            uow,
            c.person_id,
            "access",
            "signed_letter",
            Provenance.of("customer_contact", uow.now(), "letter"),
        )
    before = len(_rights_reads(register, c.person_id))
    with register.reading(DPO) as uow:
        requests.show(uow, made.reference)
    with register.reading(DPO) as uow:
        assert [r["reference"] for r in requests.listing(uow, "all")] == [made.reference]
    with register.reading(DPO) as uow:
        recipient_notices.pending(uow)
    assert len(_rights_reads(register, c.person_id)) >= before + 2
