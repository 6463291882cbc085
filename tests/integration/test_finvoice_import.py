"""Invoices from the billing system as Finvoice 3.0 files, on SQLite and PostgreSQL: matched to
the customer and contract the message names, atomic per file, idempotent, resends applied by
the rule of services/billing/invoices, hostile XML refused whole; the invoices then in the
person's access package, kept by erasure under the accounting law and pruned by retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters import finvoice
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import attribute_change, contract, invoice, person
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.billing.invoices import (
    InvoiceImport,
    import_invoice_bytes,
    import_invoice_file,
)
from rekisteri.services.rights import package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support import finvoice as fv
from tests.support.clock import FakeClock
from tests.support.people import Customer, make_customer

JOB = Actor.system("system:import-invoices")
DPO = Actor("tietosuoja.dpo")


def run(reg: RegisterApp, path: Path) -> InvoiceImport:
    with reg.unit_of_work(JOB) as uow:
        return import_invoice_file(uow, path)


def rows(reg: RegisterApp) -> dict[str, Any]:
    with reg.reading(DPO) as uow:
        found = uow.execute(select(invoice).order_by(invoice.c.id)).all()
    return {r.invoice_number: r for r in found}


def state(reg: RegisterApp) -> dict[str, int]:
    with reg.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if not t.name.startswith("audit")
        }


def refused(reg: RegisterApp, path: Path) -> InvalidInput:
    before = state(reg)
    with pytest.raises(InvalidInput) as err:
        run(reg, path)
    assert state(reg) == before, "a refused file stored something"
    return err.value


@pytest.fixture
def customer(register: RegisterApp) -> Customer:
    c = make_customer(register)
    assert c.customer_number == "100001"  # the number the sample messages name
    return c


def test_the_sample_message_is_stored_as_the_catalogue_declares(
    register: RegisterApp, customer: Customer
) -> None:
    done = run(register, fv.SAMPLE)
    assert (done.messages, done.new, done.changed) == (1, 1, 0)
    got = rows(register)["2026000101"]
    assert got.person_id == customer.person_id
    assert got.contract_id == customer.contract_ids[1]
    assert (got.reference, got.issued_on, got.due_on) == (
        "20260001010",
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 16),
    )
    assert (got.amount_cents, got.status, got.delivery_method) == (8868, "open", "e_invoice")
    assert (got.source, got.source_detail) == ("register_itself", "Finvoice invoice.xml")
    with register.reading(DPO) as uow:
        account = uow.execute(
            select(contract.c.billing_account_id).where(contract.c.id == customer.contract_ids[1])
        ).scalar_one()
    assert got.billing_account_id == account


def test_a_batch_with_envelopes_rf_references_and_delivery_methods(
    register: RegisterApp, customer: Customer
) -> None:
    done = run(register, fv.BATCH)
    assert (done.messages, done.new) == (3, 3)
    got = rows(register)
    assert got["2026000102"].amount_cents == 6420
    third = got["2026000103"]
    # Printed as RF36 2026 0001 036, the RF form of a Finnish reference: kept as that Finnish
    # reference, the normal form payments are matched by (domain/references).
    assert (third.reference, third.status, third.delivery_method) == (
        "20260001036",
        "paid",
        "email",
    )


def test_the_same_file_twice_changes_nothing(
    register: RegisterApp, customer: Customer, tmp_path: Path
) -> None:
    path = fv.write(tmp_path / "b.xml", fv.message("501"), fv.message("502", contract=None))
    assert run(register, path).new == 2
    before = state(register)
    again = run(register, path)
    assert again.already_imported and again.describe() == "b.xml: already imported, nothing changed"
    assert state(register) == before
    # Without a contract: the customer's only billing account, no contract.
    assert rows(register)["502"].contract_id is None


BAD = [
    ("unknown customer", {"customer": "999999"}, finvoice.E_CUSTOMER, "no customer 999999"),
    ("unknown contract", {"contract": "S9999999"}, finvoice.E_CONTRACT, "no contract"),
    ("wrong check digit", {"reference": "20260001011"}, finvoice.E_REFERENCE, "check digit"),
    ("wrong RF", {"reference": "RF3720260001036", "scheme": "ISO"}, finvoice.E_REFERENCE, "RF"),
    ("unknown scheme", {"scheme": "XYZ"}, finvoice.E_REFERENCE, "SPY"),
    ("dollars", {"currency": "USD"}, finvoice.E_TOTAL, "not EUR"),
    ("amount", {"amount": "12.50"}, finvoice.E_TOTAL, "123,45"),
    ("due first", {"due": "20260101"}, finvoice.E_DUE, "before the invoice date"),
    ("no such day", {"issued": "20260230"}, finvoice.E_DATE, "no day"),
    ("version", {"version": "2.01"}, finvoice.E_VERSION, "3.0"),
    ("status", {"status": "MAYBE"}, finvoice.E_STATUS, "NOTPAID"),
    ("number", {"number": "A" * 17, "reference": "20260001010"}, finvoice.E_NUMBER, "1-16"),
]


@pytest.mark.parametrize(("what", "values", "element", "reason"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_record_stores_nothing_and_names_file_message_and_element(
    register: RegisterApp,
    customer: Customer,
    tmp_path: Path,
    what: str,
    values: dict[str, str],
    element: str,
    reason: str,
) -> None:
    second = fv.message(**{"number": "602", **values})
    path = fv.write(tmp_path / "bad.xml", fv.message("601"), second)
    err = refused(register, path)
    assert (err.where, err.field) == ("bad.xml, message 2", element), what
    assert reason in err.reason


def test_a_contract_of_another_customer_is_a_bad_record(
    register: RegisterApp, customer: Customer, tmp_path: Path
) -> None:
    other = make_customer(
        register,
        hetu="010101-123N",
        email="b@example.fi",
        phone="+358401111111",
        site_numbers=(7, 8),
    )
    path = fv.write(tmp_path / "x.xml", fv.message("701", customer=other.customer_number))
    err = refused(register, path)
    assert err.field == finvoice.E_CONTRACT and "is not customer" in err.reason


def test_an_invoice_stated_twice_otherwise_in_one_file_is_a_bad_record(
    register: RegisterApp, customer: Customer, tmp_path: Path
) -> None:
    same = fv.write(tmp_path / "same.xml", fv.message("801"), fv.message("801"))
    assert run(register, same).new == 1
    path = fv.write(tmp_path / "t.xml", fv.message("802"), fv.message("802", amount="1,00"))
    err = refused(register, path)
    assert err.where == "t.xml, message 2" and "already in message 1" in err.reason


def test_a_resend_updates_status_and_delivery_with_history_and_nothing_else(
    register: RegisterApp, customer: Customer, tmp_path: Path
) -> None:
    run(register, fv.write(tmp_path / "1.xml", fv.message("901")))
    paid = fv.message("901", status="PAID", recipient="maija@example.fi")
    done = run(register, fv.write(tmp_path / "2.xml", paid))
    assert (done.new, done.changed) == (0, 1)
    got = rows(register)["901"]
    assert (got.status, got.delivery_method) == ("paid", "email")
    with register.reading(DPO) as uow:
        history = uow.execute(
            select(attribute_change.c.attribute, attribute_change.c.reason).where(
                attribute_change.c.person_id == customer.person_id,
                attribute_change.c.row_id == got.id,
            )
        ).all()
    assert {h.attribute for h in history} == {"invoice.invoice"}
    assert len(history) == 2 and all("2.xml" in h.reason for h in history)
    # A copy stating NOTPAID does not reopen a paid invoice.
    stale = run(register, fv.write(tmp_path / "3.xml", fv.message("901", recipient="m@example.fi")))
    assert stale.changed == 0 and rows(register)["901"].status == "paid"
    for status, word in (("COLLECTION", "in_collection"), ("CANCELLED", "cancelled")):
        later = fv.message("901", status=status, recipient="m@example.fi")
        run(register, fv.write(tmp_path / f"{status}.xml", later))
        assert rows(register)["901"].status == word
    # Another amount is no resend: an issued invoice is not changed.
    err = refused(register, fv.write(tmp_path / "4.xml", fv.message("901", amount="99,00")))
    assert err.field == finvoice.E_TOTAL and "credit note" in err.reason


HOSTILE = {
    "xxe": (
        '<?xml version="1.0"?>\n<!DOCTYPE Finvoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<Finvoice Version="3.0"><InvoiceDetails><InvoiceNumber>&x;</InvoiceNumber>'
        "</InvoiceDetails></Finvoice>\n",
        "DOCTYPE",
    ),
    "billion-laughs": (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']>\n<Finvoice Version="3.0">&lol9;</Finvoice>\n',
        "DOCTYPE",
    ),
    "external-dtd": (
        '<?xml version="1.0"?>\n<!DOCTYPE Finvoice SYSTEM "http://example.invalid/f.dtd">\n'
        '<Finvoice Version="3.0"/>\n',
        "DOCTYPE",
    ),
    "not-well-formed": ('<?xml version="1.0"?>\n<Finvoice Version="3.0"><Invoice', "XML"),
    "another-root": ('<?xml version="1.0"?>\n<Invoice/>\n', "Finvoice"),
    "empty": ("", "Finvoice"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_xml_is_refused_whole(
    register: RegisterApp, customer: Customer, tmp_path: Path, case: str
) -> None:
    text, element = HOSTILE[case]
    # A good message first: the refusal must take it back too.
    path = tmp_path / f"{case}.xml"
    path.write_bytes(fv.batch(fv.message("1001")) + text.encode())
    if case == "empty":
        path.write_bytes(b"")
    err = refused(register, path)
    assert err.field == element, err
    if case != "empty":
        assert err.where == f"{case}.xml, message 2"


def test_a_message_past_the_bound_is_refused_without_reading_on(
    register: RegisterApp, customer: Customer, tmp_path: Path
) -> None:
    huge = fv.message("1101").replace(
        "<InvoiceRow>",
        "<InvoiceRow><RowFreeText>" + "x" * finvoice.MAX_MESSAGE_BYTES + "</RowFreeText>",
        1,
    )
    err = refused(register, fv.write(tmp_path / "huge.xml", fv.message("1100"), huge))
    assert err.where == "huge.xml, message 2" and "longer than" in err.reason


def test_the_api_body_takes_the_same_path(register: RegisterApp, customer: Customer) -> None:
    with register.unit_of_work(DPO) as uow:
        done = import_invoice_bytes(uow, "api.xml", fv.batch(fv.message("1201")))
    assert done.new == 1 and rows(register)["1201"].source_detail == "Finvoice api.xml"


@pytest.fixture
def ended(register: RegisterApp, clock: FakeClock) -> Customer:
    ended_on = clock().date() - dt.timedelta(days=60)
    c = make_customer(register, ended_on=ended_on)
    assert c.customer_number == "100001"
    return c


def test_imported_invoices_in_the_access_package_kept_by_erasure_pruned_by_retention(
    register: RegisterApp, clock: FakeClock, ended: Customer, tmp_path: Path
) -> None:
    issued = clock().date() - dt.timedelta(days=40)
    paid = fv.message(
        "1301",
        issued=f"{issued:%Y%m%d}",
        due=f"{issued + dt.timedelta(days=14):%Y%m%d}",
        status="PAID",
    )
    run(register, fv.write(tmp_path / "last.xml", paid))
    with register.reading(DPO) as uow:
        p = package.build(uow, ended.person_id)
    shown = {r["invoice_number"]: r for r in next(s for s in p.sections if s.key == "invoice").rows}
    assert shown["1301"]["delivery_method"] == "e_invoice"
    assert shown["1301"]["source_detail"] == "Finvoice last.xml"
    # Erasure keeps invoices restricted under the accounting law (the catalogue's retention).
    from tests.integration.test_erasure_and_retention import _erase

    done = _erase(register, ended.person_id)
    kept = {k["attribute"] for k in done.outcome["kept"]}
    assert "invoice.invoice" in kept
    assert "1301" in rows(register)
    # Retention: gone with the person when ten years from the contract's end have passed.
    clock.advance(days=366 * 10)
    with register.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)
    assert rows(register) == {}
    with register.reading(DPO) as uow:
        assert uow.execute(select(func.count()).select_from(person)).scalar_one() == 0
