"""Every change of personal data leaves an audit entry naming its persons and categories.

An independent witness: before and after each operation the test fingerprints every personal
table's rows per person (through the catalogue's subject paths); every (person, table) whose
rows changed must be named by a change entry the operation appended, with that table's
category. The walk runs every mutating API route (the test fails for a route it does not
exercise) and the commands that change data, in process. Staff accounts, roles, API tokens and
system actors are not personal tables: a second witness (tests/support/account_changes.py)
requires a change entry naming each account or actor an operation changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.main import get_command
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.access import api_token, staff_user
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.disclosure import recording_loan
from rekisteri.adapters.schema.register import call_recording, person
from rekisteri.adapters.schema.register import contract as contract_table
from rekisteri.adapters.schema.rights import retention_run
from rekisteri.catalogue import Purpose, Role, Source
from rekisteri.config import Settings, file_store_path
from rekisteri.demo.credit_checks import ANSWERS as DEMO_CREDIT_ANSWERS
from rekisteri.domain.register import Provenance
from rekisteri.domain.values import HELSINKI
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.api.deps import all_routes
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services import outbox
from rekisteri.services.access import accounts, disclosures, second_factor
from rekisteri.services.marketing import preferences
from rekisteri.services.marketing.links import LinkKind, LinkPayload, sign
from rekisteri.services.register.subjects import belongs_to, personal_tables
from rekisteri.services.rights import recipient_notices, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person, consent
from tests.support import finvoice, package_links
from tests.support.account_changes import account_state, unaudited_accounts
from tests.support.audio import wav_bytes
from tests.support.cli_login import as_staff, with_login
from tests.support.clock import FakeClock
from tests.support.credit_service import running
from tests.support.market_events import GRID_OWNER, NEW_SITE, event, events_file, gsrn
from tests.support.payments import billed_customer, notification, pay
from tests.support.people import HETU, PHONE, make_customer
from tests.support.smtp import smtp_server
from tests.support.staff import tokens_per_role

TRADE_REGISTER_SAMPLE = Path(__file__).parents[1] / "data" / "trade_register" / "companies.json"

# Tables only database triggers write (copies of rows whose own changes are audited) and the
# trail itself.
NOT_WITNESSED = {"audit_entry", "audit_subject", "person_reach"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ROLES = (Role.CUSTOMER_SERVICE, Role.BILLING, Role.DPO, Role.MARKETING, Role.ADMINISTRATOR)

Fingerprint = dict[tuple[str, int], str]


def fingerprint(reg: RegisterApp) -> Fingerprint:
    """A hash of each person's rows in each personal table."""
    found: Fingerprint = {}
    with reg.engine.connect() as conn:
        persons = [int(p) for p in conn.execute(select(person.c.id)).scalars()]
        for spec in personal_tables(reg.catalogue):
            if spec.name in NOT_WITNESSED:
                continue
            table = metadata.tables[spec.name]
            key = [c for c in table.primary_key.columns]
            for pid in persons:
                rows = conn.execute(select(table).where(belongs_to(spec, pid)).order_by(*key)).all()
                if rows:
                    text = repr([tuple(r) for r in rows]).encode()
                    found[(spec.name, pid)] = hashlib.sha256(text).hexdigest()
    return found


# Commands that are several operations, each with its own change entry: the demo's bulk load,
# then each file of its last days imported through its door, audited as that import is when a
# job runs it (demo/doors.py: ban file, invoices, payments, contacts, recordings, feedback,
# logins, market events, population changes), and the update files (demo/updates.py: a
# namesake registered, then the trade register's file and the mover service's, one each).
# The mail job claims its messages in one unit of work and records what the server did in
# another (no transaction is held open while a mail server answers).
# The credit check commits the disclosure of the identity code before the query goes out, and
# the answer after it: two changes. The demo's credit door: two a check (at most one a demo
# answer) and one for the review a refused person asks, then the demo staff it adds (the walk's
# logins made some of them already; the rest are one entry).
OPERATIONS = {
    "demo": 1 + 9 + 3 + 2 * len(DEMO_CREDIT_ANSWERS) + 1 + 1,
    "mail send": 2,
    "credit check": 2,
    # The one-time code: asked in one, then sent at once as the mail job sends (two more).
    "POST /package/{token}/code": 3,
    "POST /api/v1/persons/{key}/credit-checks": 2,
}


def last_seq(reg: RegisterApp) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(audit_entry.c.seq), 0))).scalar())


def unaudited(reg: RegisterApp, before: Fingerprint, since: int) -> list[str]:
    """(person, table) pairs whose rows changed with no change entry naming both."""
    after = fingerprint(reg)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    with reg.engine.connect() as conn:
        entries = conn.execute(
            select(audit_entry.c.person_ids, audit_entry.c.categories).where(
                audit_entry.c.seq > since, audit_entry.c.action == "change"
            )
        ).all()
    named = [({int(p) for p in e.person_ids.split()}, set(e.categories.split())) for e in entries]
    missing = []
    for table, pid in sorted(changed):
        categories = {a.category.value for a in reg.catalogue.for_table(table)}
        # A link table holds no attribute of its own (a disclosure's subjects, a loan's items):
        # its change must name the person, in whichever category the linked rows are.
        if not any(
            pid in persons and (categories & cats or not categories) for persons, cats in named
        ):
            missing.append(f"{table} of person {pid}")
    return missing


def one_entry(reg: RegisterApp, since: int, what: str, operations: int = 1) -> list[str]:
    """One operation, one change entry (its persons in the bulk subject rows)."""
    with reg.engine.connect() as conn:
        entries = conn.execute(
            select(func.count()).where(
                audit_entry.c.seq > since,
                audit_entry.c.action == "change",
                audit_entry.c.outcome == "allowed",  # not the walk's refused tries
            )
        ).scalar_one()
    return [f"{what}: {entries} change entries"] if entries > operations else []


class Walk:
    """The API in process with a token per role; each step is witnessed."""

    def __init__(self, reg: RegisterApp) -> None:
        self.reg = reg
        # A browser's address (a documentation one): the person's forms record where they came.
        # Over https, where the session cookies are sent.
        self.client = TestClient(
            create_app(reg), base_url="https://testserver", client=("203.0.113.7", 50123)
        )
        self.tokens = tokens_per_role(reg)
        self.exercised: set[str] = set()
        self.failures: list[str] = []
        self.ids: dict[str, Any] = {}

    def call(self, method: str, route: str, body: Any = None, **ids: Any) -> Any:
        """Send the request as the first role allowed to (the route's guard decides)."""
        answer = self.send(method, route, json=body, **ids)
        return answer.json() if answer.content else None

    def send(
        self, method: str, route: str, *, anonymous: bool = False, **given: Any
    ) -> httpx.Response:
        """A JSON body (`json=`) or a form (`data=`), as a role or (`anonymous`) as nobody;
        redirects are answers (post/redirect/get), not followed."""
        self.exercised.add(f"{method} {route}")
        body = ("json", "data", "cookies", "content", "params", "content_type")
        ids = {k: v for k, v in given.items() if k not in body}
        sent = {k: v for k, v in given.items() if k in body and k != "content_type"}
        kind = {"Content-Type": given["content_type"]} if "content_type" in given else {}
        path = route.format(**ids)
        before, since = fingerprint(self.reg), last_seq(self.reg)
        staff_before = account_state(self.reg)
        roles = [None] if anonymous else [*ROLES]
        for role in roles:
            headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
            headers |= kind
            answer = self.client.request(
                method, path, headers=headers, follow_redirects=False, **sent
            )
            if answer.status_code != 403:
                break
        assert answer.status_code < 400, f"{method} {path}: {answer.status_code} {answer.text}"
        for gap in unaudited(self.reg, before, since):
            self.failures.append(f"{method} {route}: {gap}")
        for gap in unaudited_accounts(self.reg, staff_before, since):
            self.failures.append(f"{method} {route}: {gap}")
        name = f"{method} {route}"
        self.failures += one_entry(self.reg, since, name, OPERATIONS.get(name, 1))
        return answer


PERSON = {
    "kind": "natural",
    "first_names": "Aino",
    "last_name": "Aalto",
    "personal_identity_code": "131052-308T",
    "source": "order",
    "contact_points": [{"kind": "email", "value": "aino@example.fi"}],
}
PROV = {"source": "customer_contact"}


def population_changes(code: str) -> dict[str, Any]:
    """The population register's changes of one person: a move, a language, its marketing ban
    (person and contact-point rows in one operation)."""
    on = "2026-03-03"
    return {
        "format": "population-changes/1",
        "changes": [
            {"identity_code": code, "kind": "permanent_address", "date": on,
             "street": "Väestötie 1", "postal_code": "00100", "post_office": "Helsinki"},
            {"identity_code": code, "kind": "mother_tongue", "date": on, "language": "sv"},
            {"identity_code": code, "kind": "marketing_ban", "date": on, "in_force": True},
        ],
    }  # fmt: skip


def _api_steps(w: Walk) -> None:
    made = w.call("POST", "/api/v1/persons", PERSON)
    pid = made["id"]
    w.call(
        "PATCH",
        "/api/v1/persons/{key}",
        {"changes": {"last_name": "Virtanen"}, "reason": "marriage", **PROV},
        key=pid,
    )
    cp = w.call(
        "POST",
        "/api/v1/persons/{person_id}/contact-points",
        {"kind": "phone", "value": "+358401234567", **PROV},
        person_id=pid,
    )["id"]
    w.call(
        "POST",
        "/api/v1/contact-points/{contact_point_id}/end",
        {"end_date": "2026-03-03", "reason": "number given up", **PROV},
        contact_point_id=cp,
    )
    site = w.call(
        "POST",
        "/api/v1/sites",
        {
            "street": "Kotikatu 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
            "metering_points": ["643006966022791278"],
            "source": "contract",
        },
    )["id"]
    account = w.call(
        "POST",
        "/api/v1/persons/{person_id}/billing-accounts",
        {
            "street": "Kotikatu 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
            "due_day": 15,
            "rhythm": "monthly",
            "method": "paper",
            "source": "contract",
        },
        person_id=pid,
    )["id"]
    contract = w.call(
        "POST",
        "/api/v1/persons/{person_id}/contracts",
        {
            "site_id": site,
            "kind": "sales",
            "product": "Pörssisähkö",
            "start_date": "2026-01-01",
            "billing_account_id": account,
            "source": "contract",
        },
        person_id=pid,
    )["id"]
    w.call(
        "PATCH",
        "/api/v1/sites/{site_id}",
        {"changes": {"heating_type": "district"}, "reason": "told us", **PROV},
        site_id=site,
    )
    w.call(
        "PATCH",
        "/api/v1/billing-accounts/{account_id}",
        {"changes": {"due_day": 20}, "reason": "asked", **PROV},
        account_id=account,
    )
    w.send(
        "PUT",
        "/api/v1/persons/{key}/recordings",
        key=pid,
        content=wav_bytes(0.5),
        params={"recorded_at": "2026-03-02T09:15:00+02:00", "duration_seconds": 1},
        content_type="audio/wav",
    )
    w.call(
        "POST",
        "/api/v1/persons/{key}/marketing",
        {"purpose": "own_marketing", "channel": "letter", "event": "prohibited"},
        key=pid,
    )
    w.call(
        "POST",
        "/api/v1/contracts/{contract_id}/end",
        {"end_date": "2026-02-28", "reason": "moved_out", "source": "contract"},
        contract_id=contract,
    )
    _service_data_steps(w, pid, site)
    # The billing system's invoices for the contract (as the billing role: the first allowed).
    with w.reg.reading(Actor("test")) as uow:
        number = uow.execute(
            select(person.c.customer_number).where(person.c.id == pid)
        ).scalar_one()
        contract_number = uow.execute(
            select(contract_table.c.contract_number).where(contract_table.c.id == contract)
        ).scalar_one()
    w.send(
        "POST",
        "/api/v1/imports/invoices",
        content=finvoice.batch(finvoice.message(customer=number, contract=contract_number)),
        params={"name": "walk.xml"},
    )
    w.send(
        "POST",
        "/api/v1/imports/population",
        content=json.dumps(population_changes(PERSON["personal_identity_code"])).encode(),
        params={"name": "dvv.json"},
        content_type="application/json",
    )
    _telephone_sale_steps(w, pid, site)
    _contact_person_steps(w)
    _representative_steps(w, pid)
    _request_steps(w, pid)
    _payment_steps(w)
    _market_event_steps(w)
    _breach_steps(w)
    _credit_steps(w, pid)


def _credit_steps(w: Walk, pid: int) -> None:
    """A credit check asked of a real local service (a deposit), its review and decision."""
    with w.reg.unit_of_work(Actor("test")) as uow:
        disclosures.add_recipient(
            uow, "Luottotieto", "credit_reference", "FI", [Purpose.CUSTOMER_RELATIONSHIP]
        )
    kept = w.reg.settings
    deposit = {"decision": "deposit", "payment_default_entries": 1, "security_deposit_eur": "90.00"}
    with running() as service:
        service.answers[str(PERSON["personal_identity_code"])] = deposit
        w.reg.settings = kept.model_copy(
            update={"credit_check_url": service.url, "credit_check_token": service.token}
        )
        try:
            made = w.call("POST", "/api/v1/persons/{key}/credit-checks", key=pid)
        finally:
            w.reg.settings = kept
    w.call("POST", "/api/v1/credit-checks/{check_id}/review", {}, check_id=made["id"])
    w.call(
        "POST",
        "/api/v1/credit-checks/{check_id}/decision",
        {"outcome": "accepted", "note": "walk"},
        check_id=made["id"],
    )


def _breach_steps(w: Walk) -> None:
    """A breach of the DPO's token: its scope links the persons the DPO's reads named."""
    opened = w.call(
        "POST",
        "/api/v1/breaches",
        {
            "summary": "walk",
            "kind": "integrity",
            "aware_at": "2026-03-03T09:00:00+02:00",
            "noticed_by": "the walk",
        },
    )
    ref = opened["reference"]
    w.call("POST", "/api/v1/breaches/{reference}/scope", {"user": "t.dpo"}, reference=ref)
    w.call(
        "POST",
        "/api/v1/breaches/{reference}/assessment",
        {"risk": "risk", "notify_authority": True, "notify_persons": False, "reasons": "walk"},
        reference=ref,
    )
    w.call(
        "POST",
        "/api/v1/breaches/{reference}/notification",
        {"at": "2026-03-03T10:00:00+00:00", "reference": "TSV-1"},
        reference=ref,
    )


def _service_data_steps(w: Walk, pid: int, site: int) -> None:
    """The contact log, feedback, a device at the site and the digital account."""
    contact = w.call(
        "POST",
        "/api/v1/persons/{key}/contacts",
        {"channel": "phone", "topic": "billing", "at": "2026-03-02T09:00:00+02:00"},
        key=pid,
    )["id"]
    w.call(
        "POST",
        "/api/v1/persons/{key}/feedback",
        {"channel": "phone", "satisfaction": 5, "contact_id": contact},
        key=pid,
    )
    made = w.call("POST", "/api/v1/sites/{site_id}/devices", {"kind": "heat_pump"}, site_id=site)[
        "id"
    ]
    w.call(
        "POST",
        "/api/v1/devices/{device_id}/remove",
        {"removed_on": "2026-03-01"},
        device_id=made,
    )
    w.call(
        "POST",
        "/api/v1/persons/{key}/digital-account",
        {"login": "aino.aalto", "registered_at": "2026-01-02T10:00:00Z"},
        key=pid,
    )
    w.call("POST", "/api/v1/persons/{key}/digital-account/close", {}, key=pid)


def _telephone_sale_steps(w: Walk, pid: int, site: int) -> None:
    """A contract sold in a call the company made, its written offer and the acceptance."""
    sold = w.call(
        "POST",
        "/api/v1/persons/{person_id}/contracts",
        {
            "site_id": site,
            "kind": "sales",
            "product": "Kiinteä 24 kk",
            "start_date": "2026-03-01",
            "sales_call": "outbound",
            "sales_call_at": "2026-03-02T10:00:00+00:00",
            "source": "contract",
        },
        person_id=pid,
    )["id"]
    w.call(
        "POST",
        "/api/v1/contracts/{contract_id}/offer-sent",
        {"at": "2026-03-02T12:00:00+00:00", "how": "email", "source": "register_itself"},
        contract_id=sold,
    )
    w.call(
        "POST",
        "/api/v1/contracts/{contract_id}/accepted",
        {"at": "2026-03-03T09:00:00+00:00", "how": "signed", "source": "contract"},
        contract_id=sold,
    )


def _contact_person_steps(w: Walk) -> None:
    org = w.call(
        "POST",
        "/api/v1/persons",
        {
            "kind": "legal",
            "organisation_name": "Konepaja Oy",
            "business_id": "1572860-0",
            "source": "contract",
        },
    )["id"]
    link = w.call(
        "POST",
        "/api/v1/persons/{person_id}/contact-persons",
        {
            "role": "signatory",
            "first_names": "Liisa",
            "last_name": "Laine",
            "contact_points": [{"kind": "email", "value": "liisa@konepaja.example.fi"}],
            "source": "contract",
        },
        person_id=org,
    )["link"]
    w.call(
        "POST",
        "/api/v1/contact-persons/{link_id}/end",
        {"end_date": "2026-03-03", "reason": "left the company", **PROV},
        link_id=link,
    )


def _representative_steps(w: Walk, pid: int) -> None:
    """A guardian recorded and ended, an attorney who makes a request for the person."""
    body = {
        "kind": "guardian",
        "name": "Eero Edunvalvoja",
        "evidence": "court_decision",
        "evidence_ref": "H 25/1234",
        "street": "Valvojankatu 3",
        "postal_code": "00500",
        "post_office": "Helsinki",
        "source": "authority",
    }
    rep = w.call("POST", "/api/v1/persons/{key}/representatives", body, key=pid)["id"]
    w.call(
        "POST",
        "/api/v1/representatives/{rep_id}/end",
        {"end_date": "2026-03-03", "reason": "guardianship ended", **PROV},
        rep_id=rep,
    )


def _bank_file(path: Path, reg: RegisterApp, n: int) -> Path:
    """A camt.054 file of a new customer's payments: one over, one of the paid invoice, one
    no invoice has (quarantined, with a task)."""
    billed = billed_customer(reg, n)
    return notification(
        path,
        pay(billed.open_reference, f"WALK-{n}-1", "200.00"),
        pay(billed.paid_reference, f"WALK-{n}-2"),
        pay("1234561", f"WALK-{n}-3", payer_name="Tuntematon Maksaja"),
    )


def _payment_steps(w: Walk) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = _bank_file(Path(tmp) / "bank.xml", w.reg, 31).read_bytes()
    w.send("POST", "/api/v1/imports/payments", content=data, params={"name": "bank.xml"})


def _market_file(path: Path, reg: RegisterApp, hetu: str, first: int) -> Path:
    """Datahub's events for a new customer: a move out of one site and into a point the
    register does not know, and the other point's grid owner."""
    make_customer(reg, hetu=hetu, email=f"{hetu}@example.fi", site_numbers=(first, first + 1))
    return events_file(
        path,
        event(f"{hetu}-1", "move_out", "2026-02-28", gsrn(first + 1), hetu=hetu),
        event(
            f"{hetu}-2",
            "move_in",
            "2026-03-01",
            gsrn(first + 2),
            hetu=hetu,
            product="Pörssisähkö",
            data=NEW_SITE,
        ),
        event(
            f"{hetu}-3",
            "metering_point",
            "2026-03-01",
            gsrn(first),
            data={"grid_owner": GRID_OWNER},
        ),
    )


def _market_event_steps(w: Walk) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = _market_file(Path(tmp) / "hub.xml", w.reg, "150385-234K", 41).read_bytes()
    w.send("POST", "/api/v1/imports/market-events", content=data, params={"name": "hub.xml"})


def _request_steps(w: Walk, pid: int) -> None:
    def new(kind: str, **extra: Any) -> str:
        body = {"person": str(pid), "kind": kind, "received_how": "signed_letter", **extra}
        return str(w.call("POST", "/api/v1/requests", body)["reference"])

    def step(ref: str, action: str, body: Any = None) -> Any:
        return w.call("POST", f"/api/v1/requests/{{reference}}/{action}", body, reference=ref)

    rectify = new("rectification", details={"changes": {"first_names": "Aino Maria"}})
    step(rectify, "verify", {"how": "signature_matched"})
    w.call(
        "PUT",
        "/api/v1/requests/{reference}/changes",
        {"changes": {"first_names": "Aino Maria"}},
        reference=rectify,
    )
    step(
        rectify, "extend", {"extend_to": "2026-05-30", "reason": "many", "notice_on": "2026-03-03"}
    )
    step(rectify, "fulfil")
    step(rectify, "close")
    access = new("access")
    step(access, "verify", {"how": "signature_matched"})
    step(access, "recording-copies", {"note": "only the person's own voice"})
    step(access, "fulfil")
    again = new("access")
    step(again, "charge", {"decision": "waived", "reason": "first this year"})
    step(again, "reject", {"reason": "asked twice the same day"})
    with w.reg.reading(Actor("test")) as uow:
        pending = recipient_notices.pending(uow)
    if pending:
        w.call(
            "POST",
            "/api/v1/recipient-notifications/{notification_id}",
            {"how": "e-mail"},
            notification_id=pending[0]["id"],
        )
    else:  # nothing was disclosed of the person: the route has no row to mark
        w.exercised.add("POST /api/v1/recipient-notifications/{notification_id}")


# A walk of every route or command: minutes on two loaded cores, not the default 300 s.
@pytest.mark.timeout(900)
@pytest.mark.proves("P16.every-view-and-change-logged")
def test_every_mutating_api_route_audits_what_it_changed(register: RegisterApp) -> None:
    walk = Walk(register)
    _api_steps(walk)
    routes = {
        f"{m} {r.path}"
        for r in all_routes(walk.client.app)
        if r.path.startswith("/api/v1")
        for m in (getattr(r, "methods", None) or ())
        if m in WRITES
    }
    assert routes - walk.exercised == set(), "a mutating route the walk does not exercise"
    assert walk.failures == []


def _web_steps(w: Walk, clock: FakeClock) -> None:
    reg = w.reg
    pid = add_person(reg, first="Helmi")
    consent(reg, pid, "own_marketing", "letter", "granted")
    with reg.unit_of_work(Actor("test")) as uow:
        disclosures.add_recipient(uow, "Konserni", "subsidiary", "FI", [Purpose.DIRECT_MARKETING])
    # The staff console and desks (a bearer token is a staff credential there too).
    w.send(
        "POST",
        "/console/persons/{key}/consent",
        key=pid,
        data={"setting": "own_marketing:phone", "event": "prohibited"},
    )
    w.send(
        "POST",
        "/console/persons/{key}/requests",
        key=pid,
        data={"kind": "objection", "received_how": "in_person", "note": "no calls"},
    )
    w.send(
        "POST",
        "/console/marketing/disclosure.csv",
        data={"channel": "letter", "purpose": "group_marketing", "recipient": "Konserni"},
    )
    _dpo_desk_steps(w, pid)
    _package_steps(w, clock)
    _admin_desk_steps(w)
    # The person's own signed links.
    with reg.reading(Actor("test")) as uow:
        settings_token = preferences.settings_link(uow, pid).rsplit("/", 1)[1]
        unsubscribe = preferences.unsubscribe_link(uow, pid, "own_marketing", "letter")
        confirm = sign(
            uow.cipher,
            LinkPayload(
                LinkKind.CONFIRM,
                pid,
                uow.now() + dt.timedelta(hours=1),
                {"purpose": "own_marketing", "channel": "email", "email": email_of(reg, pid)},
            ),
        )
    w.send(
        "POST",
        "/preferences/{token}",
        anonymous=True,
        token=settings_token,
        data={"on": ["own_marketing:letter", "research:letter"]},
    )
    w.send("POST", "/preferences/confirm/{token}", anonymous=True, token=confirm)
    w.send(
        "POST",
        "/preferences/unsubscribe/{token}",
        anonymous=True,
        token=unsubscribe.rsplit("/", 1)[1],
        data={"List-Unsubscribe": "One-Click"},
    )
    # The public request form, filled in as a person would (in time).
    started = re.search(r'name="started" value="([^"]+)"', w.client.get("/request").text)
    assert started is not None
    clock.advance(seconds=30)
    form = {"kind": "access", "name": "Helmi Virtanen", "contact": "helmi@example.fi"}
    w.send("POST", "/request", anonymous=True, data=form | {"started": started[1]})
    # Logging in and out: staff sessions, no personal row. Customer service sets up a second
    # factor by choice; the DPO gives the code after the password.
    _log_in(w, "t.customer-service")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', w.client.get("/login/enrol").text)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', w.client.get("/login/enrol").text)
    assert csrf is not None and secret is not None
    code = pyotp.TOTP(secret[1]).at(clock())
    w.send("POST", "/login/enrol", anonymous=True, data={"code": code, "csrf_token": csrf[1]})
    w.send("POST", "/logout", anonymous=True)
    clock.advance(seconds=30)  # a code is used once
    _log_in(w, "t.dpo")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', w.client.get("/login/code").text)
    assert csrf is not None
    code = pyotp.TOTP(_secret_of(w.reg, "t.dpo")).at(clock())
    w.send("POST", "/login/code", anonymous=True, data={"code": code, "csrf_token": csrf[1]})
    w.send("POST", "/logout", anonymous=True)
    # Last, as it removes what is past its period: the DPO previews the retention run (no
    # change) and approves it (the run's own entries).
    w.send("POST", "/console/retention/preview")
    with w.reg.engine.connect() as conn:
        previewed = conn.execute(select(func.max(retention_run.c.id))).scalar_one()
    w.send("POST", "/console/retention/approve", data={"preview_id": str(previewed)})


def _log_in(w: Walk, name: str) -> None:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', w.client.get("/login").text)
    assert csrf is not None
    login = {"username": name, "password": "correct horse battery", "csrf_token": csrf[1]}
    w.send("POST", "/login", anonymous=True, data=login)


def _secret_of(reg: RegisterApp, name: str) -> str:
    with reg.engine.connect() as conn:
        sealed = conn.execute(
            select(staff_user.c.totp_secret).where(staff_user.c.username == name)
        ).scalar_one()
    return reg.cipher.open_text(second_factor.SEALED_AS, sealed)


def _dpo_desk_steps(w: Walk, pid: int) -> None:
    """The DPO desk's forms: requests from the public form verified and linked to the person,
    a rectification corrected, extended, fulfilled (its Art. 19 notice recorded) and closed,
    an access request fulfilled and its package downloaded, one rejected."""
    with w.reg.unit_of_work(Actor("system:web")) as uow:
        number = uow.execute(select(person.c.customer_number).where(person.c.id == pid)).scalar()
        refs = {
            kind: requests.new_request(
                uow, None, kind, "web_form",
                Provenance(Source.CUSTOMER_CONTACT, uow.now(), "self-service request form"),
                details={"name": "Helmi", "contact": "helmi@example.fi"},
            ).reference
            for kind in ("rectification", "access", "restriction")
        }  # fmt: skip
        row = requests.load(uow, refs["rectification"])

    def step(kind: str, action: str, **data: Any) -> None:
        route = f"/console/dpo/requests/{{reference}}/{action}"
        w.send("POST", route, reference=refs[kind], data=data)

    for kind in refs:
        step(kind, "verify", how="identity_document", evidence="passport", person=str(number))
    step("rectification", "changes", field=["first_names"], value=["Helmi Maria"])
    extend_to = (row.due_on + dt.timedelta(days=20)).isoformat()
    told = str(row.received_on)
    step("rectification", "extend", extend_to=extend_to, reason="many", notice_on=told)
    step("rectification", "fulfil")
    with w.reg.reading(Actor("test")) as uow:
        pending = recipient_notices.pending(uow)
    assert pending, "the person's data went to the group: the rectification plans a notice"
    w.send(
        "POST", "/console/dpo/requests/{reference}/notices/{notification_id}",
        reference=refs["rectification"], notification_id=pending[-1]["id"],
        data={"how": "e-mail"},
    )  # fmt: skip
    step("rectification", "close")
    step("access", "fulfil")
    step("access", "package")
    step("restriction", "reject", reason="not the person's own")


def _package_steps(w: Walk, clock: FakeClock) -> None:
    """The person's access package: the one-time code asked and the one download through the
    link (the notice went by e-mail); for a person with no e-mail, the notice letter the DPO
    prints and the hand-over recorded instead."""
    mailed = add_person(w.reg, first="Paula")
    clock.advance(minutes=1)  # the request comes after the e-mail was on file
    package_links.fulfilled_access(w.reg, mailed)
    token = package_links.link_token(w.reg, mailed)
    w.send("POST", "/package/{token}/code", anonymous=True, token=token)
    code = package_links.waiting_code(w.reg, mailed)
    w.send("POST", "/package/{token}/download", anonymous=True, token=token, data={"code": code})
    posted = add_person(w.reg, first="Kaarlo", email=False)
    ref = package_links.fulfilled_access(w.reg, posted)
    w.send("POST", "/console/dpo/requests/{reference}/notice-letter", reference=ref)
    w.send(
        "POST", "/console/dpo/requests/{reference}/handed-over", reference=ref,
        data={"how": "letter", "note": "posted with the letter"},
    )  # fmt: skip


def email_of(reg: RegisterApp, pid: int) -> str:
    with reg.reading(Actor("test")) as uow:
        address = preferences.current_email(uow, pid)
    assert address is not None
    return address


# A walk of every route or command: minutes on two loaded cores, not the default 300 s.
@pytest.mark.timeout(900)
@pytest.mark.proves("P16.every-view-and-change-logged")
def _admin_desk_steps(w: Walk) -> None:
    """The administrator's desk: staff accounts and tokens, no person's row; each change one
    entry of the trail (one_entry)."""
    w.send("POST", "/console/admin/users", data={"username": "walk.cs", "role": "customer_service"})
    for step in ("lock", "unlock", "lockout", "second-factor"):
        w.send("POST", f"/console/admin/users/{{username}}/{step}", username="walk.cs")
    w.send("POST", "/console/admin/users/{username}/role", username="walk.cs", data={"role": "dpo"})
    with w.reg.unit_of_work(Actor("test")) as uow:
        accounts.issue_token(uow, "walk.cs", "walk", None, 1)
        token_id = uow.execute(
            select(api_token.c.id).where(api_token.c.name == "walk")
        ).scalar_one()
    w.send("POST", "/console/admin/tokens/revoke", data={"token_id": str(token_id)})
    w.send(
        "POST",
        "/console/recipients",
        data={"name": "Sisaryhtiö Oy", "kind": "subsidiary", "country": "FI",
              "purpose": ["direct_marketing"]},
    )  # fmt: skip
    w.send("POST", "/console/segments", data={"name": "walk", "rules": "person_kind=natural"})


def test_every_web_form_audits_what_it_changed(register: RegisterApp, clock: FakeClock) -> None:
    walk = Walk(register)
    _web_steps(walk, clock)
    routes = {
        f"POST {r.path}"
        for r in all_routes(walk.client.app)
        if not r.path.startswith("/api/") and "POST" in (getattr(r, "methods", None) or ())
    }
    assert routes - walk.exercised == set(), "a web form the walk does not post"
    assert walk.failures == [], "\n".join(walk.failures)


# Commands the walk does not run, each with the reason it writes no personal row of its own.
NOT_RUN = {
    "serve": "serves the API and the web pages, whose routes are walked above and below",
    "login": "asks a password, issues the staff user a token: no person's row (test_cli_login)",
    "logout": "revokes the staff user's token: no person's row (test_cli_login)",
    "whoami": "shows the logged-in staff user (test_cli_login)",
    "restore": "replaces the whole database (the walk's own rows with it); its entries, the "
    "restore's and those of the erasures it applies again, are checked by test_backups and "
    "test_backup_cli",
}


def every_command() -> set[str]:
    """Every command of the Typer app, as `group command` (or `command`). Asked through
    `get_command`, as when each is run: the top-level ones are imported on first use
    (cli/lazy.py), and until then the group holds stand-ins for them."""
    found: set[str] = set()

    def walk(cmd: Any, prefix: list[str]) -> None:
        if hasattr(cmd, "list_commands"):
            ctx = cmd.context_class(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), [*prefix, name])
        else:
            found.add(" ".join(prefix))

    walk(get_command(cli), [])
    return found


class CommandWalk:
    """The CLI in process against the test's register; each command is witnessed."""

    def __init__(self, reg: RegisterApp, settings: Settings) -> None:
        self.reg = reg
        self.env = with_login(
            {
                "REKISTERI_DATABASE_URL": settings.database_url,
                "REKISTERI_SECRET_KEY": settings.secret_key or "",
                "REKISTERI_FILE_STORE_DIR": str(file_store_path(settings)),
                "COLUMNS": "200",
            }
        )
        self.exercised: set[str] = set()
        self.failures: list[str] = []

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        # The command's name: its longest leading words that name a command (`user system-actor
        # enable`, `customer show`, `audience`).
        known = every_command()
        words = [a for a in args[:3] if not a.startswith("-")]
        name = next(
            " ".join(words[:n]) for n in (3, 2, 1) if " ".join(words[:n]) in known or n == 1
        )
        self.exercised.add(name)
        before, since = fingerprint(self.reg), last_seq(self.reg)
        staff_before = account_state(self.reg)
        done = CliRunner().invoke(cli, list(args), env=self.env | (env or {}))
        assert done.exit_code == 0, (args, done.output)
        self.failures += [f"rekisteri {name}: {gap}" for gap in unaudited(self.reg, before, since)]
        self.failures += [
            f"rekisteri {name}: {gap}" for gap in unaudited_accounts(self.reg, staff_before, since)
        ]
        operations = OPERATIONS.get(name, 1)
        self.failures += one_entry(self.reg, since, f"rekisteri {name}", operations)
        return done.output


def _reference(output: str) -> str:
    found = re.search(r"R\d{4}-\d{5}", output)
    assert found is not None, output
    return found.group(0)


def _command_steps(w: CommandWalk, tmp: Path) -> None:
    reg = w.reg
    c = make_customer(reg, ended_on=dt.date(2025, 6, 30), open_invoice=True)
    other = add_person(reg, first="Outi")
    consent(reg, other, "own_marketing", "email", "granted")
    consent(reg, other, "group_marketing", "letter", "granted")
    w.run("init")
    w.run("notice")
    w.run("customer", "show", c.customer_number)
    w.run("customer", "search", "Meikäläinen")
    w.run(
        "customer", "rectify", c.customer_number, "--set", "last_name=Korhonen",
        "--reason", "name change", "--source", "customer_contact",
    )  # fmt: skip
    w.run(
        "customer", "add", "--source", "order", "--first-names", "Eero", "--last-name",
        "Esimerkki", "--hetu", "010190-123M", "--email", "eero@example.fi",
    )  # fmt: skip
    _business_and_telephone_commands(w, c)
    _recording_commands(w, other, tmp)
    datahub = tmp / "readings.csv"
    datahub.write_text(
        "Mittauspisteen tunnus;Tuotteen tyyppi;Resoluutio;Yksikkötyyppi;Lukeman tyyppi;"
        "Alkuaika;Määrä;Laatu\n"
        f"{c.gsrns[1]};8716867000030;PT1H;kWh;BN01;2025-01-01T22:00:00Z;1,500000;OK\n"
    )
    w.run("import", "datahub", str(datahub))
    w.run("consumption", "show", c.customer_number, "--from", "2025-01-01", "--to", "2025-01-31")
    # The archive keeps the reading; past the database's one month, it leaves the database.
    archived = {"REKISTERI_ARCHIVE_DIR": str(tmp / "archive"), "REKISTERI_DB_READING_MONTHS": "1"}
    w.run("archive", "sync", env=archived)
    # The consumption job on the archive (Spark in this process, one core): its totals are the
    # customer's consumption data written back.
    w.run("archive", "totals", "--master", "local[1]", env=archived)
    # From now on the register has an archive: every later command runs where it is set, as a
    # deployment's would (one without it is refused: tests/integration/test_readings_archive).
    w.env = w.env | {"REKISTERI_ARCHIVE_DIR": archived["REKISTERI_ARCHIVE_DIR"]}
    bans = tmp / "asml.csv"
    bans.write_text(
        "kind,last_name,first_names,street,postal_code,post_office,phone,registered_on\n"
        f"phone,,,,,,{PHONE},2026-01-01\n",
        encoding="utf-8",
    )
    w.run("import", "bans", str(bans))
    _service_data_commands(w, c, tmp)
    invoices = finvoice.write(
        tmp / "invoices.xml", finvoice.message("77001", customer=c.customer_number)
    )
    w.run("import", "invoices", str(invoices))
    w.run("import", "payments", str(_bank_file(tmp / "bank.xml", reg, 32)))
    hub = _market_file(tmp / "hub.xml", reg, "220476-3189", 51)
    w.run("import", "market-events", str(hub))
    _update_commands(w, tmp)
    changes = tmp / "dvv.json"
    changes.write_text(json.dumps(population_changes(HETU)), encoding="utf-8")
    w.run("import", "population", str(changes))
    (task, *_) = json.loads(w.run("task", "list", "--json"))
    w.run("task", "show", str(task["id"]), env=as_staff(w.env, Role.BILLING))  # a read only
    w.run("task", "done", str(task["id"]))
    administrator = as_staff(w.env, Role.ADMINISTRATOR)
    w.run("user", "add", "walk.dpo", "--role", "dpo", env=administrator)
    w.run("user", "token", "walk.dpo", "--label", "walk", env=administrator)
    w.run("user", "role", "walk.dpo", "--role", "billing", env=administrator)
    w.run("user", "reset-second-factor", "walk.dpo", env=administrator)
    w.run("user", "system-actor", "disable", "system:demo", env=administrator)
    w.run("user", "system-actor", "enable", "system:demo", env=administrator)
    w.run("user", "system-actor", "list", env=administrator)
    _request_commands(w, c.customer_number, tmp)
    _marketing_commands(w, other, tmp)
    _disclosure_commands(w, c, other, tmp)
    _mail_commands(w, other)
    _credit_commands(w, c)
    w.run("audit", "person", c.customer_number)
    w.run("audit", "verify")
    w.run("backup", "--out", str(tmp / "register.backup"))
    w.run("retention", "run")
    w.run("retention", "last")
    _rotation(w, tmp)
    w.run("demo", "--customers", "3", "--readings-days", "0")


def _update_commands(w: CommandWalk, tmp: Path) -> None:
    """The trade register's sample (the walk's organisation and sole trader hold its business
    IDs) and a mover file: the customer, renamed Korhonen above, moves; a notice no one matches
    is held for staff, and its task's notice is read."""
    w.run("import", "trade-register", str(TRADE_REGISTER_SAMPLE))
    movers = tmp / "movers.csv"
    movers.write_text(
        "notice_id;last_name;first_names;previous_street;previous_postal_code;"
        "previous_post_office;new_street;new_postal_code;new_post_office;new_country;moved_on\n"
        "W-1;Korhonen;Maija Liisa;Kotikatu 1 A 2;00100;;Uusitie 5;33100;Tampere;;2026-03-01\n"
        "W-2;Nieminen;Nea;Puistokatu 4;00140;;Storgatan 2;65100;Vasa;;2026-03-01\n",
        encoding="utf-8",
    )
    w.run("import", "address-changes", str(movers))
    held = json.loads(w.run("task", "list", "--kind", "address_notice", "--json"))
    w.run("task", "notice", str(held[0]["id"]), env=as_staff(w.env, Role.CUSTOMER_SERVICE))


def _service_data_commands(w: CommandWalk, c: Any, tmp: Path) -> None:
    """Customer service's doors of service data, and the feeds (jobs) of the same data."""
    service = as_staff(w.env, Role.CUSTOMER_SERVICE)
    key = c.customer_number
    w.run("contact", "add", key, "--channel", "phone", "--topic", "billing", env=service)
    w.run("contact", "list", key, env=service)
    w.run("feedback", "add", key, "--channel", "web", "--score", "4", env=service)
    made = w.run("device", "add", str(c.site_ids[1]), "--kind", "heat_pump", env=service)
    device = re.findall(r"id (\d+)", made)[0]
    w.run("device", "remove", device, "--on", "2026-03-01", env=service)
    w.run("self-service", "close", key, env=service)
    other = add_person(w.reg, first="Sanni")
    w.run(
        "self-service", "register", str(other), "--login", "sanni.s",
        "--at", "2026-01-01T00:00:00Z", env=service,
    )  # fmt: skip
    contacts = tmp / "contacts.csv"
    contacts.write_text(
        "ref,customer_number,at,channel,direction,topic\n"
        f"W-1,{key},2026-03-01T10:00:00Z,phone,inbound,move\n",
        encoding="utf-8",
    )
    w.run("import", "contacts", str(contacts))
    answers = tmp / "answers.jsonl"
    answers.write_text(
        json.dumps(
            {
                "ref": "A-1",
                "customer_number": key,
                "contact_ref": "W-1",
                "at": "2026-03-01T12:00:00Z",
                "channel": "survey",
                "satisfaction": 3,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    w.run("import", "feedback", str(answers))
    logins = tmp / "logins.csv"
    logins.write_text("login,at\nsanni.s,2026-03-03T09:00:00Z\n", encoding="utf-8")
    w.run("import", "logins", str(logins))


def _business_and_telephone_commands(w: CommandWalk, c: Any) -> None:
    """An organisation, a sole trader, a contact person's link and its end; a contract sold in
    an outbound call, its written offer and acceptance, and its end."""
    org = _customer_number(w.run(
        "customer", "add", "--kind", "legal", "--organisation", "Konepaja Oy",
        "--business-id", "1572860-0", "--source", "contract",
    ))  # fmt: skip
    # A sole trader: a natural person with a business ID.
    w.run(
        "customer", "add", "--source", "contract", "--first-names", "Pekka", "--last-name",
        "Puuseppä", "--hetu", "311280-888Y", "--business-id", "2617416-4",
    )  # fmt: skip
    added = w.run(
        "customer", "contact-person", "add", org, "--role", "invoice_receiver",
        "--first-names", "Liisa", "--last-name", "Laine", "--email",
        "liisa@konepaja.example.fi", "--source", "contract",
    )  # fmt: skip
    link = re.search(r"link (\d+)", added)
    assert link is not None, added
    w.run("customer", "contact-person", "list", org)
    w.run(
        "customer", "contact-person", "end", link.group(1), "--reason", "left",
        "--source", "customer_contact",
    )  # fmt: skip
    added = w.run(
        "customer", "representative", "add", c.customer_number, "--kind", "power_of_attorney",
        "--name", "Ville Valtuutettu", "--evidence", "power_of_attorney", "--evidence-ref",
        "valtakirja 2026-01-10", "--powers", "see_data,rights_requests", "--email",
        "ville@example.fi", "--source", "customer_contact",
    )  # fmt: skip
    rep = re.search(r"representative (\d+)", added)
    assert rep is not None, added
    w.run("customer", "representative", "list", c.customer_number)
    w.run(
        "request", "new", c.customer_number, "--kind", "objection", "--received-how",
        "signed_letter", "--representative", rep.group(1),
    )  # fmt: skip
    w.run(
        "customer", "representative", "end", rep.group(1), "--reason", "revoked",
        "--source", "customer_contact",
    )  # fmt: skip
    sales = as_staff(w.env, Role.CUSTOMER_SERVICE)  # contracts are customer service's
    sold = w.run(
        "contract", "add", c.customer_number, "--site", str(c.site_ids[1]), "--product",
        "Kiinteä 24 kk", "--start", "2026-03-01", "--source", "contract",
        "--sold-by-phone-call", "outbound", "--call-at", "2026-03-02T10:00+00:00", env=sales,
    )  # fmt: skip
    number = re.search(r"contract (S\d+)", sold)
    assert number is not None and "not in force" in sold, sold
    w.run("contract", "offer-sent", number.group(1), "--how", "email", env=sales)
    w.run("contract", "accepted", number.group(1), "--how", "signed", env=sales)
    w.run(
        "contract", "end", number.group(1), "--end-date", "2026-03-03", "--reason",
        "terminated_by_customer", "--source", "customer_contact", env=sales,
    )  # fmt: skip


def _customer_number(output: str) -> str:
    found = re.search(r"customer number (\d+)", output)
    assert found is not None, output
    return found.group(1)


def _recording_commands(w: CommandWalk, pid: int, tmp: Path) -> None:
    call = tmp / "call.wav"
    call.write_bytes(wav_bytes(0.5))
    added = w.run(
        "recording", "add", str(pid), str(call), "--recorded-at", "2026-03-02T09:15:00+02:00",
        "--duration", "1",
    )  # fmt: skip
    rid = added.split()[2]
    w.run("recording", "list", str(pid))
    w.run("recording", "play", rid)
    w.run("recording", "export", rid, "--out", str(tmp / "exported.wav"))


def _request_commands(w: CommandWalk, key: str, tmp: Path) -> None:
    def new(kind: str, *details: str) -> str:
        return _reference(
            w.run(
                "request", "new", key, "--kind", kind, "--received-how", "signed_letter", *details
            )
        )

    access = new("access")
    w.run("request", "list")
    w.run("request", "show", access)
    w.run("request", "verify", access, "--how", "signature_matched")
    w.run("request", "recording-copies", access, "--note", "only the person's own voice")
    # The command runs on the real clock and takes its day in Helsinki (between 22 and 24 UTC
    # that is already tomorrow there).
    today = dt.datetime.now(HELSINKI).date()
    w.run(
        "request", "extend", access, "--to", str(today + dt.timedelta(days=80)),
        "--reason", "many", "--notice-on", str(today),
    )  # fmt: skip
    w.run("request", "fulfil", access, "--out", str(tmp / "package.html"))
    w.run("request", "handed-over", access, "--how", "in_person", "--note", "at the office")
    w.run("request", "expire-packages")
    w.run("request", "close", access)
    again = new("access")
    w.run("request", "charge", again, "--decision", "waived", "--reason", "a second copy")
    w.run("request", "reject", again, "--reason", "asked twice the same day")
    fix = new("rectification", "--details", '{"changes": {"first_names": "Maija"}}')
    w.run("request", "verify", fix, "--how", "signature_matched")
    w.run("request", "changes", fix, "--set", "first_names=Maija Liisa")
    w.run("request", "fulfil", fix, "--out", str(tmp / "rectified"))


def _marketing_commands(w: CommandWalk, other: int, tmp: Path) -> None:
    w.run("consent", "show", str(other))
    w.run("consent", "link", str(other))
    w.run("segment", "add", "suomi", "--rule", "language=fi")
    w.run("segment", "list")
    w.run("segment", "show", "suomi")
    w.run("audience", "--channel", "email", "--purpose", "own_marketing", "--out", str(tmp / "a"))
    w.run(
        "campaign", "send", "Kevät", "--channel", "email", "--purpose", "own_marketing",
        "--segment", "suomi", "--out", str(tmp / "campaign.csv"),
    )  # fmt: skip


def _credit_commands(w: CommandWalk, c: Any) -> None:
    """A credit check against a real local service, refused; the person's review of it and
    billing's decision."""
    w.run(
        "recipient", "add", "Luottotieto", "--kind", "credit_reference", "--country", "FI",
        "--purpose", "customer_relationship",
    )  # fmt: skip
    refuse = {"decision": "refuse", "payment_default_entries": 2, "security_deposit_eur": "0.00"}
    with running() as service:
        service.answers[HETU] = refuse
        asking = as_staff(w.env, Role.CUSTOMER_SERVICE) | {
            "REKISTERI_CREDIT_CHECK_URL": service.url,
            "REKISTERI_CREDIT_CHECK_TOKEN": service.token,
        }
        checked = w.run("credit", "check", c.customer_number, env=asking)
    found = re.search(r"credit check (\d+)", checked)
    assert found is not None, checked
    w.run("credit", "show", c.customer_number)
    w.run("credit", "review", found.group(1), env=as_staff(w.env, Role.CUSTOMER_SERVICE))
    w.run(
        "credit", "decide", found.group(1), "--outcome", "upheld", "--note", "walk",
        env=as_staff(w.env, Role.BILLING),
    )  # fmt: skip


def _disclosure_commands(w: CommandWalk, c: Any, other: int, tmp: Path) -> None:
    for name, kind, purpose in (
        ("Asiakastieto", "credit_reference", "billing_and_collection"),
        ("Perintä", "collection_agency", "billing_and_collection"),
        ("Konserni", "subsidiary", "direct_marketing"),
        ("Poliisi", "authority", "legal_obligation"),
        ("Tutkimus", "research_institute", "service_quality"),
    ):
        w.run("recipient", "add", name, "--kind", kind, "--country", "FI", "--purpose", purpose)
    w.run("recipient", "list")
    # The record of processing, recipients in it: reads no person and changes nothing.
    w.run("ropa", "--format", "json")
    w.run("disclose", "asiakastieto", "--recipient", "Asiakastieto", "--out", str(tmp / "a.csv"))
    w.run("disclose", "collection", "--recipient", "Perintä", "--out", str(tmp / "p.csv"))
    w.run("disclose", "group-marketing", "--recipient", "Konserni", "--out", str(tmp / "k.csv"))
    w.run(
        "disclose", "authority", "--recipient", "Poliisi", "--reference", "P-1", "--request",
        "contact details", "--person", c.customer_number, "--category", "contact",
        "--out", str(tmp / "poliisi.csv"),
    )  # fmt: skip
    with w.reg.engine.connect() as conn:
        recording = conn.execute(
            select(call_recording.c.id).where(call_recording.c.person_id == c.person_id)
        ).scalar_one()
    w.run(
        "disclose", "recordings", "--recipient", "Tutkimus", "--recording", str(recording),
        "--study", "laatu", "--due", "2099-01-01", "--out", str(tmp / "loan.csv"),
    )  # fmt: skip
    w.run("disclose", "log", c.customer_number)
    w.run("loans", "list")
    with w.reg.engine.connect() as conn:
        loan = conn.execute(select(recording_loan.c.id)).scalar_one()
    w.run("loans", "close", str(loan), "--returned", "--evidence", "returned by courier")
    # A correction after the disclosures: Art. 19 notices to their recipients, one recorded as
    # sent and one as impossible.
    w.run(
        "customer", "rectify", c.customer_number, "--set", "last_name=Lahtinen",
        "--reason", "name change", "--source", "customer_contact",
    )  # fmt: skip
    pending = json.loads(w.run("notices", "list", "--json"))
    assert len(pending) >= 2, pending
    w.run("notices", "sent", str(pending[0]["id"]), "--how", "e-mail")
    w.run("notices", "impossible", str(pending[1]["id"]), "--reason", "the recipient has closed")
    _breach_commands(w, tmp)


def _breach_commands(w: CommandWalk, tmp: Path) -> None:
    """A breach of the DPO's own login (whose reads above are in the trail), told to the
    persons: its scope links them, the notices mark them told."""
    opened = w.run(
        "breach", "open", "--summary", "walk", "--kind", "confidentiality",
        "--aware-at", "2026-01-05T10:00", "--noticed-by", "the walk",
    )  # fmt: skip
    found = re.search(r"TL-\d{4}-\d{4}", opened)
    assert found is not None, opened
    ref = found.group(0)
    w.run("breach", "scope", ref, "--user", accounts.DEMO_USERS[Role.DPO])
    w.run(
        "breach", "assess", ref, "--risk", "high", "--notify-authority", "--notify-persons",
        "--reasons", "walk", *(f"--{n}-{lang}={n}" for n in ("consequences", "measures")
                               for lang in ("fi", "sv", "en")),
    )  # fmt: skip
    w.run("breach", "notify", ref, "--at", "2026-01-06T10:00", "--reference", "TSV-1")
    with smtp_server() as inbox:
        w.run(
            "breach", "notices", ref, "--letters", str(tmp / "letters"),
            env={"REKISTERI_SMTP_HOST": "127.0.0.1", "REKISTERI_SMTP_PORT": str(inbox.port)},
        )  # fmt: skip
    assert inbox.messages, "the walk's persons have e-mail addresses"
    w.run("breach", "list")
    w.run("breach", "show", ref, "--persons")


def _mail_commands(w: CommandWalk, pid: int) -> None:
    """A message queued for a person (as the preference centre queues its confirmation mail),
    sent by the job; the queue's state names no one."""
    message = EmailMessage()
    message["To"] = email_of(w.reg, pid)
    message["Subject"] = "walk"
    message.set_content("walk")
    with w.reg.unit_of_work(Actor("test")) as uow:
        outbox.queue(uow, pid, "walk", message)
    with smtp_server() as inbox:
        env = {"REKISTERI_SMTP_HOST": "127.0.0.1", "REKISTERI_SMTP_PORT": str(inbox.port)}
        w.run("mail", "send", env=env)
    # (The queue also held the notice of the access package fulfilled above.)
    assert [m["To"] for m in inbox.messages if m["Subject"] == "walk"] == [message["To"]]
    w.run("mail", "status")


def _rotation(w: CommandWalk, tmp: Path) -> None:
    """The move from a single key to a keyring, then a keyring with a new current key: every
    sealed value is sealed again under it."""
    w.run("keys", "keyring", "--out", str(tmp / "keyring.json"))
    ring = Keyring.from_text(w.env["REKISTERI_SECRET_KEY"]).rotated()
    w.env["REKISTERI_SECRET_KEY"] = ring.to_json()
    w.run("keys", "rotate")


# A walk of every route or command: minutes on two loaded cores, not the default 300 s.
@pytest.mark.timeout(900)
@pytest.mark.proves("P16.every-view-and-change-logged")
def test_every_command_audits_what_it_changed(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    walk = CommandWalk(register, settings)
    _command_steps(walk, tmp_path)
    assert every_command() - walk.exercised - NOT_RUN.keys() == set(), "a command not walked"
    assert walk.failures == [], "\n".join(walk.failures)
