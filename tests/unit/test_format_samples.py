"""The documentation of the file formats the doors read (docs/formats/) carries
the sample files the tests read, byte for byte: a sample changed for the tests changes there."""

from __future__ import annotations

from pathlib import Path

import pytest

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
