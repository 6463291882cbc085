"""The demo's credit checks (issue 16, item 2): some of the demo's newest contracts were made on
a credit check, asked of a credit information service through the register's real client.

No credit information service can be reached from a demo, so the demo starts its own answering
service on 127.0.0.1 (stdlib http.server, a thread, for the length of this step) that answers in
the documented shape (docs/formats/credit-check.md). Its answers are the file this door keeps:
`credit-answers-<day>.json` in the doors directory, a list of answers served in order, one per
query (no identity codes in it: the service answers whatever it is asked next). The checks go
through `services.credit.checks.check` exactly as `rekisteri credit check` does: the query
recorded as a disclosure to the credit reference agency (registered for the demo when the
recipient register has none), the answer kept with Asiakastieto as its source. The answers
include a deposit and a refusal; the refused person asks for a person's review (a billing task).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from rekisteri.adapters.credit_information import CreditInformationClient
from rekisteri.adapters.schema.register import contract, person
from rekisteri.demo.traffic import DoorTraffic
from rekisteri.domain.credit import CreditDecision
from rekisteri.domain.errors import RuleViolation
from rekisteri.services.access.disclosures import add_recipient, list_recipients
from rekisteri.services.credit import checks
from rekisteri.services.unit_of_work import Actor, RegisterApp

ACTOR = Actor("demo")
AGENCY = "Suomen Asiakastieto Oy"
# What the demo's service answers, in order: most are accepted; one deposit for a customer with
# a payment-default entry, one refusal for one with several.
ANSWERS: tuple[dict[str, Any], ...] = (
    {"decision": "accept", "payment_default_entries": 0, "security_deposit_eur": "0.00"},
    {"decision": "deposit", "payment_default_entries": 1, "security_deposit_eur": "200.00"},
    {"decision": "accept", "payment_default_entries": 0, "security_deposit_eur": "0.00"},
    {"decision": "refuse", "payment_default_entries": 3, "security_deposit_eur": "0.00"},
    {"decision": "accept", "payment_default_entries": 0, "security_deposit_eur": "0.00"},
    {"decision": "deposit", "payment_default_entries": 2, "security_deposit_eur": "350.00"},
)


@contextmanager
def answering(answers: list[dict[str, Any]]) -> Iterator[str]:
    """A local credit information service answering `answers` in order; yields its URL."""
    pending = list(answers)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # the demo prints its own lines

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                answer = pending.pop(0) if pending else None
            body = json.dumps(answer).encode() if answer else b'{"error": "no more answers"}'
            self.send_response(200 if answer else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/credit-checks"
    finally:
        server.shutdown()
        server.server_close()


def _agency(reg: RegisterApp) -> str | None:
    """Register the credit reference agency queries go to when there is none; or say why not."""
    with reg.unit_of_work(ACTOR) as uow:
        try:
            checks.credit_reference(uow)
            return None
        except RuleViolation as exc:
            if any(r["name"] == AGENCY for r in list_recipients(uow)):
                return str(exc)  # registered, but not for this purpose: not changed by a demo
        add_recipient(
            uow,
            AGENCY,
            "credit_reference",
            "FI",
            ["billing_and_collection", "customer_relationship"],
        )
    return None


def _latest_contracts(reg: RegisterApp, traffic: DoorTraffic) -> list[tuple[int, int]]:
    """(person, contract) of the demo's newest contracts of natural persons, one per person."""
    newest = (
        select(contract.c.person_id, func.max(contract.c.id).label("contract_id"))
        .join(person, person.c.id == contract.c.person_id)
        .where(
            person.c.kind == "natural",
            person.c.hetu_ct.is_not(None),
            person.c.restricted.is_(False),
            person.c.deceased_on.is_(None),
            person.c.customer_number >= traffic.run,
            func.length(person.c.customer_number) == len(traffic.run),
        )
        .group_by(contract.c.person_id)
        .order_by(func.max(contract.c.id).desc())
        .limit(len(ANSWERS))
    )
    with reg.engine.connect() as conn:
        return [(int(r.person_id), int(r.contract_id)) for r in conn.execute(newest)]


def credit_checks(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    """Check the credit of the demo's newest customers through the real client; one line."""
    chosen = _latest_contracts(reg, traffic)
    if not chosen:
        return "credit checks: no contract of a person with an identity code to check"
    why_not = _agency(reg)
    if why_not is not None:
        return f"credit checks: none made: {why_not}"
    answers = [{"reference": traffic.serial("AT"), **a} for a in ANSWERS[: len(chosen)]]
    path.write_text(json.dumps(answers, indent=2) + "\n", encoding="utf-8")
    made: list[checks.CreditCheck] = []
    with answering(answers) as url:
        client = CreditInformationClient(url, None, reg.settings.credit_check_timeout_seconds)
        for person_id, contract_id in chosen:
            made.append(checks.check(reg, ACTOR, person_id, client.query, contract_id=contract_id))
    reviewed = [c for c in made if c.decision is CreditDecision.REFUSE]
    with reg.unit_of_work(ACTOR) as uow:
        for c in reviewed:
            checks.request_review(uow, c.id)
    counts = {d: sum(c.decision is d for c in made) for d in CreditDecision}
    return (
        f"credit checks: {len(made)} asked of a local answering service "
        f"({counts[CreditDecision.ACCEPT]} accepted, {counts[CreditDecision.DEPOSIT]} with a "
        f"deposit, {counts[CreditDecision.REFUSE]} refused; {len(reviewed)} under review)"
    )
