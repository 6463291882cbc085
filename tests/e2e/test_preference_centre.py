"""The preference centre over HTTP, with a real SMTP server on localhost (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage as Message

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select

from rekisteri.adapters.mail import SmtpMailer, marketing_message
from rekisteri.adapters.schema.register import consent_event
from rekisteri.catalogue import Purpose, Role
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.marketing import audience, preferences
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person, consent
from tests.support.clock import FakeClock

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Testikone"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def client(register: RegisterApp, inbox: Inbox) -> TestClient:
    register.settings = register.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,  # type: ignore[attr-defined]
            "public_base_url": "http://testserver",
        }
    )
    return TestClient(
        create_app(register), client=("203.0.113.7", 50123), headers={"User-Agent": BROWSER}
    )


def contactable(reg: RegisterApp, pid: int, channel: Channel = Channel.EMAIL) -> str | None:
    with reg.reading(STAFF) as uow:
        why = audience.explain(
            uow, audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, channel), pid
        )
    assert why is not None
    return why.sql_reason


def link(reg: RegisterApp, pid: int) -> str:
    with reg.reading(STAFF) as uow:
        return preferences.settings_link(uow, pid)


def checked(html: str) -> set[str]:
    return set(re.findall(r'value="([a-z_]+:[a-z]+)"[^>]*checked', html))


@pytest.mark.proves("P5.settings-page")
def test_withdrawing_in_the_preference_centre_removes_the_person_from_the_next_audience(
    register: RegisterApp, client: TestClient
) -> None:
    pid = add_person(register)
    consent(register, pid, "own_marketing", "email", "granted")
    assert contactable(register, pid) is None
    url = link(register, pid)
    page = client.get(url)
    assert page.status_code == 200
    on = checked(page.text)
    assert "own_marketing:email" in on and "own_marketing:letter" in on
    assert "own_marketing:sms" not in on  # nothing defaults to consent
    saved = client.post(url, data={"on": sorted(on - {"own_marketing:email"})})
    assert saved.status_code == 200
    assert "own_marketing:email" not in checked(saved.text)
    assert contactable(register, pid) == "withdrawn"
    with register.reading(STAFF) as uow:
        last = uow.execute(select(consent_event).order_by(consent_event.c.id.desc()).limit(1)).one()
    assert (last.event, last.channel, last.captured_how) == ("withdrawn", "email", "web_form")
    assert last.ip_address == "203.0.113.7" and last.user_agent == BROWSER
    assert last.wording.startswith("Ei, kiellän") and last.wording_version == "2026-1"


def test_an_email_opt_in_on_the_web_waits_for_the_confirmation_link(
    register: RegisterApp, client: TestClient, inbox: Inbox, clock: FakeClock
) -> None:
    pid = add_person(register, tongue="sv")
    url = link(register, pid)
    on = checked(client.get(url).text)
    reply = client.post(url, data={"on": sorted(on | {"own_marketing:email"})})
    assert "bekräftelselänk" in reply.text
    assert contactable(register, pid) == "no_consent"  # not before the confirmation
    (mail,) = inbox.messages
    assert mail["To"].startswith("p") and "Bekräfta" in mail["Subject"]
    body = mail.get_content()
    confirm_url = re.search(r"http://testserver/preferences/confirm/\S+", body)[0]
    assert "<button" in client.get(confirm_url).text  # a page, not yet an action
    assert contactable(register, pid) == "no_consent"
    done = client.post(confirm_url)
    assert done.status_code == 200 and "bekräftad" in done.text
    assert contactable(register, pid) is None
    clock.advance(hours=49)  # the confirmation link expires
    assert client.post(confirm_url).status_code == 403


def test_one_click_unsubscribe_headers_and_post(
    register: RegisterApp, client: TestClient, inbox: Inbox
) -> None:
    pid = add_person(register)
    consent(register, pid, "own_marketing", "email", "granted")
    with register.reading(STAFF) as uow:
        unsubscribe = preferences.unsubscribe_link(uow, pid, "own_marketing", "email")
    message = marketing_message(
        sender="uutiset@example.fi",
        to="p@example.fi",
        subject="Kevään tarjous",
        body="Tarjous",
        unsubscribe_url=unsubscribe,
    )
    SmtpMailer("127.0.0.1", inbox.port, "uutiset@example.fi").send(message)  # type: ignore[attr-defined]
    (received,) = inbox.messages
    assert received["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reply = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert reply.status_code == 200
    assert "Tilaus on peruttu: Tarjoukset ja uutiset meiltä" in reply.text
    assert "etämyynti), kanava: sähköposti" in reply.text
    assert contactable(register, pid) == "withdrawn"


def test_the_unsubscribe_page_says_what_it_unsubscribes_in_the_language_asked(
    register: RegisterApp, client: TestClient
) -> None:
    pid = add_person(register)  # a Finnish speaker
    consent(register, pid, "research", "letter", "granted")
    with register.reading(STAFF) as uow:
        unsubscribe = preferences.unsubscribe_link(uow, pid, "research", "letter")
    fi = client.get(unsubscribe).text
    assert "Peruutat tämän: Markkina- ja mielipidetutkimukset, kanava: kirje" in fi
    sv = client.get(unsubscribe, params={"lang": "sv"}).text
    assert "Du avbeställer detta: Marknads- och opinionsundersökningar, kanal: brev" in sv
    assert 'action="?lang=sv"' in sv  # the button keeps the language
    done = client.post(unsubscribe + "?lang=sv", data={"List-Unsubscribe": "One-Click"})
    assert "Avbeställt: Marknads- och opinionsundersökningar, kanal: brev" in done.text


def test_links_that_are_forged_expired_or_of_another_kind_are_refused(
    register: RegisterApp, client: TestClient, clock: FakeClock
) -> None:
    pid = add_person(register)
    url = link(register, pid)
    other = link(register, add_person(register))
    forged = url.rsplit(".", 1)[0] + "." + other.rsplit(".", 1)[1]
    assert client.get(forged).status_code == 403
    assert client.post(url.replace("/preferences/", "/preferences/unsubscribe/")).status_code == 403
    clock.advance(days=91)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("tongue", "title"),
    [
        ("fi", "Suoramarkkinointiasetukset"),
        ("sv", "Inställningar för direktmarknadsföring"),
        ("en", "Direct-marketing settings"),
        # Neither national language: English, as in the access report and the audiences.
        ("other", "Direct-marketing settings"),
        (None, "Direct-marketing settings"),
    ],
)
def test_the_page_speaks_the_persons_language(register, client, tongue, title) -> None:
    url = link(register, add_person(register, tongue=tongue))
    # The words as read: without the soft hyphen a long compound may carry.
    assert f"<h1>{title}</h1>" in client.get(url).text.replace("\u00ad", "")
    assert "<h1>Direct-marketing settings</h1>" in client.get(url + "?lang=en").text


def test_customer_service_sees_the_settings_and_history_and_records_a_call(
    register: RegisterApp, client: TestClient
) -> None:
    pid = add_person(register)
    consent(register, pid, "own_marketing", "email", "granted")
    with register.unit_of_work(STAFF) as uow:
        accounts.add_user(uow, "asiakaspalvelu", Role.CUSTOMER_SERVICE)
        accounts.add_user(uow, "laskutus", Role.BILLING)
        cs = accounts.issue_token(uow, "asiakaspalvelu", "t", [Purpose.CUSTOMER_RELATIONSHIP])
        bi = accounts.issue_token(uow, "laskutus", "t", [Purpose.CUSTOMER_RELATIONSHIP])
    auth = {"Authorization": f"Bearer {cs}"}
    seen = client.get(f"/api/v1/persons/{pid}/marketing", headers=auth).json()
    own_email = next(
        s for s in seen["settings"] if (s["purpose"], s["channel"]) == ("own_marketing", "email")
    )
    assert own_email["state"] == "granted" and own_email["allowed"]
    assert [h["event"] for h in seen["history"]] == ["granted"]
    denied = client.get(
        f"/api/v1/persons/{pid}/marketing", headers={"Authorization": f"Bearer {bi}"}
    )
    assert denied.status_code == 403
    made = client.post(
        f"/api/v1/persons/{pid}/marketing",
        headers=auth,
        json={"purpose": "own_marketing", "channel": "phone", "event": "prohibited"},
    )
    assert made.status_code == 201
    assert contactable(register, pid, Channel.PHONE) == "objection"
    before = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).isoformat()
    past = client.get(f"/api/v1/persons/{pid}/marketing", headers=auth, params={"as_of": before})
    assert all(s["state"] == "none" for s in past.json()["settings"])


def test_an_email_opt_in_when_the_mail_server_does_not_answer_keeps_the_form_and_queues_the_mail(
    register: RegisterApp, clock: FakeClock
) -> None:
    """No bare 500: the other switches are saved, the page says the link will follow, and the
    outbox's job sends it once the mail server answers."""
    from rekisteri.adapters.schema.mail import mail_outbox
    from rekisteri.services import outbox
    from tests.support.live_server import free_port
    from tests.support.smtp import smtp_server

    dead = free_port()  # nothing listens there
    register.settings = register.settings.model_copy(
        update={"smtp_port": dead, "public_base_url": "http://testserver"}
    )
    client = TestClient(create_app(register), client=("203.0.113.7", 50123))
    pid = add_person(register, tongue="fi")
    url = link(register, pid)
    on = checked(client.get(url).text)
    reply = client.post(url, data={"on": sorted(on | {"own_marketing:email", "research:letter"})})
    assert reply.status_code == 200
    assert "viivästyy" in reply.text and "tallennettu" in reply.text
    assert "research:letter" in checked(client.get(url).text)  # the rest of the form is kept
    with register.engine.connect() as conn:
        (row,) = conn.execute(select(mail_outbox)).all()
    assert row.attempts == 1 and row.sent_at is None and row.last_error
    with smtp_server() as inbox:
        register.settings = register.settings.model_copy(update={"smtp_port": inbox.port})
        mailer = outbox.smtp_mailer(register.settings)
        assert outbox.deliver(register, STAFF, mailer).sent == []  # not due yet: a minute on
        clock.advance(seconds=61)
        assert outbox.deliver(register, STAFF, mailer).sent == [row.id]
    (mail,) = inbox.messages
    confirm_url = re.search(r"http://testserver/preferences/confirm/\S+", mail.get_content())
    assert confirm_url is not None
    assert client.post(confirm_url[0]).status_code == 200
    assert contactable(register, pid) is None


@pytest.mark.parametrize(
    ("lang", "unless", "not_asked"),
    [("fi", "sallittu, ellei kielletä", "ei sallittu: ei kysytty"),
     ("sv", "tillåtet om det inte förbjudits", "inte tillåtet: inte frågat")],
)  # fmt: skip
def test_staff_see_the_consent_state_the_customer_sees(
    register: RegisterApp, client: TestClient, lang: str, unless: str, not_asked: str
) -> None:
    """Nothing recorded: a letter is allowed unless prohibited (the customer's switch is on), an
    e-mail needs a consent (off); the staff page says so instead of "not asked" for both."""
    pid = add_person(register)
    with register.unit_of_work(STAFF) as uow:
        accounts.add_user(uow, "asiakaspalvelu", Role.CUSTOMER_SERVICE)
        cs = accounts.issue_token(uow, "asiakaspalvelu", "t", [Purpose.CUSTOMER_RELATIONSHIP])
    on = checked(client.get(link(register, pid)).text)
    assert "own_marketing:letter" in on and "own_marketing:email" not in on
    page = client.get(
        f"/console/persons/{pid}", params={"lang": lang}, headers={"Authorization": f"Bearer {cs}"}
    )
    assert page.status_code == 200, page.text
    # The settings' table: a row per purpose, a cell per channel with its state.
    state = dict(
        re.findall(
            r'data-setting="([a-z_]+:[a-z]+)"[^>]*><span class="state">(.*?)</span>', page.text
        )
    )
    assert state["own_marketing:letter"] == unless
    assert state["own_marketing:email"] == not_asked
