"""Payments from the bank and the rights: in the payer's access package, kept restricted by
erasure (the Accounting Act keeps them), and payments kept for review pruned by retention six
years after they came (P14), whether or not they name an invoice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.reports import access
from rekisteri.adapters.schema.payments import payment_quarantine
from rekisteri.adapters.schema.register import payment
from rekisteri.catalogue.retention import PAYMENTS_IN_REVIEW
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import add_months
from rekisteri.services.rights import erasure, package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.payments import billed_customer, notification, pay, run_import

DPO = Actor("tietosuoja.dpo")


def _paid_with_one_kept_for_review(
    reg: RegisterApp, tmp_path: Path, ended_on: dt.date | None = None
) -> tuple[int, int]:
    a = billed_customer(reg, 1, ended_on)
    run_import(
        reg,
        notification(
            tmp_path / "n.xml",
            pay(a.open_reference, "BR-1", "200.00", payer_name="Maija Meikäläinen"),
            # Names the invoice exactly but in Swedish crowns: kept for review, linked to it.
            pay(a.open_reference, "BR-2", currency="SEK", payer_name="Maija Meikäläinen"),
            pay("1234561", "BR-3", payer_name="Tuntematon Maksaja"),  # no invoice: nobody's
        ),
    )
    return a.person_id, a.open_invoice


def _count(reg: RegisterApp, table, *where) -> int:  # type: ignore[no-untyped-def]
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())


def test_the_payers_access_package_shows_their_payments_and_those_in_review(
    register: RegisterApp, tmp_path: Path
) -> None:
    person_id, _ = _paid_with_one_kept_for_review(register, tmp_path)
    with register.reading(DPO) as uow:
        p = package.build(uow, person_id)
    sections = {s.key: s for s in p.sections}
    mine = [r for r in sections["payment"].rows if r.get("bank_ref")]
    assert [(r["amount_cents"], r["excess_cents"], r["bank_ref"]) for r in mine] == [
        (20000, 7655, "BR-1")
    ]
    review = sections["payment_quarantine"].rows
    assert [(r["bank_ref"], r["currency"], r["payer_name"]) for r in review] == [
        ("BR-2", "SEK", "Maija Meikäläinen")
    ]
    blob = access.to_json(p).decode()
    assert "Tuntematon Maksaja" not in blob  # an unmatched payment is nobody's


def test_erasure_keeps_payments_restricted_as_the_accounting_act_requires(
    register: RegisterApp, tmp_path: Path
) -> None:
    person_id, _ = _paid_with_one_kept_for_review(register, tmp_path, dt.date(2025, 5, 31))
    with register.unit_of_work(DPO) as uow:
        answer = erasure.erase_person(
            uow, person_id, Provenance.of("customer_contact", uow.now()), reason="asked"
        )
    kept = {k["attribute"] for k in answer.kept}
    assert {"payment.payment", "payment_quarantine.payment"} <= kept
    assert _count(register, payment, payment.c.bank_ref == "BR-1") == 1
    assert _count(register, payment_quarantine) == 2


@pytest.mark.proves("P14.kept.payments-in-review")
def test_payments_in_review_go_when_their_stated_period_ends(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    start = clock().date()
    _paid_with_one_kept_for_review(register, tmp_path)
    assert _count(register, payment_quarantine) == 2
    end = add_months(start, PAYMENTS_IN_REVIEW.months)
    one_day = dt.timedelta(days=1)
    for day, left in ((end - one_day, 2), (end + one_day, 0)):
        clock.set(dt.datetime.combine(day, dt.time(3), dt.UTC))
        with register.unit_of_work(Actor("retention")) as uow:
            result = retention.run(uow)
        assert _count(register, payment_quarantine) == left
    assert result.counts["payments_in_review: payment_quarantine"] == 2
