"""The credit information service's answer is checked field by field before the register uses
it: anything out of shape is refused naming the field (the client reports it as a service that
answered badly, and nothing is decided)."""

from __future__ import annotations

import json

import pytest

from rekisteri.adapters.credit_information import parse_answer
from rekisteri.domain.credit import CreditDecision, euros, told
from rekisteri.domain.errors import InvalidInput

GOOD = {
    "reference": "AT-2026-000123",
    "decision": "deposit",
    "payment_default_entries": 1,
    "security_deposit_eur": "200.00",
}


def _body(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def test_a_good_answer() -> None:
    answer = parse_answer(_body())
    assert (answer.decision, answer.default_entries, answer.deposit_cents) == (
        CreditDecision.DEPOSIT,
        1,
        20000,
    )
    assert answer.automated


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"\xff\xfe", "answer"),
        (b"[" * 100_000 + b"]" * 100_000, "answer"),  # nested past the parser's depth
        (b"[]", "answer"),
        (_body(decision="maybe"), "decision"),
        (_body(payment_default_entries=-1), "payment_default_entries"),
        (_body(payment_default_entries=True), "payment_default_entries"),
        (_body(payment_default_entries="1"), "payment_default_entries"),
        (_body(security_deposit_eur=200), "security_deposit_eur"),
        (_body(security_deposit_eur="1e3"), "security_deposit_eur"),
        (_body(security_deposit_eur="0.00"), "security_deposit_eur"),  # a deposit of nothing
        (_body(decision="accept"), "security_deposit_eur"),  # a deposit without the decision
        (_body(security_deposit_eur="99999.00"), "security_deposit_eur"),
        (_body(reference="\u202eAT"), "reference"),
        (_body(reference="x" * 65), "reference"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "reference"}).encode(), "reference"),
    ],
)
def test_an_answer_out_of_shape_is_refused_naming_the_field(body: bytes, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_answer(body)
    assert refused.value.field == field


def test_the_person_is_told_in_their_language_and_an_accept_is_no_art_22_decision() -> None:
    assert euros(123456) == "1\u00a0234,56\u00a0€"
    accepted = told(CreditDecision.ACCEPT, 0, False, "AT-1", "en")
    assert "Suomen Asiakastieto" in accepted and "review" not in accepted
    refused = told(CreditDecision.REFUSE, 0, True, "AT-1", "sv")
    assert "granskar beslutet" in refused and "AT-1" in refused
