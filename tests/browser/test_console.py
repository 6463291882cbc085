"""The staff console and the self-service pages in a real browser (Chromium via Playwright).

Staff: login -> search -> the person's page with the consumption chart -> change a consent ->
start an access request -> the DPO desk shows it with its due date. A customer: the preference
centre from a signed link, in Swedish. A visitor: the request form and its receipt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import Role, Source
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.domain.requests import deadlines
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.web import formats
from rekisteri.services.access import accounts
from rekisteri.services.marketing import preferences
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support import consumption as c
from tests.support.clock import FakeClock
from tests.support.live_server import serve
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PASSWORD = "a long enough password"


@pytest.fixture
def plain_http(register: RegisterApp) -> Iterator[str]:
    """The app over plain http on 127.0.0.1, so the session cookie is not marked Secure."""
    settings = register.settings.model_copy(update={"session_cookie_secure": False})
    app_register = dataclasses.replace(register, settings=settings)
    with serve(create_app(app_register)) as url:
        yield url


def _customer_with_readings(register: RegisterApp, tmp_path: Path) -> str:
    """Aino moved from one site to another on 1.2.2026; readings cover January and February."""
    first, second = c.new_gsrn(), c.new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        draft = PersonDraft(
            PersonKind.NATURAL,
            first_names="Aino",
            last_name="Muuttaja",
            personal_identity_code="131052-308T",
            contact_points=(ContactPointDraft(ContactKind.EMAIL, "aino@example.fi"),),
        )
        done = customers.register_person(uow, draft, Provenance.of(Source.ORDER, uow.now()))
        c.new_contract(uow, done.person_id, c.new_site(uow, first), dt.date(2025, 6, 1),
                       dt.date(2026, 1, 31))  # fmt: skip
        c.new_contract(uow, done.person_id, c.new_site(uow, second), dt.date(2026, 2, 1))
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
    start, hours = c.utc(2025, 12, 31, 22), 24 * 59
    path = c.write(
        tmp_path / "readings.csv",
        c.readings(first, start, hours, 3600, wh=lambda i: 400 + i % 7 * 50),
        c.readings(second, start, hours, 3600, wh=lambda i: 900 + i % 5 * 100),
    )
    c.run_import(register, path)
    return done.customer_number


def _log_in(
    page: Page, url: str, username: str, target: str, register: RegisterApp | None = None
) -> None:
    """The login form; with `register`, the second factor's code too (the DPO's)."""
    page.goto(f"{url}{target}")
    expect(page).to_have_url(f"{url}/login?next={target}")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill(username)
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    if register is not None:
        give_code(page, register, username)
    expect(page).to_have_url(f"{url}{target}")


@pytest.mark.postgres_smoke
def test_staff_search_person_chart_consent_request_and_the_dpo_desk(
    page: Page, plain_http: str, register: RegisterApp, clock: FakeClock, tmp_path: Path, shot: Shot
) -> None:
    number = _customer_with_readings(register, tmp_path)
    _log_in(page, plain_http, "maija.cs", "/console")

    # Search by name; the result leads to the person's page.
    page.get_by_label("Name, customer number, identity code", exact=False).fill("Muuttaja")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 found by name")
    shot(page, "search")
    expect(page.get_by_role("cell", name=number)).to_be_visible()
    page.get_by_role("link", name="Muuttaja, Aino").click()

    # The person's page: who they are, their contact point with its source, the chart.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aino Muuttaja")
    expect(page.locator("#identity")).to_contain_text("131052-****")  # masked for the role
    expect(page.get_by_role("cell", name="aino@example.fi")).to_be_visible()
    chart = page.get_by_role("img", name="Electricity consumption, kWh")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).to_have_count(2)  # January and February
    expect(chart.locator("text.move-label")).to_contain_text(["moved out 31.1.2026"])
    expect(chart.locator("text.move-label").last).to_contain_text("moved in 1.2.2026")
    page.get_by_role("link", name="By day").click()
    daily = page.get_by_role("img", name="Electricity consumption, kWh").locator("rect.bar")
    expect(daily.first).to_be_visible()
    assert daily.count() > 50  # the last 60 days, one bar a day
    shot(page, "person")

    # A consent the person gives on the phone: recorded in the ledger, shown at once.
    row = page.locator('td[data-setting="own_marketing:sms"]')
    expect(row).to_contain_text("not asked")
    page.get_by_text("Record what the person said on the phone").click()  # the folded form
    page.get_by_label("Setting", exact=True).select_option("own_marketing:sms")
    page.get_by_label("allows it").check()
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_role("status")).to_have_text("The consent setting was recorded.")
    expect(row).to_contain_text("allowed")
    page.locator("summary", has_text="History").click()
    # How it was captured, in words (not the code phone_call).
    expect(page.locator("#consent-history-list")).to_contain_text("phone call")
    expect(page.locator("#consent-history-list")).to_contain_text("maija.cs")

    # An access request the person makes at the service desk.
    page.get_by_text("Start a data subject request").click()
    page.get_by_label("Kind", exact=True).select_option("access")
    page.get_by_label("Received", exact=True).select_option("in_person")
    page.get_by_role("button", name="Start the request").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded: request R2026-")
    due = deadlines(clock().date()).due
    requests_table = page.locator("#requests table")
    expect(requests_table).to_contain_text("Access to the data")
    expect(requests_table).to_contain_text(formats.format_date(due, "en"))
    shot(page, "after-changes")

    # The DPO sees it on the desk with its due date.
    page.get_by_role("button", name="Log out").click()
    _log_in(page, plain_http, "olli.dpo", "/console/dpo", register)
    listed = page.locator("#requests tbody tr").first
    expect(listed).to_contain_text("Access to the data")
    expect(listed).to_contain_text(formats.format_date(due, "en"))
    expect(listed).to_contain_text("30 days left")
    page.get_by_label("Customer number").fill(number)
    page.get_by_role("button", name="Show the audit trail").click()
    expect(page.locator("#trail-title + form + .table-scroll table")).to_contain_text("maija.cs")
    shot(page, "dpo-desk")


def test_a_customer_changes_a_setting_in_swedish_from_the_signed_link(
    page: Page, plain_http: str, register: RegisterApp, shot: Shot
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        draft = PersonDraft(
            PersonKind.NATURAL,
            first_names="Sven",
            last_name="Lindqvist",
            personal_identity_code="010190-123M",
            mother_tongue="sv",
            contact_points=(ContactPointDraft(ContactKind.POSTAL, street="Strandvägen 1",
                                              postal_code="10600", post_office="Ekenäs"),),
        )  # fmt: skip
        person_id = customers.register_person(
            uow, draft, Provenance.of(Source.ORDER, uow.now())
        ).person_id
        link = preferences.settings_link(uow, person_id)
    path = link[link.index("/preferences/") :]
    page.goto(f"{plain_http}{path}")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inställningar för direktmarknadsföring"
    )
    magazine = page.get_by_role("checkbox", name="Kundtidning: brev")
    expect(magazine).not_to_be_checked()
    magazine.check()
    shot(page, "before")
    page.get_by_role("button", name="Spara inställningarna").click()
    expect(page.get_by_role("status")).to_have_text("Dina inställningar har sparats.")
    expect(page.get_by_role("checkbox", name="Kundtidning: brev")).to_be_checked()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    shot(page, "saved")
    # A fresh visit shows the same: it was stored, not only echoed.
    page.goto(f"{plain_http}{path}")
    expect(page.get_by_role("checkbox", name="Kundtidning: brev")).to_be_checked()


def test_a_visitor_starts_a_request_in_swedish_and_gets_a_receipt(
    page: Page, plain_http: str, clock: FakeClock, shot: Shot
) -> None:
    page.goto(f"{plain_http}/request?lang=sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Begäran om dina uppgifter")
    page.get_by_label("Se vilka uppgifter ni har om mig").check()
    page.get_by_label("Ditt namn").fill("Anna Berg")
    page.get_by_label("E-postadress eller telefonnummer för vårt svar").fill("anna@example.fi")
    # The honeypot is out of people's and screen readers' way.
    expect(page.get_by_role("textbox", name="Lämna det här fältet tomt")).to_have_count(0)
    expect(page.locator("#website")).not_to_be_in_viewport()
    shot(page, "form")
    # Sent sooner than a person could have filled it in: back, kindly, with what was written.
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("alert")).to_contain_text("Du skickade formuläret mycket snabbt")
    expect(page.get_by_label("Ditt namn")).to_have_value("Anna Berg")
    clock.advance(seconds=30)
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din begäran har tagits emot")
    expect(page.get_by_role("status")).to_contain_text("R2026-")
    due = deadlines(clock().date()).due
    expect(page.locator("main")).to_contain_text(formats.format_date(due, "sv", "long"))
    assert page.context.cookies() == []
    shot(page, "receipt")
