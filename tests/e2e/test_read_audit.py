"""Every read of personal data notes exactly the categories it returned, of the persons it
returned (issue 14 item 3: a read noting categories it never returned over-claims).

An independent witness, like the change walk: each read path (API GET routes, staff pages,
read commands, the access and portability packages) runs in process against a register with a
customer holding data of every kind and a person holding little, and the read entries it
appended are compared, person by person, with
- the categories the register holds of the person at all: a category noted that the person has
  no row of was never returned (an empty answer notes nothing) - over-claiming;
- the categories whose values of the person appear in the answer (each a value found in one
  category of one person only, e.g. the street of a site, a contract number): one that appears
  but is not noted is under-claiming.
The test fails for a GET route or read command it does not exercise unless it is listed with
the reason it returns no personal data (commands that change data are the change walk's).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.credit_information import CreditInformationClient
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.register import call_recording, person
from rekisteri.catalogue import Category, Role
from rekisteri.config import Settings, file_store_path
from rekisteri.domain.drafts import ContactPointDraft
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.api.deps import all_routes
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import accounts
from rekisteri.services.access.disclosures import add_recipient
from rekisteri.services.credit import checks
from rekisteri.services.marketing import preferences
from rekisteri.services.marketing.links import LinkKind, LinkPayload, sign
from rekisteri.services.register import customers
from rekisteri.services.register.subjects import belongs_to, personal_tables
from rekisteri.services.unit_of_work import Actor, RegisterApp
from rekisteri.services.updates.address_changes import import_address_changes
from tests.e2e.test_change_audit import NOT_WITNESSED, every_command, last_seq
from tests.integration.marketing_helpers import add_person, consent
from tests.integration.test_address_changes import HEADER, notice, resident
from tests.support import package_links
from tests.support.audio import wav_bytes
from tests.support.cli_login import as_staff, with_login
from tests.support.clock import FakeClock
from tests.support.credit_service import running
from tests.support.payments import billed_customer, notification, pay, run_import
from tests.support.people import EMAIL as rich_email
from tests.support.people import HETU, make_customer
from tests.support.staff import tokens_per_role

# Routes and commands that return no personal data, with the reason.
NO_PERSONAL_DATA = {
    "GET /healthz": "the server's and the database's state",
    "GET /api/v1/audit/verify": "whether the chain is intact: counts and hashes",
    "GET /api/v1/retention/last-run": "counts of the last retention run",
    "GET /": "a public page",
    "GET /privacy": "the privacy statement",
    "GET /tietosuoja": "the privacy statement",
    "GET /dataskydd": "the privacy statement",
    "GET /login": "the login form",
    "GET /login/code": "the login's second step: a form for the staff user's own code",
    "GET /login/enrol": "the staff user's own second-factor secret; no person's data",
    "GET /login/sso": "a redirect to the company's OpenID provider",
    "GET /login/sso/callback": "the provider's answer: a staff session (tests/browser)",
    "GET /request": "the empty public request form",
    "init": "migrates the database",
    "serve": "serves the routes walked here",
    "demo": "makes synthetic persons (its writes are in the change walk)",
    "notice": "the privacy statement",
    "ropa": "the record of processing: catalogue, settings, recipients (organisations)",
    "GET /console/ropa": "the record of processing: catalogue, settings, recipients",
    "GET /console/ropa.pdf": "the record of processing as PDF",
    "GET /console/ropa.json": "the record of processing as JSON",
    "GET /console/admin": "staff accounts, roles, tokens, lock-outs and counts of sealed values",
    "GET /console/retention": "the latest retention run or preview: counts",
    "GET /console/recipients": "the recipients, organisations",
    "GET /console/segments": "the segments' definitions and counts of persons placed",
    "audit verify": "whether the chain is intact: counts and hashes",
    "retention last": "counts of the last retention run",
    "recipient list": "the recipients, organisations",
    "segment list": "the segments' definitions",
    "keys rotate": "re-seals values; it shows counts (in the change walk)",
    "user add": "staff accounts (in the change walk)",
    "user token": "staff tokens (in the change walk)",
    "user reset-second-factor": "a staff account's second factor (in the change walk)",
    "user role": "a staff account's role (in the change walk)",
    "keys keyring": "writes a keyring file of keys; no person's data",
    "login": "a staff user's token; no person's data",
    "logout": "revokes the staff user's token",
    "whoami": "the logged-in staff user",
    "user system-actor list": "the jobs' system actors and who enabled them",
    "backup": "writes the register encrypted and shows none of it; the copy is one audit "
    "entry (test_backups)",
    "task list": "staff tasks: a kind, the table and id of the row concerned, a reason",
    "mail status": "counts of the mail queue",
}
# Commands that change data; their reads are not the point here (the change walk runs them).
WRITE_COMMANDS = {
    "customer add", "customer rectify", "import datahub", "import bans", "import invoices",
    "request new",
    "request verify", "request extend", "request charge", "request fulfil", "request reject",
    "request close", "retention run", "recipient add", "segment add", "campaign send",
    "disclose asiakastieto", "disclose collection", "disclose group-marketing",
    "disclose authority", "disclose recordings", "loans close", "consent link",
    "request changes", "notices sent", "notices impossible", "user system-actor enable",
    "user system-actor disable", "contact add", "feedback add", "device add", "device remove",
    "self-service register", "self-service close", "import contacts", "import feedback",
    "import logins",
    "customer contact-person add", "customer contact-person end",
    "customer representative add", "customer representative end",
    "contract add", "contract offer-sent", "contract accepted", "contract end",
    "recording add", "request recording-copies",
    "restore",
    "breach open", "breach scope", "breach assess",
    "breach notify", "breach notices",
        "import payments", "task done", "mail send", "import market-events",
        "import trade-register", "import address-changes", "import population",
        "import payments", "task done",
    "credit check", "credit review", "credit decide",
    "request handed-over", "request expire-packages",
    "archive sync", "archive totals",
}  # fmt: skip

# The organisation _setup registers (its customer number: the third person registered).
ORGANISATION = "100003"
ENUM_LIKE = re.compile(r"^[a-z_.]+$")  # vocabulary, and names such as contract.product


def _text(value: Any) -> str | None:
    """A stored value as it would appear in an answer, when it can be told apart."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        # As answers and the history (which keeps values as text) show a date.
        value = value.isoformat()
    if not isinstance(value, str) or ENUM_LIKE.match(value):
        return None
    if value.startswith("system:"):  # a job's name (who made a change) is vocabulary
        return None
    if value.isdigit() and len(value) < 8:  # short numbers turn up anywhere
        return None
    return value if len(value) >= 6 else None


def held_and_values(reg: RegisterApp, pid: int) -> tuple[set[str], dict[str, set[str]]]:
    """The categories the register holds of the person, and per category the person's values
    that an answer would show as they are (sealed ones opened: a masked identity code still
    shows its date part)."""
    # Every person has consent settings (no event: the default), shown as a state.
    held = {Category.MARKETING.value}
    values: dict[str, set[str]] = {}
    encrypted = {a.key for a in reg.catalogue.encrypted()}
    with reg.engine.connect() as conn:
        for spec in personal_tables(reg.catalogue):
            if spec.name in NOT_WITNESSED:
                continue
            table = metadata.tables[spec.name]
            rows = conn.execute(select(table).where(belongs_to(spec, pid))).mappings().all()
            for attr in reg.catalogue.for_table(spec.name) if rows else ():
                found = [r[c] for r in rows for c in attr.columns if r[c] is not None]
                if not found:
                    continue
                held.add(attr.category.value)
                if attr.key in encrypted:
                    ct, key = attr.columns[:2]
                    opened = [reg.cipher.open(attr.key, r[ct], r[key]) for r in rows if r[ct]]
                    found = [v for o in opened for v in (o, o[:7])]
                values.setdefault(attr.category.value, set()).update(
                    t for t in map(_text, found) if t
                )
        logged = conn.execute(
            select(audit_subject.c.seq).where(audit_subject.c.person_id == pid).limit(1)
        ).first()
    if logged:
        held.add(Category.ACCESS_LOG.value)
    return held, values


def markers(
    values: dict[int, dict[str, set[str]]],
) -> dict[int, dict[str, set[str]]]:
    """Per person and category the values found in no other category and no other person's
    data (a town or a shared e-mail address tells nothing)."""
    every = [(p, c, v) for p, cats in values.items() for c, vs in cats.items() for v in vs]
    found: dict[int, dict[str, set[str]]] = {}
    for p, c, v in every:
        if not any(v in o or o in v for q, d, o in every if (q, d) != (p, c)):
            found.setdefault(p, {}).setdefault(c, set()).add(v)
    return found


def noted(reg: RegisterApp, since: int) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    with reg.engine.connect() as conn:
        rows = conn.execute(
            select(audit_entry.c.person_ids, audit_entry.c.categories).where(
                audit_entry.c.seq > since,
                audit_entry.c.action == "read",
                audit_entry.c.outcome == "allowed",  # a refusal returned nothing
            )
        ).all()
    for persons, categories in rows:
        for p in (persons or "").split():
            found.setdefault(int(p), set()).update((categories or "").split())
    return found


class ReadWalk:
    def __init__(self, reg: RegisterApp, settings: Settings, persons: list[int]) -> None:
        self.reg = reg
        self.persons = persons
        self.client = TestClient(create_app(reg), base_url="https://testserver")
        self.tokens = tokens_per_role(reg)
        self.env = with_login(
            {
                "REKISTERI_DATABASE_URL": settings.database_url,
                "REKISTERI_SECRET_KEY": settings.secret_key or "",
                "REKISTERI_FILE_STORE_DIR": str(file_store_path(settings)),
                "COLUMNS": "300",
            }
        )
        self.exercised: set[str] = set()
        self.failures: list[str] = []
        self.paths = 0

    def witness(self, name: str, read: Callable[[], str]) -> str:
        self.exercised.add(name)
        self.paths += 1
        known = {p: held_and_values(self.reg, p) for p in self.persons}
        marks = markers({p: values for p, (_, values) in known.items()})
        since = last_seq(self.reg)
        answer = read()
        said = noted(self.reg, since)
        for pid in self.persons:
            held = known[pid][0]
            shown = {c for c, ms in marks.get(pid, {}).items() if any(m in answer for m in ms)}
            claimed = said.get(pid, set())
            never = claimed - held
            under = shown - claimed
            if never:
                self.failures.append(f"{name}: person {pid} has no {sorted(never)} but noted")
            if under:
                self.failures.append(f"{name}: person {pid} returned {sorted(under)}, not noted")
        return answer

    def get(self, route: str, role: Role | None = None, **given: Any) -> None:
        """GET as `role` (or the first role allowed to)."""
        params = given.pop("params", None)
        path = route.format(**given)

        def read() -> str:
            for r in [role] if role else list(Role):
                headers = {"Authorization": f"Bearer {self.tokens[r]}"}
                answer = self.client.get(path, params=params, headers=headers)
                if answer.status_code != 403:
                    break
            assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
            return answer.text

        suffix = f" as {role.value}" if role else ""
        self.witness(f"GET {route}{suffix}", read)
        self.exercised.add(f"GET {route}")

    def run(self, *args: str, file: Path | None = None, role: Role | None = None) -> str:
        """The command as the walk's login (the DPO), or as a user of `role`."""
        known = every_command()
        name = next(" ".join(args[:n]) for n in (3, 2, 1) if " ".join(args[:n]) in known or n == 1)
        env = as_staff(self.env, role) if role else self.env

        def read() -> str:
            done = CliRunner().invoke(cli, list(args), env=env)
            assert done.exit_code == 0, (args, done.output)
            return done.output + (file.read_text(encoding="utf-8") if file else "")

        return self.witness(name, read)


def _setup(reg: RegisterApp, settings: Settings, tmp: Path) -> tuple[Any, int]:
    rich = make_customer(reg, ended_on=dt.date(2025, 6, 30))
    sparse = add_person(reg, first="Outi", last="Harvala")
    consent(reg, rich.person_id, "own_marketing", "letter", "granted")
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "REKISTERI_FILE_STORE_DIR": str(file_store_path(settings)),
        }
    )
    datahub = tmp / "readings.csv"
    call = tmp / "call.wav"
    call.write_bytes(wav_bytes(0.5))
    datahub.write_text(
        "Mittauspisteen tunnus;Tuotteen tyyppi;Resoluutio;Yksikkötyyppi;Lukeman tyyppi;"
        "Alkuaika;Määrä;Laatu\n"
        f"{rich.gsrns[1]};8716867000030;PT1H;kWh;BN01;2025-01-01T22:00:00Z;1,500000;OK\n"
    )
    for args in (
        ["import", "datahub", str(datahub)],
        ["request", "new", rich.customer_number, "--kind", "objection",
         "--received-how", "signed_letter"],
        ["recipient", "add", "Poliisi", "--kind", "authority", "--country", "FI",
         "--purpose", "legal_obligation"],
        ["disclose", "authority", "--recipient", "Poliisi", "--reference", "P-1", "--request",
         "contact details", "--person", rich.customer_number, "--category", "contact",
         "--out", str(tmp / "poliisi.csv")],
        ["segment", "add", "suomi", "--rule", "language=fi"],
        # The person holding little acts for an organisation (their link is theirs).
        ["customer", "add", "--kind", "legal", "--organisation", "Konepaja Oy",
         "--business-id", "1572860-0", "--source", "contract"],
        ["customer", "contact-person", "add", ORGANISATION, "--person", str(sparse),
         "--role", "signatory", "--source", "contract"],
        # Someone acts for the rich person: their representation is the person's data.
        ["customer", "representative", "add", rich.customer_number, "--kind", "guardian",
         "--name", "Eero Edunvalvoja", "--evidence", "court_decision", "--evidence-ref",
         "H 25/1234", "--street", "Valvojankatu 3", "--postal-code", "00500",
         "--post-office", "Helsinki", "--source", "authority"],
        ["recording", "add", rich.customer_number, str(call), "--recorded-at",
         "2026-03-02T09:15:00+02:00", "--duration", "1"],
        ["breach", "open", "--summary", "walk", "--kind", "confidentiality", "--aware-at",
         "2026-01-05T10:00", "--noticed-by", "the walk"],
        ["breach", "scope", "TL-2026-0001", "--user", accounts.DEMO_USERS[Role.DPO]],
    ):  # fmt: skip
        done = CliRunner().invoke(cli, args, env=env)
        assert done.exit_code == 0, (args, done.output)
    _credit_check(reg, rich.person_id)
    return rich, sparse


def _credit_check(reg: RegisterApp, person_id: int) -> None:
    """A credit check of the rich person, asked of a real local service: `credit show` and the
    person's pages and packages then have one to show."""
    with reg.unit_of_work(Actor("tietosuoja.dpo", Role.DPO)) as uow:
        add_recipient(uow, "Luottotieto", "credit_reference", "FI", ["customer_relationship"])
    with running() as service:
        service.answers[HETU] = {
            "decision": "deposit",
            "payment_default_entries": 1,
            "security_deposit_eur": "180.00",
        }
        client = CreditInformationClient(service.url, service.token, 5.0)
        checks.check(
            reg, Actor("asiakaspalvelu.anna", Role.CUSTOMER_SERVICE), person_id, client.query
        )


def _organisation_id(reg: RegisterApp) -> int:
    with reg.engine.connect() as conn:
        found = conn.execute(
            select(person.c.id).where(person.c.customer_number == ORGANISATION)
        ).scalar_one()
    return int(found)


def stored_recording(reg: RegisterApp) -> int:
    """The recording whose audio is in the register's file store (the setup's)."""
    with reg.engine.connect() as conn:
        return int(
            conn.execute(
                select(call_recording.c.id).where(call_recording.c.file_ref.like("store:%"))
            ).scalar_one()
        )


def _api_reads(w: ReadWalk, rich: Any, sparse: int, reference: str) -> None:
    for key in (rich.customer_number, str(sparse)):
        for role in (Role.CUSTOMER_SERVICE, Role.BILLING, Role.DPO):
            w.get("/api/v1/persons/{key}", role, key=key)
        w.get("/api/v1/persons/{key}/identity-code", Role.CUSTOMER_SERVICE, key=key)
        w.get("/api/v1/persons/{key}/marketing", key=key)
        w.get(
            "/api/v1/persons/{key}/consumption",
            key=key,
            params={"from": "2025-01-01", "to": "2025-01-31"},
        )
        w.get("/api/v1/persons/{key}/disclosures", key=key)
        w.get("/api/v1/persons/{key}/contacts", Role.CUSTOMER_SERVICE, key=key)
        w.get("/api/v1/audit/persons/{key}", key=key)
        w.get("/api/v1/persons/{key}/recordings", key=key)
        w.get("/api/v1/persons/{key}/credit-checks", Role.BILLING, key=key)
    w.get("/api/v1/recordings/{recording_id}/audio", recording_id=stored_recording(w.reg))
    for q in ("Meikäläinen", "Harvala", "Nobody"):
        w.get("/api/v1/search", Role.CUSTOMER_SERVICE, params={"q": q})
    w.get("/api/v1/persons/{person_id}/contact-persons", person_id=_organisation_id(w.reg))
    w.get("/api/v1/persons/{key}/representatives", key=rich.customer_number)
    w.get("/api/v1/requests")
    w.get("/api/v1/requests/{reference}", reference=reference)
    w.get("/api/v1/recording-loans/overdue")
    w.get("/api/v1/recipient-notifications")
    w.get("/api/v1/breaches")
    w.get("/api/v1/breaches/{reference}", reference="TL-2026-0001", params={"persons": "true"})


def _web_reads(w: ReadWalk, rich: Any, sparse: int, reference: str) -> None:
    for key in (rich.customer_number, str(sparse)):
        for role in (Role.CUSTOMER_SERVICE, Role.BILLING, Role.DPO):
            w.get("/console/persons/{key}", role, key=key)
    for q in ("Meikäläinen", "Harvala"):
        w.get("/console", Role.CUSTOMER_SERVICE, params={"q": q})
    w.get("/console/dpo", Role.DPO)
    w.get("/console/dpo", Role.DPO, params={"show": "all", "q": "Meikäläinen"})
    w.get("/console/dpo/requests/{reference}", Role.DPO, reference=reference)
    w.get("/console/breaches", Role.DPO)
    w.get("/console/marketing", Role.MARKETING)
    w.get(
        "/console/marketing/audience.csv",
        Role.MARKETING,
        params={"channel": "letter", "purpose": "own_marketing"},
    )
    with w.reg.reading(Actor("test")) as uow:
        settings = preferences.settings_link(uow, rich.person_id).rsplit("/", 1)[1]
        unsubscribe = preferences.unsubscribe_link(uow, rich.person_id, "own_marketing", "letter")
        confirm = sign(
            uow.cipher,
            LinkPayload(
                LinkKind.CONFIRM,
                rich.person_id,
                uow.now() + dt.timedelta(hours=1),
                {"purpose": "own_marketing", "channel": "email", "email": rich_email},
            ),
        )
    w.witness(
        "GET /preferences/confirm/{token}",
        lambda: w.client.get(f"/preferences/confirm/{confirm}").text,
    )
    w.witness("GET /preferences/{token}", lambda: w.client.get(f"/preferences/{settings}").text)
    # The person's own access package, its link opened (the page asks for the one-time code).
    package_links.fulfilled_access(w.reg, rich.person_id)
    token = package_links.link_token(w.reg, rich.person_id)
    w.witness("GET /package/{token}", lambda: w.client.get(f"/package/{token}").text)
    w.witness(
        "GET /preferences/unsubscribe/{token}",
        lambda: w.client.get(f"/preferences/unsubscribe/{unsubscribe.rsplit('/', 1)[1]}").text,
    )


def _command_reads(w: ReadWalk, rich: Any, sparse: int, reference: str, tmp: Path) -> None:
    for key in (rich.customer_number, str(sparse)):
        w.run("customer", "show", key)
        w.run("consent", "show", key)
        w.run("consumption", "show", key, "--from", "2025-01-01", "--to", "2025-01-31")
        w.run("disclose", "log", key)
        w.run("contact", "list", key)
        w.run("audit", "person", key)
        w.run("recording", "list", key)
        w.run("credit", "show", key)
    w.run("recording", "play", str(stored_recording(w.reg)))
    exported = tmp / "exported.wav"
    w.run("recording", "export", str(stored_recording(w.reg)), "--out", str(exported))
    for q in ("Meikäläinen", "Harvala", "Nobody"):
        w.run("customer", "search", q)
    w.run("customer", "contact-person", "list", ORGANISATION)
    w.run("customer", "representative", "list", rich.customer_number)
    w.run("request", "list")
    w.run("request", "show", reference)
    # The access and portability packages of a person with little data: what they hold.
    for kind in ("access", "portability"):
        made = CliRunner().invoke(
            cli,
            ["request", "new", str(sparse), "--kind", kind, "--received-how", "signed_letter"],
            env=w.env,
        )
        ref = re.findall(r"R\d{4}-\d{5}", made.output)[0]
        verified = ["request", "verify", ref, "--how", "signature_matched"]
        assert CliRunner().invoke(cli, verified, env=w.env).exit_code == 0
        w.run("request", "fulfil", ref, "--out", str(tmp))
    w.run("loans", "list")
    w.run("notices", "list", "--all")
    w.run("breach", "list")
    w.run("breach", "show", "TL-2026-0001", "--persons")
    w.run("segment", "show", "suomi")
    out = tmp / "audience.csv"
    w.run(
        "audience", "--channel", "letter", "--purpose", "own_marketing", "--out", str(out), file=out
    )
    _task_reads(w, tmp)


def _task_reads(w: ReadWalk, tmp: Path) -> None:
    """A payment task's payment, read by billing: an over-payment of a customer's invoice (the
    customer is witnessed too) and a payment no invoice has (it names nobody)."""
    billed = billed_customer(w.reg, 7)
    w.persons.append(billed.person_id)
    run_import(
        w.reg,
        notification(
            tmp / "bank.xml",
            pay(billed.open_reference, "WALKREAD-1", "200.00"),
            pay("1234561", "WALKREAD-2", payer_name="Tuntematon Maksaja"),
        ),
    )
    for task in json.loads(w.run("task", "list", "--json")):
        w.run("task", "show", str(task["id"]), role=Role.BILLING)
    _notice_reads(w)


def _notice_reads(w: ReadWalk) -> None:
    """An address-change notice held for staff, read by customer service: one linked to the
    person whose newer address stood (witnessed), one no person matched (it names nobody)."""
    pid = resident(w.reg, first="Walk", last="Reader", street="Lukutie 1")
    w.persons.append(pid)
    with w.reg.unit_of_work(Actor("asiakaspalvelu.anna")) as uow:
        customers.add_contact_point(
            uow,
            pid,
            ContactPointDraft(
                ContactKind.POSTAL, street="Omatie 4", postal_code="00200",
                post_office="Helsinki", valid_from=dt.date(2026, 3, 2),
            ),
            Provenance.of("customer_contact", uow.now()),
        )  # fmt: skip
    clock = w.reg.clock
    assert isinstance(clock, FakeClock)
    lines = (
        notice(1, last="Reader", first="Walk", previous="Lukutie 1"),
        # Nothing in common with the first: its values are nobody's.
        "MV-2;Nieminen;Nea;Puistokatu 4;00140;;Storgatan 2;65100;Vasa;;2026-02-14\n",
    )
    for n, line in enumerate(lines):
        clock.advance(seconds=1)  # each held at its own moment
        with w.reg.unit_of_work(Actor.system("system:import-address-changes")) as uow:
            import_address_changes(uow, f"walk-{n}.csv", (HEADER + line).encode())
    for task in json.loads(w.run("task", "list", "--kind", "address_notice", "--json")):
        w.run("task", "notice", str(task["id"]), role=Role.CUSTOMER_SERVICE)


# A walk of every route or command: minutes on two loaded cores, not the default 300 s.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("part", ["api", "web", "cli"])
def test_every_read_notes_what_it_returned(
    register: RegisterApp, settings: Settings, tmp_path: Path, part: str
) -> None:
    rich, sparse = _setup(register, settings, tmp_path)
    walk = ReadWalk(register, settings, [rich.person_id, sparse])
    reference = re.findall(r"R\d{4}-\d{5}", walk.run("request", "list"))[0]
    if part == "api":
        _api_reads(walk, rich, sparse, reference)
        wanted = {
            f"GET {r.path}"
            for r in all_routes(walk.client.app)
            if r.path.startswith("/api/") and "GET" in (getattr(r, "methods", None) or ())
        }
    elif part == "web":
        _web_reads(walk, rich, sparse, reference)
        wanted = {
            f"GET {r.path}"
            for r in all_routes(walk.client.app)
            if not r.path.startswith(("/api/", "/openapi", "/docs", "/redoc", "/static"))
            and "GET" in (getattr(r, "methods", None) or ())
        }
    else:
        _command_reads(walk, rich, sparse, reference, tmp_path)
        wanted = every_command() - WRITE_COMMANDS
    not_walked = wanted - walk.exercised - NO_PERSONAL_DATA.keys()
    assert not_walked == set(), "a read path the witness does not walk"
    assert walk.failures == [], "\n".join(walk.failures)
