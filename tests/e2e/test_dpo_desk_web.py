"""The DPO's desk in the web, end to end over a real database (issue 17 item 1): a web-form
request is opened, verified and linked to the person found by customer number, fulfilled, its
answer package downloaded (in memory, audited) and still found among the done ones; an
extension, a rejection and a rectification's corrections; refusals in the page's language;
the desk is the DPO's alone and its forms need the session's CSRF token."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import attribute_change, person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Category, LawfulBasis, Purpose, Role, Source
from rekisteri.config import file_store_path
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ReceivedHow
from rekisteri.domain.transfers import DisclosureKind
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts, disclosures
from rekisteri.services.access.sessions import COOKIE, csrf_for
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_change_audit import last_seq
from tests.support.registered import HETUS, add_person
from tests.support.second_factor import code_for

PASSWORD = "a long enough password"
DESK = "/console/dpo"


def _session(register: RegisterApp, name: str, role: Role) -> TestClient:
    """A browser-like client logged in as `name` with a session cookie."""
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, name, role, password=PASSWORD)
    client = TestClient(create_app(register), base_url="https://testserver")
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    done = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    if done.headers["location"].startswith("/login/code"):  # the DPO's second factor
        step = client.get(done.headers["location"])
        token = re.search(r'name="csrf_token" value="([^"]+)"', step.text)
        assert token
        coded = client.post(
            "/login/code",
            data={"code": code_for(register, name), "csrf_token": token[1], "next": "/console"},
            follow_redirects=False,
        )
        assert coded.status_code == 303, coded.text
    return client


@pytest.fixture
def dpo(register: RegisterApp) -> TestClient:
    return _session(register, "olli.dpo", Role.DPO)


def _post(client: TestClient, path: str, **data: str) -> object:
    token = csrf_for(client.cookies[COOKIE])
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _web_form(register: RegisterApp, kind: str = "access", **details: str) -> str:
    given = {"name": "Maija Virtanen", "contact": "maija.v@example.fi", "language": "fi"}
    with register.unit_of_work(Actor("system:web")) as uow:
        done = requests.new_request(
            uow,
            None,
            kind,
            ReceivedHow.WEB_FORM,
            Provenance(Source.CUSTOMER_CONTACT, uow.now(), "self-service request form"),
            details=given | details,
        )
    return done.reference


def _customer_number(register: RegisterApp, person_id: int) -> str:
    with register.engine.connect() as conn:
        found = conn.execute(select(person.c.customer_number).where(person.c.id == person_id))
        return str(found.scalar_one())


def _state(register: RegisterApp, reference: str) -> str:
    with register.engine.connect() as conn:
        found = conn.execute(
            select(rights_request.c.state).where(rights_request.c.reference == reference)
        )
        return str(found.scalar_one())


def _files(*directories: Path) -> set[Path]:
    return {f for d in directories if d.exists() for f in d.rglob("*") if d != Path.cwd()} | {
        f for d in directories if d == Path.cwd() for f in d.iterdir()
    }


def _refusal(page: str) -> str:
    found = re.search(r'id="refusal">([^<]*)<', page)
    assert found, page
    return found[1]


def test_a_web_form_request_is_verified_fulfilled_downloaded_and_stays_findable(
    register: RegisterApp, dpo: TestClient, tmp_path: Path
) -> None:
    pid = add_person(register)
    number = _customer_number(register, pid)
    ref = _web_form(register)
    desk = dpo.get(DESK)
    assert desk.status_code == 200
    assert f'href="/console/dpo/requests/{ref}?lang=fi"' in desk.text  # the reference links
    page = dpo.get(f"{DESK}/requests/{ref}")
    assert page.status_code == 200
    assert "maija.v@example.fi" in page.text and "Maija Virtanen" in page.text
    assert "verkkolomake" in page.text.casefold()  # how it came, in words
    # The lookup by identity code finds the person; the DPO then links them.
    found = dpo.get(f"{DESK}/requests/{ref}", params={"find": HETUS[0]})
    assert f"asiakas {number}" in found.text
    done = _post(
        dpo, f"{DESK}/requests/{ref}/verify", how="identity_document",
        evidence="passport seen", person=number,
    )  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    page = dpo.get(f"{DESK}/requests/{ref}")
    assert f"Maija0 Virtanen</a>, asiakas {number}" in page.text
    assert not re.search(r"henkilö \d", page.text) and f"persons/{pid}?" not in page.text
    assert "Henkilöllisyys varmistettu" in page.text
    assert _post(dpo, f"{DESK}/requests/{ref}/fulfil").status_code == 303  # type: ignore[attr-defined]
    store = file_store_path(register.settings)
    files = _files(tmp_path, Path.cwd(), store)
    before = last_seq(register)
    got = _post(dpo, f"{DESK}/requests/{ref}/package")
    assert got.status_code == 200  # type: ignore[attr-defined]
    assert got.headers["content-type"] == "application/zip"  # type: ignore[attr-defined]
    assert "no-store" in got.headers["cache-control"]  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(got.content)) as zf:  # type: ignore[attr-defined]
        names = zf.namelist()
        report = json.loads(zf.read(next(n for n in names if n.endswith(".json"))))
        assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".html") for n in names)
        # The envelope the answer is posted in, as the CLI's fulfil writes it.
        envelope = zf.read(f"envelope-{ref}.txt").decode()
    assert "Maija0" in envelope
    assert report["customer_number"] == number
    assert _files(tmp_path, Path.cwd(), store) == files  # nothing written to the disk
    with register.engine.connect() as conn:
        entries = conn.execute(
            select(audit_entry.c.action, audit_entry.c.person_ids, audit_entry.c.actor).where(
                audit_entry.c.seq > before
            )
        ).all()
    assert {("read", str(pid)), ("change", str(pid))} <= {(a, p) for a, p, _ in entries}
    assert {actor for _, _, actor in entries} == {"olli.dpo"}
    page = dpo.get(f"{DESK}/requests/{ref}")
    assert 'data-event="downloaded"' in page.text
    # Fulfilled and then closed: findable as done, by reference and by the person's name.
    assert _post(dpo, f"{DESK}/requests/{ref}/close").status_code == 303  # type: ignore[attr-defined]
    assert ref not in dpo.get(DESK).text
    for q in (ref, "maija0", ref.lower()):
        listed = dpo.get(DESK, params={"show": "done", "q": q})
        assert f'data-reference="{ref}"' in listed.text, q
    assert ref not in dpo.get(DESK, params={"show": "done", "q": "Nobody"}).text
    assert ref not in dpo.get(DESK, params={"show": "done", "kind": "erasure"}).text
    # Closed, it still gives its answer.
    again = _post(dpo, f"{DESK}/requests/{ref}/package")
    assert again.status_code == 200  # type: ignore[attr-defined]


def test_an_extension_and_a_rejection_with_their_reasons(
    register: RegisterApp, dpo: TestClient
) -> None:
    add_person(register)
    ref = _web_form(register)
    with register.reading(Actor("test")) as uow:
        row = requests.load(uow, ref)
    later = row.due_on + dt.timedelta(days=30)
    extended = _post(
        dpo, f"{DESK}/requests/{ref}/extend", extend_to=later.isoformat(),
        reason="paljon aineistoa", notice_on=row.received_on.isoformat(),
    )  # fmt: skip
    assert extended.status_code == 303  # type: ignore[attr-defined]
    page = dpo.get(f"{DESK}/requests/{ref}?lang=sv")
    assert "paljon aineistoa" in page.text and later.strftime("%-d.%-m.%Y") in page.text
    assert "Tidsfristen förlängd" in page.text  # the history in words
    # A second extension is refused in the page's language, with the way back.
    twice = _post(
        dpo, f"{DESK}/requests/{ref}/extend?lang=sv", extend_to=later.isoformat(),
        reason="again", notice_on=row.received_on.isoformat(),
    )  # fmt: skip
    assert twice.status_code == 422  # type: ignore[attr-defined]
    assert "redan förlängts" in _refusal(twice.text)  # type: ignore[attr-defined]
    assert "/console/dpo?lang=sv" in twice.text  # type: ignore[attr-defined]
    # Its language switch leads to the request's page, not to the form's address.
    assert f'href="/console/dpo/requests/{ref}?lang=fi"' in twice.text  # type: ignore[attr-defined]
    assert "/extend?lang=fi" not in twice.text  # type: ignore[attr-defined]
    # Bad input names the field, in words.
    bad = _post(
        dpo, f"{DESK}/requests/{_web_form(register)}/extend", extend_to="huomenna",
        reason="x", notice_on="2026-01-01",
    )  # fmt: skip
    assert bad.status_code == 422 and "uusi eräpäivä" in _refusal(bad.text)  # type: ignore[attr-defined]
    rejected = _post(dpo, f"{DESK}/requests/{ref}/reject", reason="ei tunnistettavissa")
    assert rejected.status_code == 303 and _state(register, ref) == "rejected"  # type: ignore[attr-defined]
    page = dpo.get(f"{DESK}/requests/{ref}")
    assert 'id="rejection">ei tunnistettavissa' in page.text
    assert f'data-reference="{ref}"' in dpo.get(DESK, params={"show": "done"}).text
    refused = _post(dpo, f"{DESK}/requests/{ref}/package")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "ei ole toteutettu" in _refusal(refused.text)  # type: ignore[attr-defined]


def test_a_rectification_gets_its_corrections_and_fulfilling_applies_them(
    register: RegisterApp, dpo: TestClient
) -> None:
    pid = add_person(register)
    number = _customer_number(register, pid)
    ref = _web_form(register, "rectification", correction="sukunimi on Virtanen-Koski")
    early = _post(dpo, f"{DESK}/requests/{ref}/changes", field="last_name", value="X")
    assert early.status_code == 422  # type: ignore[attr-defined]
    assert "Tarkista ensin" in _refusal(early.text)  # type: ignore[attr-defined]
    _post(dpo, f"{DESK}/requests/{ref}/verify", how="signature_matched", person=number)
    saved = _post(dpo, f"{DESK}/requests/{ref}/changes", field="last_name", value="Virtanen-Koski")
    assert saved.status_code == 303  # type: ignore[attr-defined]
    assert "Virtanen-Koski" in dpo.get(f"{DESK}/requests/{ref}").text
    _disclosed(register, pid, "Konserni Oy")
    _disclosed(register, pid, "Perintä Oy")
    assert _post(dpo, f"{DESK}/requests/{ref}/fulfil").status_code == 303  # type: ignore[attr-defined]
    with register.engine.connect() as conn:
        row = conn.execute(select(person).where(person.c.id == pid)).one()
    assert row.last_name == "Virtanen-Koski"
    with register.engine.connect() as conn:
        change = conn.execute(
            select(attribute_change).where(attribute_change.c.person_id == pid)
        ).one()
    assert (change.attribute, change.source_detail) == ("person.last_name", f"request {ref}")
    # Art. 19: the recipients of the person's data are to be told; one told, one impossible.
    page = dpo.get(f"{DESK}/requests/{ref}").text
    notices = dict(re.findall(r'data-notice="(\d+)"><strong>([^<]+)</strong>', page))
    assert sorted(notices.values()) == ["Konserni Oy", "Perintä Oy"]
    assert page.count("ei vielä ilmoitettu") == 2
    ids = {name: n for n, name in notices.items()}
    told = _post(dpo, f"{DESK}/requests/{ref}/notices/{ids['Konserni Oy']}", how="sähköposti")
    assert told.status_code == 303  # type: ignore[attr-defined]
    gone = _post(
        dpo, f"{DESK}/requests/{ref}/notices/{ids['Perintä Oy']}",
        impossible_reason="yhtiö on lopettanut toimintansa",
    )  # fmt: skip
    assert gone.status_code == 303  # type: ignore[attr-defined]
    page = dpo.get(f"{DESK}/requests/{ref}").text
    assert "ilmoitettu 3.3.2026 (sähköposti)" in page
    assert "mahdoton: yhtiö on lopettanut toimintansa" in page
    again = _post(dpo, f"{DESK}/requests/{ref}/notices/{ids['Konserni Oy']}", how="kirje")
    assert "on jo kirjattu" in _refusal(again.text)  # type: ignore[attr-defined]


def _disclosed(register: RegisterApp, pid: int, name: str) -> None:
    """The person's contact data given to a recipient (so a rectification owes it a notice)."""
    with register.unit_of_work(Actor("test")) as uow:
        disclosures.add_recipient(uow, name, "subsidiary", "FI", [Purpose.DIRECT_MARKETING])
        disclosures.disclose(
            uow, disclosures.find_recipient(uow, name), kind=DisclosureKind.GROUP_MARKETING,
            purpose=Purpose.DIRECT_MARKETING, basis=LawfulBasis.LEGITIMATE_INTEREST,
            categories=[Category.CONTACT], person_ids=[pid], reason="test",
        )  # fmt: skip


def test_an_unknown_person_or_request_is_said_in_words(
    register: RegisterApp, dpo: TestClient
) -> None:
    ref = _web_form(register)
    nobody = _post(dpo, f"{DESK}/requests/{ref}/verify", how="identity_document", person="999999")
    assert nobody.status_code == 422  # type: ignore[attr-defined]
    assert "Rekisterissä ei ole" in _refusal(nobody.text)  # type: ignore[attr-defined]
    assert _state(register, ref) == "received"
    missing = dpo.get(f"{DESK}/requests/R2026-99999?lang=sv")
    assert missing.status_code == 404 and "Det finns ingen begäran" in missing.text


def test_the_desk_is_the_dpos_alone_and_its_forms_need_the_csrf_token(
    register: RegisterApp, dpo: TestClient
) -> None:
    ref = _web_form(register)
    forged = dpo.post(
        f"{DESK}/requests/{ref}/reject", data={"reason": "x", "csrf_token": "forged"},
        follow_redirects=False,
    )  # fmt: skip
    assert forged.status_code == 403 and _state(register, ref) == "received"
    staff = _session(register, "maija.cs", Role.CUSTOMER_SERVICE)
    html = {"Accept": "text/html"}
    assert staff.get(f"{DESK}/requests/{ref}", headers=html).status_code == 403
    # Billing works for the legal obligation too and reads identity data: still not its desk.
    billing = _session(register, "liisa.bi", Role.BILLING)
    refused_page = billing.get(f"{DESK}/requests/{ref}", headers=html)
    assert refused_page.status_code == 403 and "Maija Virtanen" not in refused_page.text
    refused = _post(staff, f"{DESK}/requests/{ref}/reject", reason="x")
    assert refused.status_code == 403 and _state(register, ref) == "received"  # type: ignore[attr-defined]


def test_an_erasure_answers_with_its_letter_after_the_person_is_gone(
    register: RegisterApp, dpo: TestClient
) -> None:
    pid = add_person(register)
    number = _customer_number(register, pid)
    ref = _web_form(register, "erasure")
    _post(dpo, f"{DESK}/requests/{ref}/verify", how="identity_document", person=number)
    assert _post(dpo, f"{DESK}/requests/{ref}/fulfil").status_code == 303  # type: ignore[attr-defined]
    got = _post(dpo, f"{DESK}/requests/{ref}/package")
    assert got.status_code == 200  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(got.content)) as zf:  # type: ignore[attr-defined]
        assert zf.namelist() == [f"erasure-{ref}.txt"]
        letter = zf.read(f"erasure-{ref}.txt").decode()
    assert ref in letter and "Maija0" not in letter
