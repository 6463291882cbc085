"""The turvakielto walk (issue 16, Done-when): every output that can carry an address, for a
register holding a person with a turvakielto and distinctive addresses (tests/support/protected),
fails the test if one of those addresses appears where it must not.

What may appear where is derived from the catalogue's rule (catalogue/protection.py): a staff
output shows a role only the addresses NEEDED_BY gives it; an audience list, a mailing list,
a group-marketing, Asiakastieto or collection hand-over, a letter's envelope and a search by
address show none, whoever runs them; the access package is the person's own and shows all;
an authority's request gets what the law makes the register give (all).

The outputs are enumerated from the app: every GET route of the API and the pages (per role,
every role), every command of the CLI (per role, every staff role), each either walked here
or listed with the reason it cannot carry an address; a new route or command fails the test
until it is placed. On both databases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.breach import breach
from rekisteri.catalogue import Role
from rekisteri.catalogue.protection import NEEDED_BY
from rekisteri.config import Settings, file_store_path
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.api.deps import all_routes
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_change_audit import every_command
from tests.integration.marketing_helpers import add_person, consent
from tests.support.cli_login import as_staff, with_login
from tests.support.protected import MARKS, STREETS, Protected, make_protected
from tests.support.staff import tokens_per_role

STAFF_ROLES = (Role.CUSTOMER_SERVICE, Role.BILLING, Role.MARKETING, Role.DPO)
EVERYONE: set[str] = set(MARKS)
NOBODY: set[str] = set()
FROM = ("--from", "2025-01-01", "--to", "2025-01-31")

# Outputs that cannot carry a stored address, with the reason (the rest are walked).
NO_ADDRESS = {
    "GET /api/v1/persons/{key}/representatives": "the representatives' own addresses, never "
    "the person's (catalogue/protection.NOT_THE_PERSONS)",
    "customer representative list": "the representatives' own addresses",
    "customer representative add": "records a representative and their own address",
    "customer representative end": "ends a representation",
    "mail send": "sends queued e-mail the register wrote: an e-mail address, no postal address",
    "mail status": "counts of the mail queue",
    "GET /api/v1/persons/{key}/credit-checks": "a credit check's decision, payment-default "
    "count and deposit: no address",
    "credit show": "a credit check's decision, payment-default count and deposit: no address",
    "GET /login/code": "the login's second step: no person's data",
    "GET /login/enrol": "the second factor's set-up: no person's data",
    "GET /login/sso": "sends the browser to the identity provider",
    "GET /login/sso/callback": "the identity provider's answer: a staff login",
    "GET /console/dpo/requests/{reference}": "a request: the requester's own words and contact "
    "as they wrote them, the person by customer number and name; no stored address",
    "task notice": "a held address-change notice: a protected person's addresses withheld as "
    "in the person view (test_non_disclosure: a held address notice)",
    "GET /healthz": "the server's and the database's state",
    "GET /api/v1/audit/verify": "whether the chain is intact: counts and hashes",
    "GET /api/v1/retention/last-run": "counts of the last retention run",
    "GET /api/v1/recordings/{recording_id}/audio": "call audio",
    "GET /": "a public page",
    "GET /privacy": "the privacy statement",
    "GET /tietosuoja": "the privacy statement",
    "GET /dataskydd": "the privacy statement",
    "GET /login": "the login form",
    "GET /request": "the empty public request form",
    "GET /console/ropa": "the record of processing: catalogue, settings, recipients",
    "GET /console/ropa.pdf": "the record of processing",
    "GET /console/ropa.json": "the record of processing",
    "GET /console/admin": "staff accounts, roles, tokens and counts of sealed values: no address",
    "GET /console/retention": "counts of the latest retention run or preview",
    "GET /console/recipients": "the recipients, organisations",
    "GET /console/segments": "the segments' rules and counts of persons placed: no address",
    "GET /preferences/{token}": "the person's own page, opened with their signed link",
    "GET /preferences/confirm/{token}": "the person's own confirmation, by their signed link",
    "GET /preferences/unsubscribe/{token}": "the person's own page, by their signed link",
    "GET /package/{token}": "the person's own access package page, by their link",
    "init": "migrates the database",
    "serve": "serves the routes walked here",
    "demo": "synthetic persons of its own",
    "notice": "the privacy statement",
    "ropa": "the record of processing",
    "audit verify": "counts and hashes",
    "retention last": "counts of the last retention run",
    "retention run": "counts of what was erased",
    "recipient list": "the recipients, organisations",
    "recipient add": "an organisation",
    "segment list": "the segments' definitions",
    "segment add": "a segment's rules",
    "keys rotate": "counts of re-sealed values",
    "keys keyring": "a keyring file",
    "user add": "a staff account",
    "user token": "a staff token",
    "user system-actor list": "the jobs' system actors",
    "user system-actor enable": "a job's system actor",
    "user system-actor disable": "a job's system actor",
    "login": "a staff token",
    "logout": "revokes a staff token",
    "whoami": "the staff user",
    "backup": "an encrypted copy; shows none of it",
    "restore": "reads an encrypted copy back; shows counts",
    "task list": "a task's kind, table, id and reason",
    "task show": "a payment a task concerns: payer, amount, reference (no address column)",
    "task done": "closes a task",
    "recording play": "call audio",
    "recording export": "call audio",
    "recording add": "stores call audio",
    "customer contact-person list": "an organisation's contact persons: names and roles",
    "GET /api/v1/persons/{person_id}/contact-persons": "an organisation's contact persons: "
    "names and roles (a turvakielto protects a natural person)",
    "loans list": "research loans of recordings: study and dates",
    "loans close": "closes a loan",
    "disclose recordings": "call recordings lent for research (audio, no address)",
    "segment show": "a segment's rules and its members' numbers and names",
}
# Commands that change data and print what they did (a number, an id, a reference, a count):
# none prints a stored address back.
CHANGES = {
    "customer add", "customer rectify", "customer contact-person add",
    "customer contact-person end", "contract add", "contract offer-sent", "contract accepted",
    "contract end", "contact add", "feedback add", "device add", "device remove",
    "import datahub", "import bans", "import invoices", "import payments", "import contacts",
    "import feedback", "import logins", "request new", "request verify", "request extend",
    "request charge", "request reject", "request close", "request changes",
    "request recording-copies", "notices sent", "notices impossible", "consent link",
    "self-service register", "self-service close", "breach open", "breach scope",
    "breach assess", "breach notify", "credit check", "credit review", "credit decide",
    "import population", "import trade-register", "import address-changes",
    "import market-events", "user reset-second-factor", "request handed-over",
    "request expire-packages", "user role", "archive sync", "archive totals",
}  # fmt: skip


def staff_may_see(role: Role | None) -> set[str]:
    """The protected addresses a staff output may show `role`: what the rule gives it."""
    if role is None:
        return EVERYONE
    return {key for key in MARKS if role in NEEDED_BY[key]}


class Walk:
    def __init__(self, reg: RegisterApp, settings: Settings, p: Protected, tmp: Path) -> None:
        self.reg, self.p, self.tmp = reg, p, tmp
        self.client = TestClient(create_app(reg), base_url="https://testserver")
        self.tokens = tokens_per_role(reg)
        env = with_login(
            {
                "REKISTERI_DATABASE_URL": settings.database_url,
                "REKISTERI_SECRET_KEY": settings.secret_key or "",
                "REKISTERI_FILE_STORE_DIR": str(file_store_path(settings)),
                "COLUMNS": "300",
            }
        )
        self.envs = {role: as_staff(env, role) for role in STAFF_ROLES}
        self.exercised: set[str] = set()
        self.failures: list[str] = []
        self.outputs = 0

    def check(self, name: str, text: str, may: set[str]) -> None:
        self.outputs += 1
        shown = {key for key, mark in MARKS.items() if mark in text}
        if shown - may:
            self.failures.append(f"{name}: shows {sorted(shown - may)}")

    def get(
        self,
        route: str,
        params: dict[str, Any] | None = None,
        may: Callable[[Role | None], set[str]] = staff_may_see,
        **given: Any,
    ) -> None:
        """GET as every role; each answer the role is served is checked."""
        path, served = route.format(**given), 0
        for role in Role:
            headers = {"Authorization": f"Bearer {self.tokens[role]}"}
            answer = self.client.get(path, params=params, headers=headers)
            if answer.status_code in (401, 403):
                continue
            assert answer.status_code == 200, f"{path} as {role}: {answer.text[:300]}"
            text = answer.text
            for asked in map(str, (params or {}).values()):  # a search echoes its words
                for form in (asked, quote(asked), quote_plus(asked)):
                    text = text.replace(form, "")
            self.check(f"GET {path} {params or ''} as {role.value}", text, may(role))
            served += 1
        assert served, f"{path}: no role is served"
        self.exercised.add(f"GET {route}")

    def run(
        self,
        *args: str,
        out: Path | None = None,
        may: Callable[[Role | None], set[str]] = staff_may_see,
        roles: tuple[Role, ...] = STAFF_ROLES,
    ) -> str:
        """The command as each staff role; its output and the files it wrote are checked."""
        known = every_command()
        name = next(" ".join(args[:n]) for n in (3, 2, 1) if " ".join(args[:n]) in known)
        said, served = "", 0
        for role in roles:
            done = CliRunner().invoke(cli, list(args), env=self.envs[role])
            if done.exit_code == 1 and "not allowed" in done.output:
                continue
            assert done.exit_code == 0, (args, role, done.output)
            files = sorted(out.rglob("*")) if out and out.is_dir() else [out] if out else []
            text = done.output + "".join(
                f.read_text(encoding="utf-8", errors="replace") for f in files if f.is_file()
            )
            self.check(f"{' '.join(args)} as {role.value}", text, may(role))
            said, served = done.output, served + 1
        assert served, f"{name}: no staff role may run it"
        self.exercised.add(name)
        return said


def _never(_: Role | None) -> set[str]:
    return NOBODY


def _all(_: Role | None) -> set[str]:
    return EVERYONE


def _setup(reg: RegisterApp, tmp: Path) -> tuple[Protected, int]:
    p = make_protected(reg, email=False)  # reached by letter: the breach notice is one
    other = add_person(reg, first="Olli", last="Tavallinen")
    for purpose in ("own_marketing", "group_marketing", "research", "newsletter", "magazine"):
        for channel in Channel:
            consent(reg, other, purpose, channel.value, "granted")
    return p, other


def _prepare(w: Walk) -> dict[str, str]:
    """Recipients, a breach whose scope holds the protected person, and a request of theirs."""
    dpo, p = w.envs[Role.DPO], w.p
    for args in (
        ["recipient", "add", "Luottotieto Oy", "--kind", "credit_reference", "--country", "FI",
         "--purpose", "billing_and_collection", "--agreement", "LT-1"],
        ["recipient", "add", "Perintä Oy", "--kind", "collection_agency", "--country", "FI",
         "--purpose", "billing_and_collection", "--agreement", "PO-1"],
        ["recipient", "add", "Konserni Oy", "--kind", "subsidiary", "--country", "FI",
         "--purpose", "direct_marketing", "--agreement", "KO-1"],
        ["recipient", "add", "Poliisi", "--kind", "authority", "--country", "FI",
         "--purpose", "legal_obligation"],
        ["segment", "add", "suomi", "--rule", "language=fi"],
        ["request", "new", p.customer_number, "--kind", "objection",
         "--received-how", "signed_letter"],
        ["breach", "open", "--summary", "walk", "--kind", "confidentiality", "--aware-at",
         "2026-01-05T10:00", "--noticed-by", "the walk"],
    ):  # fmt: skip
        done = CliRunner().invoke(cli, args, env=dpo)
        assert done.exit_code == 0, (args, done.output)
    # The breach: customer service's user read the protected person's page.
    headers = {"Authorization": f"Bearer {w.tokens[Role.CUSTOMER_SERVICE]}"}
    assert w.client.get(f"/api/v1/persons/{p.customer_number}", headers=headers).is_success
    with w.reg.engine.connect() as conn:
        ref = str(conn.execute(select(breach.c.reference)).scalar_one())
    user = "t.customer-service"  # the user behind the token (tests/support/staff)
    texts = [
        f"--{what}-{lang}={what} {lang}"
        for what in ("consequences", "measures")
        for lang in ("fi", "sv", "en")
    ]
    for args in (
        ["breach", "scope", ref, "--user", user],
        ["breach", "assess", ref, "--risk", "high", "--notify-authority", "--notify-persons",
         "--reasons", "walk", *texts],
    ):  # fmt: skip
        done = CliRunner().invoke(cli, args, env=dpo)
        assert done.exit_code == 0, (args, done.output)
    listed = CliRunner().invoke(cli, ["request", "list"], env=dpo).output
    return {"breach": ref, "request": re.findall(r"R\d{4}-\d{5}", listed)[0]}


def _api(w: Walk, refs: dict[str, str]) -> None:
    key = w.p.customer_number
    for route in (
        "/api/v1/persons/{key}",
        "/api/v1/persons/{key}/identity-code",
        "/api/v1/persons/{key}/marketing",
        "/api/v1/persons/{key}/disclosures",
        "/api/v1/persons/{key}/contacts",
        "/api/v1/persons/{key}/recordings",
        "/api/v1/audit/persons/{key}",
    ):
        w.get(route, key=key)
    w.get("/api/v1/persons/{key}/consumption", {"from": "2025-01-01", "to": "2025-01-31"}, key=key)
    for q in (*STREETS.values(), "Turvala"):
        w.get("/api/v1/search", {"q": q})
        _not_found_by_address(w, q, w.client.get, "/api/v1/search")
    w.get("/api/v1/requests")
    w.get("/api/v1/requests/{reference}", reference=refs["request"])
    w.get("/api/v1/recording-loans/overdue")
    w.get("/api/v1/recipient-notifications")
    w.get("/api/v1/breaches")
    w.get("/api/v1/breaches/{reference}", {"persons": "true"}, reference=refs["breach"])


def _not_found_by_address(w: Walk, q: str, get: Any, path: str) -> None:
    """Searching by a protected street finds no one, for any role."""
    if q not in STREETS.values():
        return
    for role in Role:
        answer = get(path, params={"q": q}, headers={"Authorization": f"Bearer {w.tokens[role]}"})
        if answer.status_code == 200 and w.p.customer_number in answer.text:
            w.failures.append(f"{path}?q={q} as {role.value}: found the protected person")


def _web(w: Walk) -> None:
    w.get("/console/persons/{key}", key=w.p.customer_number)
    for q in (*STREETS.values(), "Turvala"):
        w.get("/console", {"q": q})
        _not_found_by_address(w, q, w.client.get, "/console")
    w.get("/console/dpo")
    w.get("/console/breaches")
    w.get("/console/marketing")
    for purpose in AudiencePurpose:
        for channel in Channel:
            ask = {"channel": channel.value, "purpose": purpose.value}
            if purpose is AudiencePurpose.GROUP_MARKETING:
                _desk_hand_over(w, ask)
                continue
            w.get("/console/marketing/audience.csv", ask, may=_never)


def _desk_hand_over(w: Walk, ask: dict[str, str]) -> None:
    """The desk's download of a group-marketing list (a disclosure), by marketing."""
    headers = {"Authorization": f"Bearer {w.tokens[Role.MARKETING]}"}
    handed = w.client.post(
        "/console/marketing/disclosure.csv",
        data=ask | {"recipient": "Konserni Oy"},
        headers=headers,
    )
    assert handed.status_code == 200, handed.text
    w.check(f"POST /console/marketing/disclosure.csv {ask}", handed.text, NOBODY)
    w.exercised.add("POST /console/marketing/disclosure.csv")


def _commands(w: Walk, refs: dict[str, str]) -> None:
    key, tmp = w.p.customer_number, w.tmp
    for args in (
        ("customer", "show", key),
        ("consent", "show", key),
        ("consumption", "show", key, *FROM),
        ("disclose", "log", key),
        ("contact", "list", key),
        ("audit", "person", key),
        ("recording", "list", key),
        ("request", "list"),
        ("request", "show", refs["request"]),
        ("notices", "list", "--all"),
        ("breach", "list"),
        ("breach", "show", refs["breach"], "--persons"),
    ):
        w.run(*args)
    for q in (*STREETS.values(), "Turvala"):
        said = w.run("customer", "search", q)
        if q in STREETS.values() and key in said:
            w.failures.append(f"customer search {q}: found the protected person")
    for purpose in AudiencePurpose:
        for channel in Channel:
            out = tmp / f"audience-{purpose.value}-{channel.value}.csv"
            w.run(
                "audience", "--channel", channel.value, "--purpose", purpose.value,
                "--out", str(out), out=out, may=_never,
            )  # fmt: skip
    for channel in Channel:  # why the person is out, as marketing asks
        w.run(
            "audience", "--channel", channel.value, "--purpose", "own_marketing", "--explain", key
        )
    mailing = tmp / "campaign"
    mailing.mkdir()
    w.run(
        "campaign", "send", "walk", "--channel", "letter", "--purpose", "own_marketing",
        "--out", str(mailing / "list.csv"), out=mailing, may=_never, roles=(Role.MARKETING,),
    )  # fmt: skip
    _disclosures(w, key)
    letters = tmp / "letters"
    w.run(
        "breach", "notices", refs["breach"], "--letters", str(letters),
        out=letters, may=_never, roles=(Role.DPO,),
    )  # fmt: skip
    assert any(letters.iterdir()), "the protected person's notice went as a letter"
    _answers(w, key)


def _disclosures(w: Walk, key: str) -> None:
    tmp = w.tmp
    for what, recipient in (
        ("asiakastieto", "Luottotieto Oy"),
        ("collection", "Perintä Oy"),
        ("group-marketing", "Konserni Oy"),
    ):
        out = tmp / f"{what}.csv"
        w.run(
            "disclose", what, "--recipient", recipient, "--out", str(out),
            out=out, may=_never, roles=(Role.BILLING, Role.MARKETING, Role.DPO),
        )  # fmt: skip
    # What an authority asks under law, it gets: the address too.
    out = tmp / "authority.json"
    w.run(
        "disclose", "authority", "--recipient", "Poliisi", "--reference", "P-1", "--request",
        "contact details", "--person", key, "--category", "contact", "--out", str(out),
        out=out, may=_all, roles=(Role.DPO,),
    )  # fmt: skip


def _answers(w: Walk, key: str) -> None:
    """The access package is the person's own (every address); its envelope goes through the
    forwarding route (none)."""
    dpo = w.envs[Role.DPO]
    made = CliRunner().invoke(
        cli, ["request", "new", key, "--kind", "access", "--received-how", "signed_letter"], env=dpo
    )
    ref = re.findall(r"R\d{4}-\d{5}", made.output)[0]
    verified = ["request", "verify", ref, "--how", "signature_matched"]
    assert CliRunner().invoke(cli, verified, env=dpo).exit_code == 0
    answer = w.tmp / "answer"
    w.run("request", "fulfil", ref, "--out", str(answer), "--no-pdf", out=answer, may=_all,
          roles=(Role.DPO,))  # fmt: skip
    envelope = next(answer.glob("envelope-*.txt"))
    w.check("request fulfil: the envelope", envelope.read_text(encoding="utf-8"), NOBODY)
    assert "PL 123" in envelope.read_text(encoding="utf-8")


# A walk of every route or command: minutes on two loaded cores, not the default 300 s.
@pytest.mark.timeout(900)
@pytest.mark.proves("P7.non-disclosure-addresses")
def test_no_output_shows_a_protected_address_where_it_must_not(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    p, _ = _setup(register, tmp_path)
    walk = Walk(register, settings, p, tmp_path)
    refs = _prepare(walk)
    _api(walk, refs)
    _web(walk)
    _commands(walk, refs)
    routes = {
        f"{method} {r.path}"
        for r in all_routes(walk.client.app)
        if not r.path.startswith(("/openapi", "/docs", "/redoc", "/static"))
        for method in getattr(r, "methods", None) or ()
        if method == "GET"
    }
    wanted = routes | (every_command() - CHANGES)
    not_walked = wanted - walk.exercised - NO_ADDRESS.keys()
    assert not_walked == set(), "an output the walk does not reach: walk it or say why not"
    assert walk.failures == [], "\n".join(walk.failures)
    assert walk.outputs > 150  # every role of every output, not a handful
    # The walk can see an address: the DPO's view of the person shows all three.
    headers = {"Authorization": f"Bearer {walk.tokens[Role.DPO]}"}
    shown = walk.client.get(f"/api/v1/persons/{p.customer_number}", headers=headers).text
    assert all(mark in shown for mark in MARKS.values())
