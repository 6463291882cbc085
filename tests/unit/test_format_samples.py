"""The documentation of the file formats the doors read (docs/formats/) carries
the sample files the tests read, byte for byte: a sample changed for the tests changes there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rekisteri.adapters.credit_information import CreditSubject, parse_answer
from rekisteri.domain.credit import CreditDecision

ROOT = Path(__file__).parents[2]
SAMPLES = (
    sorted((ROOT / "tests" / "data" / "finvoice").glob("*.xml"))
    + sorted((ROOT / "tests" / "data" / "camt054").glob("*.xml"))
    + sorted((ROOT / "tests" / "data" / "market_events").glob("*.xml"))
    + sorted((ROOT / "tests" / "data" / "trade_register").glob("*.json"))
    + sorted((ROOT / "tests" / "data" / "address_changes").glob("*.csv"))
    + sorted((ROOT / "tests" / "data" / "population").glob("*.json"))
)


def test_there_are_samples_of_every_format() -> None:
    assert {p.parent.name for p in SAMPLES} == {
        "finvoice",
        "camt054",
        "market_events",
        "trade_register",
        "address_changes",
        "population",
    }


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_the_documentation_holds_the_sample_the_tests_read(sample: Path) -> None:
    shown = ROOT / "docs" / "formats" / "samples" / sample.name
    assert shown.read_bytes() == sample.read_bytes(), sample.name


def test_the_credit_check_samples_are_the_shape_the_client_sends_and_reads() -> None:
    """The documented answer parses as the client parses answers; the documented query has the
    keys the client sends (and the test service reads)."""
    samples = ROOT / "docs" / "formats" / "samples"
    answer = parse_answer((samples / "credit-check-answer.json").read_bytes())
    assert answer.decision is CreditDecision.DEPOSIT and answer.deposit_cents == 20000
    query = json.loads((samples / "credit-check-request.json").read_text(encoding="utf-8"))
    sent = CreditSubject(identity_code="131052-308T").as_json()
    assert set(query) == {"subject", "purpose_code", "query_id"} and query["subject"] == sent
