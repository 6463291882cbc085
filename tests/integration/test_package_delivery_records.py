"""The access package's delivery records follow the catalogue: an erasure destroys a waiting
package's file and keeps the record of how the answer was given (restricted, as the request
is); the retention run keeps the record five years, then removes it; a person the outbox does
not mail (processing restricted) gets the notice by letter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from rekisteri.adapters.schema.rights import package_delivery
from rekisteri.catalogue import Source
from rekisteri.domain.register import Provenance
from rekisteri.services.rights import erasure, fulfilment, requests, retention
from rekisteri.services.rights import package_delivery as delivery
from rekisteri.services.rights.restriction import restrict
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import make_customer

DPO = Actor("tietosuoja.testi")


def _offered(reg: RegisterApp, clock: FakeClock, **customer: object) -> tuple[int, str]:
    c = make_customer(reg, **customer)  # type: ignore[arg-type]
    clock.advance(minutes=1)
    with reg.unit_of_work(DPO) as uow:
        prov = Provenance(Source.CUSTOMER_CONTACT, uow.now(), "at the office")
        ref = requests.new_request(uow, c.person_id, "access", "in_person", prov).reference
        requests.verify(uow, ref, "identity_document")
        offered = delivery.offer(uow, fulfilment.fulfil(uow, ref), pdf=False)
    assert offered is not None and offered.notice == "email"
    return c.person_id, ref


def _row(reg: RegisterApp) -> dict[str, object]:
    with reg.engine.connect() as conn:
        return dict(conn.execute(select(package_delivery)).one()._mapping)


def test_erasure_destroys_the_waiting_package_and_keeps_the_record(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid, _ = _offered(register, clock, ended_on=dt.date(2025, 6, 30))
    ref = str(_row(register)["file_ref"])
    assert register.files.exists(ref)
    with register.unit_of_work(DPO) as uow:
        prov = Provenance(Source.CUSTOMER_CONTACT, uow.now(), "erasure request")
        erasure.erase_person(uow, pid, prov, reason="asked")
    assert not register.files.exists(ref), "the package is a copy of the erased data"
    kept = _row(register)
    assert kept["file_ref"] is None and kept["created_at"] is not None


def test_the_retention_run_removes_the_record_after_five_years(
    register: RegisterApp, clock: FakeClock
) -> None:
    _offered(register, clock)
    with register.unit_of_work(Actor("system:packages")) as uow:
        delivery.expire(uow)  # nothing yet: the link is open
    assert _row(register)["file_ref"] is not None
    clock.advance(days=15)
    with register.unit_of_work(Actor("system:packages")) as uow:
        assert len(delivery.expire(uow)) == 1
    clock.advance(days=4 * 365)
    with register.unit_of_work(Actor("system:retention")) as uow:
        retention.run(uow)
    assert _row(register)["file_ref"] is None  # still kept: under five years
    clock.set(clock() + dt.timedelta(days=400))
    with register.unit_of_work(Actor("system:retention")) as uow:
        retention.run(uow)
    with register.engine.connect() as conn:
        assert conn.execute(select(package_delivery)).all() == []


def test_a_restricted_persons_notice_is_a_letter(register: RegisterApp, clock: FakeClock) -> None:
    """The outbox sends nothing to a person whose processing is restricted, yet the answer is
    owed: the notice goes by letter."""
    c = make_customer(register)
    clock.advance(minutes=1)
    with register.unit_of_work(DPO) as uow:
        prov = Provenance(Source.CUSTOMER_CONTACT, uow.now(), "restriction request")
        restrict(uow, c.person_id, "accuracy contested", prov)
        ref = requests.new_request(uow, c.person_id, "access", "in_person", prov).reference
        requests.verify(uow, ref, "identity_document")
        offered = delivery.offer(uow, fulfilment.fulfil(uow, ref), pdf=False)
    assert offered is not None and offered.notice == "letter" and offered.mail_id is None
    assert offered.letter is not None and "Kotikatu 1 A 2" in offered.letter
    # Nor is a code promised that the outbox would drop: the link's page offers no channel.
    token = re.search(r"/package/([A-Za-z0-9_-]+)", offered.letter)
    assert token is not None
    with (
        register.unit_of_work(delivery.person_actor(c.person_id)) as uow,
        pytest.raises(delivery.CodeRefused, match="no channel"),
    ):
        delivery.send_code(uow, token[1])


def test_wrong_codes_at_once_are_each_counted(
    register: RegisterApp, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two wrong codes sent at the same moment both read the link before either was counted;
    each must still count, or a burst of guesses would share one attempt."""
    person_id, _ = _offered(register, clock)
    token = "t" * 43
    with register.unit_of_work(DPO) as uow:
        row_id = uow.execute(select(package_delivery.c.id)).scalar_one()
        uow.execute(
            update(package_delivery).values(
                token_hash=delivery.token_hash(token),
                code_hash=delivery._code_hash(uow, row_id, "123456"),
                code_expires_at=uow.now() + dt.timedelta(minutes=15),
            )
        )
    person = delivery.person_actor(person_id)
    with register.unit_of_work(person) as uow:
        stale = delivery.open_link(uow, token)  # as both requests read it
    monkeypatch.setattr(delivery, "open_link", lambda uow, token, fallback=None: stale)
    allowed = register.settings.package_code_attempts
    lefts = []
    for _ in range(2):
        with register.unit_of_work(person) as uow:
            lefts.append(delivery.download(uow, token, "654321").left)
    assert lefts == [allowed - 1, allowed - 2]
    assert _row(register)["wrong_codes"] == 2
