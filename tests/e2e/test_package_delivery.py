"""The access package delivered to the person, end to end (issue 18 item 5): a request made,
verified and fulfilled with the CLI; the notice e-mail sent by the mail job to a real SMTP
server; the link opened, the one-time code asked and given on the public pages; the one
download audited in the person's name, a second refused; an unused package deleted from disk by
the expiry job. The DPO's other ways: a letter when no e-mail was on file, a hand-over."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.file_store import FileStore
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import package_delivery
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.drafts import ContactPointDraft
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli import common
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person
from tests.support.cli_login import with_login
from tests.support.clock import FakeClock
from tests.support.people import EMAIL, make_customer
from tests.support.smtp import Inbox, smtp_server
from tests.support.staff import tokens_per_role

LINK = re.compile(r"http://testserver(/package/[A-Za-z0-9_-]+)")
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def wired(
    register: RegisterApp,
    settings: Settings,
    clock: FakeClock,
    inbox: Inbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> RegisterApp:
    """The CLI (in process) and the web app on one register, one clock, one file store and the
    test's SMTP server."""
    clock.set(dt.datetime.now(dt.UTC).replace(microsecond=0))
    store = tmp_path / "files"
    wanted = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
        "REKISTERI_FILE_STORE_DIR": str(store),
        "REKISTERI_SMTP_HOST": "127.0.0.1",
        "REKISTERI_SMTP_PORT": str(inbox.port),
        "REKISTERI_PUBLIC_BASE_URL": "http://testserver",
    }
    for key, value in wanted.items():
        monkeypatch.setenv(key, value)
    real = common.open_register

    def on_the_tests_clock(s: Settings) -> RegisterApp:
        reg = real(s)
        reg.clock = clock
        return reg

    monkeypatch.setattr(common, "open_register", on_the_tests_clock)
    register.settings = register.settings.model_copy(
        update={
            "file_store_dir": store,
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "public_base_url": "http://testserver",
        }
    )
    return register


def _cli(*args: str) -> str:
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.output
    return out.output


def _fulfilled(customer_number: str, out: Path, *, further_copy: bool = False) -> str:
    made = _cli(
        "request", "new", customer_number, "--kind", "access", "--received-how", "in_person"
    )
    reference = made.split(":")[0]
    if further_copy:  # a second access request within the year: the DPO decides on a fee
        _cli("request", "charge", reference, "--decision", "waived", "--reason", "test")
    _cli("request", "verify", reference, "--how", "identity_document")
    _cli("request", "fulfil", reference, "--out", str(out), "--no-pdf")
    return reference


def _delivery(reg: RegisterApp, reference: str) -> dict[str, object]:
    from rekisteri.adapters.schema.rights import rights_request

    with reg.engine.connect() as conn:
        row = conn.execute(
            select(package_delivery)
            .join(rights_request, rights_request.c.id == package_delivery.c.request_id)
            .where(rights_request.c.reference == reference)
        ).one()
    return dict(row._mapping)


def _on_disk(reg: RegisterApp, ref: str) -> Path:
    store = FileStore(reg.settings.file_store_dir or Path(), reg.cipher)
    return store._path(ref[len("store:") :])


@pytest.mark.timeout(900)
@pytest.mark.proves("P14.kept.package-files")
def test_request_to_download_once_and_expiry_deletes_the_file(
    wired: RegisterApp,
    clock: FakeClock,
    inbox: Inbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg = wired
    c = make_customer(reg)  # the e-mail is on file before the request
    clock.advance(minutes=5)
    monkeypatch.setenv("REKISTERI_TOKEN", with_login({})["REKISTERI_TOKEN"])
    reference = _fulfilled(c.customer_number, tmp_path / "answer")
    held = _delivery(reg, reference)
    assert held["notice"] == "email" and held["letter_ct"] is None
    sealed = _on_disk(reg, str(held["file_ref"]))
    # Sealed, not a bare ZIP: no ZIP local-file header anywhere in its start (the two bytes
    # "PK" alone turn up in random ciphertext about once in a thousand runs).
    assert sealed.exists() and b"PK\x03\x04" not in sealed.read_bytes()[:64]
    assert not list((tmp_path / "answer").glob("package-notice-*"))  # no letter: an e-mail

    # The mail job sends the notice: in Finnish, with the link and its expiry.
    _cli("mail", "send")
    (notice,) = inbox.messages
    assert notice["To"] == EMAIL and notice["Subject"] == "Tietopakettisi on ladattavissa"
    body = notice.get_content()
    assert reference in body and "kertakäyttöisen koodin" in body
    until = (clock() + dt.timedelta(days=14)).astimezone(ZoneInfo("Europe/Helsinki"))
    assert f"{until.day}.{until.month}.{until.year} klo {until:%H.%M}" in body  # Helsinki time
    link = LINK.search(body)
    assert link is not None
    path = link[1]
    assert str(held["token_hash"]) not in body  # the mail has the token, the register its hash

    web = TestClient(create_app(reg))
    page = web.get(path)
    assert page.status_code == 200 and "Lähetä koodi" in page.text
    assert "m***@example.fi" in page.text and EMAIL not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert len(inbox.messages) == 1, "opening the link sends nothing (mail scanners open links)"

    asked = web.post(f"{path}/code", data={"lang": "fi"})
    assert asked.status_code == 200 and "Lähetimme koodin" in asked.text
    code_mail = inbox.messages[-1]
    assert code_mail["To"] == EMAIL and code_mail["Subject"] == "Tietopaketin latauskoodi"
    found = CODE.search(code_mail.get_content())
    assert found is not None
    code = found[1]

    wrong = "000000" if code != "000000" else "111111"
    refused = web.post(f"{path}/download", data={"code": wrong, "lang": "fi"})
    assert refused.status_code == 422 and "Yrityksiä jäljellä: 4" in refused.text
    got = web.post(f"{path}/download", data={"code": code, "lang": "fi"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(got.content)).namelist()
    report = next(n for n in names if n.endswith(".json"))
    package = json.loads(zipfile.ZipFile(io.BytesIO(got.content)).read(report))
    assert package["customer_number"] == c.customer_number
    assert not sealed.exists(), "the package is destroyed once given"

    # Audited: the person, through the link, on their own data, now.
    with reg.engine.connect() as conn:
        entry = conn.execute(
            select(audit_entry)
            .where(
                audit_entry.c.what.like("%access package downloaded%"),
                audit_entry.c.action == "read",
            )
            .order_by(audit_entry.c.seq.desc())
        ).first()
    assert entry is not None
    assert entry.actor == "person (download link)" and entry.subject_self == c.person_id
    assert entry.person_ids == str(c.person_id) and entry.at == clock()
    assert "rights_request" in entry.categories.split()

    again = web.post(f"{path}/download", data={"code": code, "lang": "fi"})
    assert again.status_code == 410 and "on jo ladattu" in again.text
    assert web.get(path).status_code == 410
    shown = json.loads(_cli("request", "show", reference, "--json"))
    events = [e["event"] for e in shown["events"]]
    assert "link_sent" in events and "downloaded" in events

    # A second request's package is never downloaded: the expiry job deletes it from disk.
    second = _fulfilled(c.customer_number, tmp_path / "second", further_copy=True)
    unused = _on_disk(reg, str(_delivery(reg, second)["file_ref"]))
    assert unused.exists()
    clock.advance(days=13, hours=23)
    assert "0 expired" in _cli("request", "expire-packages")
    assert unused.exists()
    clock.advance(hours=2)  # past the default 14 days
    expired = _cli("request", "expire-packages")
    assert "1 expired" in expired and second in expired
    assert not unused.exists(), "the expired package is gone from the disk"
    row = _delivery(reg, second)
    assert row["file_ref"] is None and row["file_deleted_at"] == clock()
    _cli("mail", "send")
    second_link = LINK.search(inbox.messages[-1].get_content())
    assert second_link is not None
    gone = web.get(second_link[1])
    assert gone.status_code == 410 and "vanheni" in gone.text


def test_no_email_before_the_request_a_letter_and_the_dpo_hands_it_over(
    wired: RegisterApp,
    clock: FakeClock,
    inbox: Inbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg = wired
    pid = add_person(reg, email=False, tongue="sv", first="Greta", last="Lund")
    with reg.reading(STAFF) as uow:
        number = str(
            uow.execute(select(person.c.customer_number).where(person.c.id == pid)).scalar()
        )
    clock.advance(minutes=5)
    monkeypatch.setenv("REKISTERI_TOKEN", with_login({})["REKISTERI_TOKEN"])
    made = _cli("request", "new", number, "--kind", "access", "--received-how", "in_person")
    reference = made.split(":")[0]
    # An address given after the request is not one the code may go to (whoever filed the
    # request could have given it).
    clock.advance(minutes=1)
    with reg.unit_of_work(STAFF) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "phone call")
        draft = ContactPointDraft(ContactKind.EMAIL, "uusi@example.fi")
        customers.add_contact_point(uow, pid, draft, prov)
    _cli("request", "verify", reference, "--how", "identity_document")
    _cli("request", "fulfil", reference, "--out", str(tmp_path / "answer"), "--no-pdf")
    held = _delivery(reg, reference)
    assert held["notice"] == "letter" and held["lang"] == "sv"
    (letter,) = (tmp_path / "answer").glob("package-notice-*.txt")
    text = letter.read_text(encoding="utf-8")
    assert text.startswith("Greta Lund\nMannerheimintie ")
    assert "Ditt datapaket kan laddas ned" in text and "ingen e-postadress" in text
    path = LINK.search(text)
    assert path is not None
    _cli("mail", "send")
    assert inbox.messages == [], "no e-mail on file: nothing is mailed"

    web = TestClient(create_app(reg))
    page = web.get(path[1])
    assert page.status_code == 200 and "ingen e-postadress" in page.text
    assert "uusi@example.fi" not in page.text and "u***@" not in page.text
    asked = web.post(f"{path[1]}/code", data={"lang": "sv"})
    assert asked.status_code == 422 and inbox.messages == []

    # The DPO prints the letter on the desk, then records handing the package over instead.
    bearer = {"Authorization": f"Bearer {tokens_per_role(reg)[Role.DPO]}"}
    dpo = TestClient(create_app(reg), headers=bearer)
    printed = dpo.post(f"/console/dpo/requests/{reference}/notice-letter")
    assert printed.status_code == 200 and printed.text == text
    assert printed.headers["cache-control"] == "no-store"
    assert f'filename="package-notice-{reference}.txt"' in printed.headers["content-disposition"]
    sealed = _on_disk(reg, str(held["file_ref"]))
    handed = dpo.post(
        f"/console/dpo/requests/{reference}/handed-over",
        data={"how": "in_person", "note": "USB stick at the office"},
        follow_redirects=False,
    )
    assert handed.status_code == 303, handed.text
    assert not sealed.exists()
    row = _delivery(reg, reference)
    assert row["handed_over"] == "in_person" and row["letter_ct"] is None
    desk = dpo.get(f"/console/dpo/requests/{reference}")
    assert "USB stick at the office" in desk.text
    assert "henkilökohtaisesti. (USB stick" in desk.text  # the way in words, not its code
    # Handed over, the letter is refused: the request's page says why, in the page's language.
    late = dpo.post(f"/console/dpo/requests/{reference}/notice-letter?lang=fi")
    assert late.status_code == 422 and "Rekisteri ei hyväksynyt tätä vaihetta." in late.text
    gone = web.get(path[1])
    assert gone.status_code == 410 and "överlämnats" in gone.text
    twice = CliRunner().invoke(cli, ["request", "handed-over", reference, "--how", "letter"])
    assert twice.exit_code == 2 and "already delivered" in twice.output


def test_wrong_codes_lock_the_link_and_a_code_expires(
    wired: RegisterApp,
    clock: FakeClock,
    inbox: Inbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg = wired
    c = make_customer(reg)
    clock.advance(minutes=5)
    monkeypatch.setenv("REKISTERI_TOKEN", with_login({})["REKISTERI_TOKEN"])
    reference = _fulfilled(c.customer_number, tmp_path / "answer")
    _cli("mail", "send")
    path = LINK.search(inbox.messages[-1].get_content())
    assert path is not None
    web = TestClient(create_app(reg))
    early = web.post(f"{path[1]}/download", data={"code": "123456"})
    assert early.status_code == 422 and "Pyydä ensin koodi" in early.text
    web.post(f"{path[1]}/code")
    found = CODE.search(inbox.messages[-1].get_content())
    assert found is not None
    clock.advance(minutes=16)  # the code holds 15 minutes by default
    late = web.post(f"{path[1]}/download", data={"code": found[1]})
    assert late.status_code == 422 and "vanhentunut" in late.text
    web.post(f"{path[1]}/code")
    fresh = CODE.search(inbox.messages[-1].get_content())
    assert fresh is not None
    bad = "999999" if fresh[1] != "999999" else "000000"  # surely not the code sent
    sealed = _on_disk(reg, str(_delivery(reg, reference)["file_ref"]))
    for n in range(4):
        wrong = web.post(f"{path[1]}/download", data={"code": bad})
        assert wrong.status_code == 422 and f"Yrityksiä jäljellä: {4 - n}" in wrong.text
    locked = web.post(f"{path[1]}/download", data={"code": bad})
    assert locked.status_code == 410 and "lukittu" in locked.text
    right = web.post(f"{path[1]}/download", data={"code": fresh[1]})
    assert right.status_code == 410, "a locked link gives nothing, not even for the right code"
    assert not sealed.exists()


def test_the_apis_fulfilment_offers_the_package_too(
    wired: RegisterApp, clock: FakeClock, inbox: Inbox
) -> None:
    reg = wired
    c = make_customer(reg)
    clock.advance(minutes=5)
    bearer = {"Authorization": f"Bearer {tokens_per_role(reg)[Role.DPO]}"}
    api = TestClient(create_app(reg), headers=bearer)
    body = {"person": c.customer_number, "kind": "access", "received_how": "signed_letter"}
    ref = api.post("/api/v1/requests", json=body).json()["reference"]
    api.post(f"/api/v1/requests/{ref}/verify", json={"how": "signature_matched"})
    done = api.post(f"/api/v1/requests/{ref}/fulfil")
    assert done.status_code == 200, done.text
    delivery = done.json()["delivery"]
    assert delivery["notice"] == "email"
    until = dt.datetime.fromisoformat(delivery["expires_at"])
    assert until == clock() + dt.timedelta(days=14)
    assert _on_disk(reg, str(_delivery(reg, ref)["file_ref"])).exists()


def test_fulfil_renders_the_report_once_and_seals_the_same_files(
    wired: RegisterApp, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`request fulfil --pdf` writes the report's files and seals the person's ZIP from the
    same rendering (the PDF took seconds, twice)."""
    from rekisteri.adapters.reports import access

    reg = wired
    c = make_customer(reg)
    clock.advance(minutes=5)
    monkeypatch.setenv("REKISTERI_TOKEN", with_login({})["REKISTERI_TOKEN"])
    rendered: list[int] = []
    real = access.to_pdf

    def counted(*args: object, **kwargs: object) -> bytes:
        rendered.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(access, "to_pdf", counted)
    made = _cli("request", "new", c.customer_number, "--kind", "access", "--received-how", "email")
    reference = made.split(":")[0]
    _cli("request", "verify", reference, "--how", "identity_document")
    _cli("request", "fulfil", reference, "--out", str(tmp_path / "answer"), "--pdf")
    assert len(rendered) == 1
    held = _delivery(reg, reference)
    store = FileStore(reg.settings.file_store_dir or Path(), reg.cipher)
    sealed = zipfile.ZipFile(io.BytesIO(b"".join(store.read(str(held["file_ref"])))))
    for written in (tmp_path / "answer").glob("access-*"):
        assert sealed.read(written.name) == written.read_bytes(), written.name
    assert any(n.endswith(".pdf") for n in sealed.namelist())
