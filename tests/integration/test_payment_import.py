"""Payments from the bank (camt.054) on SQLite and PostgreSQL: applied through the write path,
partial, over, repeated and duplicate payments, bad records quarantined with a task while the
rest is applied, the same file twice, and hostile or malformed files refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.payments import payment_quarantine
from rekisteri.adapters.schema.register import attribute_change, invoice, payment
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.references import rf_form
from rekisteri.services.billing import payments
from rekisteri.services.billing.invoices import import_invoice_file
from rekisteri.services.register import tasks
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support import finvoice as fv
from tests.support.payments import (
    BOOKED,
    Billed,
    billed_customer,
    invoice_row,
    notification,
    pay,
    run_import,
    state,
)
from tests.support.people import make_customer


@pytest.fixture
def two(register: RegisterApp) -> tuple[Billed, Billed]:
    return billed_customer(register, 1), billed_customer(register, 2)


@pytest.fixture(params=["thread", "child"])
def parsed_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A small file is parsed in a thread, a large one in a child interpreter
    (payments.APART_FROM_BYTES): the tests that use this run both ways."""
    if request.param == "child":
        monkeypatch.setattr(payments, "APART_FROM_BYTES", 0)
    return str(request.param)


def _payments_of(reg: RegisterApp, invoice_id: int) -> list[tuple[int, int | None, str]]:
    with reg.engine.connect() as conn:
        return [
            (r.amount_cents, r.excess_cents, r.bank_ref)
            for r in conn.execute(select(payment).where(payment.c.invoice_id == invoice_id))
            if r.bank_ref
        ]


def _open_tasks(reg: RegisterApp) -> list[tasks.Task]:
    with reg.unit_of_work(Actor("test")) as uow:
        return tasks.listing(uow)


@pytest.mark.usefixtures("parsed_in")
def test_a_good_file_pays_its_invoices_through_the_write_path(register, two, tmp_path) -> None:
    a, b = two
    f = notification(
        tmp_path / "n.xml",
        pay(a.open_reference, "BR-1", payer_name="Maija Meikäläinen"),
        pay(rf_form(b.open_reference), "BR-2"),  # the RF form of the same reference
    )
    done = run_import(register, f)
    assert (done.payments, done.applied, done.quarantined) == (2, 2, [])
    assert done.version == "camt.054.001.02"
    for billed in two:
        row = invoice_row(register, billed.open_invoice)
        assert (row.status, row.paid_on) == ("paid", BOOKED)
    assert _payments_of(register, a.open_invoice) == [(12345, None, "BR-1")]
    with register.engine.connect() as conn:
        history = conn.execute(
            select(attribute_change.c.attribute, attribute_change.c.new_value).where(
                attribute_change.c.row_id == a.open_invoice,
                attribute_change.c.table_name == "invoice",
            )
        ).all()
        source = conn.execute(
            select(payment.c.source).where(payment.c.bank_ref == "BR-1")
        ).scalar_one()
    assert sorted(history) == [("invoice.invoice", "2026-11-30"), ("invoice.invoice", "paid")]
    assert source == "other_company"  # the bank, as P2 names it
    assert _open_tasks(register) == []


@pytest.mark.usefixtures("parsed_in")
def test_the_same_file_twice_changes_nothing(register, two, tmp_path) -> None:
    a, _ = two
    f = notification(tmp_path / "n.xml", pay(a.open_reference, "BR-1"), pay(None, "BR-2"))
    run_import(register, f)
    before = state(register)
    again = run_import(register, f)
    assert again.already_imported and "nothing changed" in again.describe()
    assert state(register) == before


def test_a_payment_notified_again_in_another_file_is_a_duplicate(register, two, tmp_path) -> None:
    a, _ = two
    run_import(register, notification(tmp_path / "1.xml", pay(a.open_reference, "BR-1")))
    before = state(register)
    again = run_import(
        register,
        notification(tmp_path / "2.xml", pay(a.open_reference, "BR-1"), message_id="OTHER"),
    )
    assert (again.duplicate, again.applied, again.repeated) == (1, 0, 0)
    after = state(register)
    assert {k: v for k, v in after.items() if k != "files"} == {
        k: v for k, v in before.items() if k != "files"
    }


@pytest.mark.usefixtures("parsed_in")
def test_one_bad_record_is_quarantined_with_a_task_and_the_rest_applied(
    register, two, tmp_path
) -> None:
    a, b = two
    bad_check_digit = a.open_reference[:-1] + str((int(a.open_reference[-1]) + 1) % 10)
    f = notification(
        tmp_path / "n.xml",
        pay(a.open_reference, "BR-1"),
        pay(bad_check_digit, "BR-2", payer_name="Erkki Esimerkki"),
        pay(b.open_reference, "BR-3"),
    )
    done = run_import(register, f)
    assert done.applied == 2
    assert done.quarantined == [(2, "reference: the Finnish reference has a wrong check digit")]
    assert "payment 2: quarantined: reference" in done.describe()
    with register.engine.connect() as conn:
        kept = conn.execute(select(payment_quarantine)).one()
    assert (kept.bank_ref, kept.reference, kept.payer_name, kept.invoice_id) == (
        "BR-2",
        bad_check_digit,
        "Erkki Esimerkki",
        None,  # never attached to anyone by a guess
    )
    (task,) = _open_tasks(register)
    assert (task.kind, task.subject_table, task.subject_id) == (
        "payment_quarantined",
        "payment_quarantine",
        kept.id,
    )
    assert "Erkki" not in task.reason  # the task carries no personal data


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"amount": "12,50"}, "amount (Amt) is not a sum of euros and cents like 12.50"),
        ({"amount": "0.00"}, "amount (Amt) is not positive"),
        ({"currency": "SEK"}, "currency (Amt Ccy) SEK, not EUR"),
        ({"credit_debit": "DBIT"}, "not an incoming payment (CdtDbtInd DBIT)"),
        ({"booked_on": "2026-13-01"}, "booking date (BookgDt) missing or not a date"),
        ({"reference": None}, "no creditor reference (RmtInf/Strd/CdtrRefInf/Ref)"),
        ({"reference": "RF00 1234"}, "reference: the RF creditor reference has wrong check digits"),
        ({"bank_ref": None}, "no bank transaction reference (AcctSvcrRef)"),
    ],
)
def test_each_kind_of_bad_record_is_quarantined_with_its_reason(
    register, two, tmp_path, change, reason
) -> None:
    a, b = two
    fields = {"reference": a.open_reference, "bank_ref": "BR-X", **change}
    f = notification(
        tmp_path / "n.xml",
        pay(fields.pop("reference"), fields.pop("bank_ref"), **fields),
        pay(b.open_reference, "BR-GOOD"),
    )
    done = run_import(register, f)
    assert done.quarantined == [(1, reason)] and done.applied == 1
    with register.engine.connect() as conn:
        kept = conn.execute(select(payment_quarantine)).one()
    # A record whose reference names an invoice is linked to it (not a guess); the invoice
    # stays as it was.
    linked = change.get("reference", a.open_reference) == a.open_reference
    assert kept.invoice_id == (a.open_invoice if linked else None)
    assert invoice_row(register, a.open_invoice).status == "open"


def test_an_unmatched_payment_is_kept_for_review_and_attached_to_nobody(
    register, two, tmp_path
) -> None:
    unknown = "1234561"  # a valid Finnish reference no invoice has
    done = run_import(register, notification(tmp_path / "n.xml", pay(unknown, "BR-9")))
    assert done.quarantined == [(1, "no invoice has this reference")]
    with register.engine.connect() as conn:
        kept = conn.execute(select(payment_quarantine)).one()
        task = conn.execute(select(staff_task)).one()
    assert kept.invoice_id is None and task.subject_id == kept.id


@pytest.mark.usefixtures("parsed_in")
def test_partial_over_and_repeated_payments(register, two, tmp_path) -> None:
    a, b = two
    done = run_import(
        register,
        notification(
            tmp_path / "n.xml",
            pay(a.open_reference, "BR-1", "100.00"),  # partial: 23.45 left
            pay(b.open_reference, "BR-2", "200.00"),  # over by 76.55
            pay(a.paid_reference, "BR-3", "123.45"),  # the invoice was paid already
        ),
    )
    assert (done.partial, done.over, done.repeated, done.applied) == (1, 1, 1, 0)
    assert invoice_row(register, a.open_invoice).status == "open"
    assert _payments_of(register, a.open_invoice) == [(10000, None, "BR-1")]
    over = invoice_row(register, b.open_invoice)
    assert (over.status, over.paid_on) == ("paid", BOOKED)
    assert _payments_of(register, b.open_invoice) == [(20000, 7655, "BR-2")]
    assert _payments_of(register, a.paid_invoice) == [(12345, 12345, "BR-3")]
    kinds = sorted((t.kind, t.reason) for t in _open_tasks(register))
    assert kinds == [
        ("payment_over", "over-payment: 76.55 EUR over"),
        ("payment_repeated", "a payment of an invoice already paid"),
    ]
    # The rest of the partly paid invoice, paid later, settles it.
    rest = run_import(
        register, notification(tmp_path / "m.xml", pay(a.open_reference, "BR-4", "23.45"))
    )
    assert rest.applied == 1
    assert invoice_row(register, a.open_invoice).status == "paid"


def test_two_payments_of_one_invoice_in_one_file(register, two, tmp_path) -> None:
    a, _ = two
    done = run_import(
        register,
        notification(
            tmp_path / "n.xml",
            pay(a.open_reference, "BR-1", "100.00"),
            pay(a.open_reference, "BR-2", "23.45"),
            pay(a.open_reference, "BR-3", "5.00"),
        ),
    )
    assert (done.partial, done.applied, done.repeated) == (1, 1, 1)
    assert invoice_row(register, a.open_invoice).status == "paid"


def test_chunks_parsed_in_a_child_are_matched_across_their_bounds(
    register, two, tmp_path, monkeypatch
) -> None:
    """Three payments a chunk: a payment completing the one before it in another chunk, a bank
    reference repeated in a later chunk, and the file's counts all as one reading gives."""
    monkeypatch.setattr(payments, "APART_FROM_BYTES", 0)
    monkeypatch.setattr(payments, "CHUNK", 3)
    a, b = two
    done = run_import(
        register,
        notification(
            tmp_path / "n.xml",
            pay(a.open_reference, "BR-1", "100.00"),  # partial
            pay(None, "BR-2"),  # quarantined
            pay("1234561", "BR-3"),  # no such invoice
            pay(a.open_reference, "BR-4", "23.45"),  # settles a, in the second chunk
            pay(b.open_reference, "BR-5"),  # settles b
            pay(a.open_reference, "BR-1", "100.00"),  # BR-1 again: a duplicate
            pay(b.open_reference, "BR-7", "1.00"),  # b paid already: kept for review
        ),
    )
    assert (done.payments, done.partial, done.applied, done.duplicate, done.repeated) == (
        7,
        1,
        2,
        1,
        1,
    )
    assert [n for n, _ in done.quarantined] == [2, 3]
    assert done.version == "camt.054.001.02"
    assert invoice_row(register, a.open_invoice).status == "paid"
    assert invoice_row(register, b.open_invoice).status == "paid"
    assert sorted(_payments_of(register, a.open_invoice)) == [
        (2345, None, "BR-4"),
        (10000, None, "BR-1"),
    ]


HOSTILE = {
    "xxe.xml": (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&x;</Document>'
    ),
    "laughs.xml": (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        ']><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&c;</Document>'
    ),
    "camt053.xml": (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt/></Document>"
    ),
    "not-xml.xml": "Mittauspisteen tunnus;Alkuaika\n",
    "empty.xml": "",
    "deep.xml": (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
        "<BkToCstmrDbtCdtNtfctn>" + "<X>" * 40 + "</X>" * 40 + "</BkToCstmrDbtCdtNtfctn></Document>"
    ),
}


@pytest.mark.usefixtures("parsed_in")
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_or_malformed_file_is_refused_whole(register, two, tmp_path, name) -> None:
    before = state(register)
    f = tmp_path / name
    f.write_text(HOSTILE[name], encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        run_import(register, f)
    assert name in str(refused.value)
    assert state(register) == before


@pytest.mark.usefixtures("parsed_in")
def test_a_file_cut_after_good_payments_stores_none_of_them(register, two, tmp_path) -> None:
    a, _ = two
    good = notification(tmp_path / "n.xml", pay(a.open_reference, "BR-1"))
    cut = tmp_path / "cut.xml"
    text = good.read_text(encoding="utf-8")
    cut.write_text(text[: text.index("</Ntfctn>")], encoding="utf-8")
    before = state(register)
    with pytest.raises(InvalidInput, match=r"cut\.xml.*not well-formed"):
        run_import(register, cut)
    assert state(register) == before


def test_a_task_is_done_once(register, two, tmp_path) -> None:
    run_import(register, notification(tmp_path / "n.xml", pay("1234561", "BR-9")))
    (task,) = _open_tasks(register)
    with register.unit_of_work(Actor("laskutus.liisa")) as uow:
        done = tasks.mark_done(uow, task.id)
    assert done.done_by == "laskutus.liisa" and _open_tasks(register) == []
    with register.unit_of_work(Actor("laskutus.liisa")) as uow, pytest.raises(InvalidInput):
        tasks.mark_done(uow, task.id)


@pytest.mark.parametrize(
    ("printed", "scheme", "quoted", "stored"),
    [
        # The reviewer's case: an RF reference whose body is a Finnish reference written with
        # leading zeros, quoted by the payer exactly as printed.
        ("RF08 0012 344", "ISO", "RF080012344", "12344"),
        ("RF0812344", "ISO", "12344", "12344"),  # billed in RF form, paid in the Finnish form
        ("12344", "SPY", "RF0812344", "12344"),  # billed in the Finnish form, paid in RF form
        ("RF83 KWH2 026A BC", "ISO", "rf83kwh2026abc", "RF83KWH2026ABC"),  # an RF of its own
    ],
)
def test_an_invoice_billed_by_finvoice_is_paid_by_a_payment_quoting_its_reference(
    register: RegisterApp, tmp_path: Path, printed: str, scheme: str, quoted: str, stored: str
) -> None:
    """The two doors meet on one key: the Finvoice import stores the reference in the normal
    form the payment import matches by (domain/references)."""
    make_customer(register)  # customer 100001 with contract S1000002, as the messages name
    billed = fv.write(tmp_path / "lasku.xml", fv.message("7001", reference=printed, scheme=scheme))
    with register.unit_of_work(Actor.system("system:import-invoices")) as uow:
        assert import_invoice_file(uow, billed).new == 1
    with register.engine.connect() as conn:
        row = conn.execute(select(invoice).where(invoice.c.invoice_number == "7001")).one()
    assert row.reference == stored
    done = run_import(register, notification(tmp_path / "n.xml", pay(quoted, "BR-7", "88.68")))
    assert (done.applied, done.quarantined) == (1, [])
    paid = invoice_row(register, row.id)
    assert (paid.status, paid.paid_on) == ("paid", BOOKED)
    assert _payments_of(register, row.id) == [(8868, None, "BR-7")]
