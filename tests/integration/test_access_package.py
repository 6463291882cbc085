"""The access package (Art. 15): walked from the catalogue, in the person's language."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Column, String, text, update

from rekisteri.adapters.reports import access
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Attribute, Category, LawfulBasis, Purpose, Source, Words
from rekisteri.catalogue.retention import CUSTOMER_DATA
from rekisteri.domain.access_package import MonthlyTotal
from rekisteri.domain.consumption import DATAHUB_HEADER
from rekisteri.domain.drafts import ContractDraft
from rekisteri.domain.register import ContractKind, MotherTongue, Provenance
from rekisteri.services.register import customers
from rekisteri.services.rights import erasure, package
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.consumption import run_import, write
from tests.support.people import HETU, IBAN, make_customer

DPO = Actor("tietosuoja.dpo")


def test_package_of_a_person_who_moved_between_two_sites(
    register: RegisterApp, clock: FakeClock
) -> None:
    first = make_customer(register, moved_on=dt.date(2022, 6, 1), ended_on=dt.date(2025, 5, 31))
    # Someone else moves into the first person's second site afterwards.
    other = make_customer(
        register,
        hetu="010101-123N",
        email="toinen@example.fi",
        phone="+358401111111",
        site_numbers=(7, 8),
    )
    with register.unit_of_work(DPO) as uow:
        customers.add_contract(
            uow,
            other.person_id,
            ContractDraft(
                first.site_ids[1], ContractKind.SALES, "Pörssisähkö", dt.date(2025, 6, 1)
            ),
            Provenance.of("contract", uow.now()),
        )
        customers.rectify_person(
            uow,
            first.person_id,
            {"last_name": "Virtanen"},
            "name changed",
            Provenance.of("customer_contact", uow.now()),
        )
        p = package.build(uow, first.person_id)
    sections = {s.key: s for s in p.sections}
    contracts = sections["contract"].rows
    assert [(r["start_date"], r["end_date"]) for r in contracts] == [
        (dt.date(2019, 1, 1), dt.date(2022, 6, 1)),
        (dt.date(2022, 6, 1), dt.date(2025, 5, 31)),
    ]
    assert {r["street"] for r in sections["site"].rows} == {"Sähkötie 1", "Sähkötie 2"}
    assert len(sections["metering_point"].rows) == 2
    # Contact points with their sources (P2), the consent ledger, recordings, history.
    assert {r["source"] for r in sections["contact_point"].rows} == {"asiakkaan sopimus"}
    assert {r["source_detail"] for r in sections["contact_point"].rows} == {"order form"}
    assert [r["event"] for r in sections["consent_event"].rows] == ["granted"]
    assert sections["call_recording"].rows[0]["duration_seconds"] == 312
    assert sections["invoice"].rows and sections["payment"].rows
    assert [
        (r["attribute_code"], r["attribute"], r["old_value"], r["new_value"], r["source_code"])
        for r in sections["attribute_change"].rows
        if r["attribute_code"] == "person.last_name"
    ] == [("person.last_name", "sukunimi", "Meikäläinen", "Virtanen", "customer_contact")]
    # The next occupant is not in it.
    blob = access.to_json(p).decode()
    assert "toinen@example.fi" not in blob and "010101-123N" not in blob
    # Sensitive values in full only in the person's own package; masked in a staff preview.
    assert HETU in blob and IBAN in blob
    with register.reading(DPO) as uow:
        preview = access.to_json(package.build(uow, first.person_id, reveal=False)).decode()
    assert HETU not in preview and IBAN not in preview and HETU[:7] + "****" in preview
    # Purposes, bases, recipients, retention and rights, in words.
    info = json.loads(blob)["information"]
    contract_info = next(c for c in info["categories"] if c["category"] == "contract")
    assert "sopimus" in contract_info["lawful_basis"]
    assert any("sähkömarkkinalaki" in r for r in contract_info["retention"])
    assert any("Asiakastieto" in r for r in info["recipients"])
    assert any("tietosuojavaltuutetulle" in r for r in info["rights"])


def test_report_in_the_persons_language_with_a_consumption_chart(
    register: RegisterApp, tmp_path: Path
) -> None:
    c = make_customer(register, tongue=MotherTongue.SV)
    with register.reading(DPO) as uow:
        empty = package.build(uow, c.person_id)
    html = access.to_html(empty)
    assert 'lang="sv"' in html and "Den registrerades uppgifter" in html
    assert "Registret har inga mätvärden" in html
    assert "Maija Liisa Meikäläinen" in html
    # Readings imported for the metering point of the current home (site B, since 2022) feed
    # the chart and the CSV; the chart is by Helsinki month.
    jan = int(dt.datetime(2025, 1, 1, 22, tzinfo=dt.UTC).timestamp())  # 00:00 on 2 January
    feb = int(dt.datetime(2025, 1, 31, 22, tzinfo=dt.UTC).timestamp())  # 00:00 on 1 February
    frame = pl.DataFrame(
        {
            "gsrn": [c.gsrns[1]] * 3,
            "ts": [jan, jan + 900, feb],
            "wh": [2126, None, 640_000],
            "quality": ["OK", "MISSING", "OK"],
            "resolution": [900] * 3,
        }
    )
    run_import(register, write(tmp_path / "readings.csv", frame))
    with register.reading(DPO) as uow:
        p = package.build(uow, c.person_id, lang="en")
        out = io.StringIO()
        n = access.write_readings_csv(p.readings, out)
    assert p.monthly == [
        MonthlyTotal("2025-01", 2.126),
        MonthlyTotal("2025-02", 640.0),
    ]
    html = access.to_html(p)
    # One bar a month of the site's chart, its move-in marked; the monthly table beside it.
    assert "Your data: right of access" in html and html.count("<rect") == 2
    assert "Moved in 1 Jun 2022" in html and "<td>Feb 2025</td>" in html
    # The readings in Datahub's own columns: kWh with a decimal comma, empty for no value.
    lines = out.getvalue().splitlines()
    assert n == 3 and lines[0] == ";".join(DATAHUB_HEADER)
    assert lines[1] == f"{c.gsrns[1]};8716867000030;PT15M;kWh;BN01;2025-01-01T22:00:00Z;2,126000;OK"
    assert lines[2] == f"{c.gsrns[1]};8716867000030;PT15M;kWh;BN01;2025-01-01T22:15:00Z;;MISSING"
    pdf = access.to_pdf(p, html)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


@pytest.fixture
def with_new_column(register: RegisterApp) -> Iterator[Attribute]:
    """A new personal attribute: a column in the table (schema and this database) and its
    catalogue entry. Nothing else changes."""
    col = Column("preferred_contact_time", String(20))
    person.append_column(col)
    with register.engine.begin() as conn:
        conn.execute(text("ALTER TABLE person ADD COLUMN preferred_contact_time VARCHAR(20)"))
    attr = Attribute(
        key="person.preferred_contact_time",
        table="person",
        columns=("preferred_contact_time",),
        category=Category.CONTACT,
        purposes=frozenset({Purpose.CUSTOMER_RELATIONSHIP}),
        basis=LawfulBasis.CONSENT,
        sources=frozenset({Source.CUSTOMER_CONTACT}),
        retention=CUSTOMER_DATA,
        words=Words("toivottu yhteydenottoaika", "önskad kontakttid", "preferred contact time"),
    )
    register.catalogue = register.catalogue.with_attribute(attr)
    try:
        yield attr
    finally:
        person._columns.remove(col)  # the shared schema goes back as it was


def test_a_new_attribute_appears_in_the_package_and_is_erased(
    register: RegisterApp, with_new_column: Attribute
) -> None:
    c = make_customer(register, ended_on=dt.date(2025, 1, 31))
    with register.unit_of_work(DPO) as uow:
        uow.execute(
            update(person)
            .where(person.c.id == c.person_id)
            .values(preferred_contact_time="evenings")
        )
        p = package.build(uow, c.person_id, lang="en")
    row = next(s for s in p.sections if s.key == "person").rows[0]
    assert row["preferred_contact_time"] == "evenings"
    assert "preferred contact time" in access.to_html(p)
    contact = next(c for c in p.information["categories"] if c["category"] == "contact")
    assert "preferred contact time" in contact["what"]
    with register.unit_of_work(DPO) as uow:
        answer = erasure.erase_person(
            uow, c.person_id, Provenance.of("customer_contact", uow.now()), reason="asked"
        )
        left = uow.execute(
            text("SELECT preferred_contact_time FROM person WHERE id = :id"), {"id": c.person_id}
        ).scalar()
    assert left is None
    assert "person.preferred_contact_time" in {e["attribute"] for e in answer.erased}
