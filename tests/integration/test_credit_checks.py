"""The credit check made when a contract is made (issue 16, item 2), on both databases, against
a real local HTTP service answering in the documented shape (tests/support/credit_service.py):
the query is a recorded disclosure of the identity code, the answer is kept with Asiakastieto as
its source until its retention period ends, an automated refusal or deposit tells the person of
their right to a person's review, and the review's outcome is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.credit_information import CreditInformationClient
from rekisteri.adapters.schema.credit import credit_check
from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject
from rekisteri.adapters.schema.register import attribute_change, person
from rekisteri.catalogue import Role
from rekisteri.domain.credit import CreditDecision, ReviewOutcome
from rekisteri.domain.errors import InvalidInput, RuleViolation, ServiceUnavailable
from rekisteri.services.access.disclosures import add_recipient
from rekisteri.services.credit import checks
from rekisteri.services.register import attributes, tasks
from rekisteri.services.rights import package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.support.clock import FakeClock
from tests.support.credit_service import CreditService, running

SALES = Actor("asiakaspalvelu.anna", Role.CUSTOMER_SERVICE)
BILLING = Actor("laskutus.leena", Role.BILLING)
DPO = Actor("tietosuoja.dpo", Role.DPO)


@pytest.fixture
def service() -> Iterator[CreditService]:
    with running() as svc:
        yield svc


def _client(svc: CreditService, timeout: float = 5.0) -> CreditInformationClient:
    return CreditInformationClient(svc.url, svc.token, timeout)


def _agency(reg: RegisterApp) -> None:
    with reg.unit_of_work(DPO) as uow:
        add_recipient(
            uow,
            "Suomen Asiakastieto Oy",
            "credit_reference",
            "FI",
            ["billing_and_collection", "customer_relationship"],
            agreement_ref="AT-2026",
        )


def _hetu(reg: RegisterApp, person_id: int) -> str:
    with reg.reading(DPO) as uow:
        row = uow.execute(select(person).where(person.c.id == person_id)).one()
        code = attributes.opened(uow, row, uow.catalogue[checks.HETU])
    assert code
    return code


def _rows(reg: RegisterApp, table: object) -> int:
    with reg.reading(DPO) as uow:
        return int(uow.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


@pytest.mark.proves("P2.credit-check-told")
def test_an_accepted_check_is_kept_with_its_source_and_the_query_is_a_disclosure(
    register: RegisterApp, service: CreditService
) -> None:
    _agency(register)
    pid = add_person(register)
    found = checks.check(register, SALES, pid, _client(service).query)
    assert found.decision is CreditDecision.ACCEPT and not found.automated
    # The query carried the identity code, the purpose-of-use code and the credential.
    (query,) = service.queries
    assert query["subject"] == {"identity_code": _hetu(register, pid)}
    assert query["purpose_code"] == register.settings.credit_check_purpose_code
    assert query["authorization"] == f"Bearer {service.token}"
    with register.reading(DPO) as uow:
        row = uow.execute(select(credit_check)).one()
        told = uow.execute(
            select(disclosure.c.kind, disclosure.c.purpose, disclosure.c.legal_basis)
            .join(disclosure_subject)
            .where(disclosure_subject.c.person_id == pid)
        ).one()
    # P2: the answer's source is Asiakastieto, its detail the service's reference.
    assert row.source == "asiakastieto" and row.reference in (row.source_detail or "")
    assert row.disclosure_id is not None
    assert tuple(told) == ("credit_check", "customer_relationship", "legitimate_interest")
    assert "Suomen Asiakastieto" in found.told() and "22" not in found.told()


@pytest.mark.parametrize(
    ("tongue", "answer", "words"),
    [
        (
            "sv",
            {"decision": "deposit", "payment_default_entries": 1, "security_deposit_eur": "200.00"},
            ("säkerhet på 200,00", "granskar beslutet"),
        ),
        (
            "fi",
            {"decision": "refuse", "payment_default_entries": 3, "security_deposit_eur": "0.00"},
            ("Emme voi tehdä sopimusta", "henkilö tarkistaa päätöksen"),
        ),
    ],
)
@pytest.mark.proves("P6.credit-decision-reviewed")
def test_an_automated_deposit_or_refusal_tells_the_person_and_a_person_reviews_it(
    register: RegisterApp,
    service: CreditService,
    tongue: str,
    answer: dict[str, object],
    words: tuple[str, str],
) -> None:
    _agency(register)
    pid = add_person(register, tongue=tongue)
    service.answers[_hetu(register, pid)] = answer
    found = checks.check(register, SALES, pid, _client(service).query)
    assert found.automated
    # Told in their language: the decision, where it came from, and the right to a review.
    said = found.told()
    assert all(w in said for w in words) and found.reference in said
    with register.unit_of_work(SALES) as uow:
        task_id = checks.request_review(uow, found.id)
        with pytest.raises(RuleViolation, match="already"):
            checks.request_review(uow, found.id)
    with register.reading(BILLING) as uow:
        assert [t.id for t in tasks.listing(uow, kind=checks.REVIEW_TASK)] == [task_id]
    with register.unit_of_work(BILLING) as uow:
        with pytest.raises(InvalidInput, match="deposit"):
            checks.decide_review(uow, found.id, ReviewOutcome.ACCEPTED, "ok", deposit_cents=100)
        reviewed = checks.decide_review(uow, found.id, "accepted", "income verified by phone")
    assert reviewed.review_outcome is ReviewOutcome.ACCEPTED and reviewed.contract_allowed
    assert reviewed.reviewed_by == BILLING.name
    with register.reading(DPO) as uow:
        assert tasks.listing(uow, kind=checks.REVIEW_TASK) == []
        history = uow.execute(
            select(attribute_change.c.attribute, attribute_change.c.source).where(
                attribute_change.c.table_name == "credit_check"
            )
        ).all()
    # P12: when the review was asked for and how it ended, with their sources.
    assert ("credit_check.review", "customer_contact") in {tuple(h) for h in history}
    assert ("credit_check.review", "register_itself") in {tuple(h) for h in history}


def test_an_accepted_check_has_no_review(register: RegisterApp, service: CreditService) -> None:
    _agency(register)
    found = checks.check(register, SALES, add_person(register), _client(service).query)
    with register.unit_of_work(SALES) as uow, pytest.raises(RuleViolation, match="no automated"):
        checks.request_review(uow, found.id)


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [
        ("slow", "did not answer within 0.5 s"),
        ("error", "answered HTTP 503"),
        ("oversized", "larger than"),
        ("malformed", "answered badly: decision"),
        ("unauthorised", "answered HTTP 401"),
    ],
)
def test_a_service_that_fails_leaves_no_answer_but_the_disclosure_record(
    register: RegisterApp, service: CreditService, behaviour: str, said: str
) -> None:
    _agency(register)
    pid = add_person(register)
    service.behaviour, service.slow_seconds = behaviour, 2.0
    if behaviour == "unauthorised":
        service.token = "another-credential"
    client = CreditInformationClient(service.url, "test-credential", 0.5)
    with pytest.raises(ServiceUnavailable, match=said):
        checks.check(register, SALES, pid, client.query)
    assert _rows(register, credit_check) == 0
    # The identity code went out: that disclosure is on record.
    assert _rows(register, disclosure) == 1


def test_a_service_that_is_not_there_is_said_so(register: RegisterApp) -> None:
    _agency(register)
    pid = add_person(register)
    client = CreditInformationClient("http://127.0.0.1:9/v1/credit-checks", None, 1.0)
    with pytest.raises(ServiceUnavailable, match="did not answer"):
        checks.check(register, SALES, pid, client.query)


def test_without_a_credit_reference_agency_nothing_is_asked(
    register: RegisterApp, service: CreditService
) -> None:
    pid = add_person(register)
    with pytest.raises(RuleViolation, match="recipient add --kind credit_reference"):
        checks.check(register, SALES, pid, _client(service).query)
    assert service.queries == []


@pytest.mark.proves("P14.kept.credit-checks")
def test_the_answer_goes_when_its_period_ends(
    register: RegisterApp, service: CreditService, clock: FakeClock
) -> None:
    _agency(register)
    pid = add_person(register)
    service.answers[_hetu(register, pid)] = {
        "decision": "refuse",
        "payment_default_entries": 2,
        "security_deposit_eur": "0.00",
    }
    found = checks.check(register, SALES, pid, _client(service).query)
    with register.unit_of_work(SALES) as uow:
        checks.request_review(uow, found.id)
    months = register.settings.credit_check_retention_months
    assert months == 6
    # Kept through the day six months from the decision (2026-03-03 -> 2026-09-03), gone the
    # day after.
    assert found.checked_on == dt.date(2026, 3, 3)
    clock.set(dt.datetime(2026, 9, 3, 10, tzinfo=dt.UTC))
    with register.unit_of_work(Actor.system("retention")) as uow:
        retention.run(uow)
    assert _rows(register, credit_check) == 1
    clock.advance(days=1)
    with register.unit_of_work(Actor.system("retention")) as uow:
        counts = retention.run(uow).counts
    assert counts["credit_checks: credit_check"] == 1
    assert _rows(register, credit_check) == 0
    # Its review task goes with it; the disclosure record stays its own five years.
    with register.reading(DPO) as uow:
        assert tasks.listing(uow, kind=checks.REVIEW_TASK) == []
    assert _rows(register, disclosure) == 1


@pytest.mark.proves("P2.credit-check-told")
def test_the_access_package_shows_the_check_and_the_query(
    register: RegisterApp, service: CreditService
) -> None:
    _agency(register)
    pid = add_person(register)
    service.answers[_hetu(register, pid)] = {
        "decision": "deposit",
        "payment_default_entries": 1,
        "security_deposit_eur": "150.00",
    }
    checks.check(register, SALES, pid, _client(service).query)
    with register.unit_of_work(DPO) as uow:
        built = package.build(uow, pid)
    sections = {s.key: s for s in built.sections}
    (row,) = sections["credit_check"].rows
    assert row["decision"] == "deposit" and row["deposit_cents"] == 15000
    assert row["source"] == "Suomen Asiakastieto Oy"
    assert any(r.get("recipient") == "Suomen Asiakastieto Oy" for r in sections["disclosures"].rows)
