"""Each retention rule's words state the period the rule applies (P14): the privacy notice and
the erasure answer show the same number the retention run uses."""

from __future__ import annotations

import re

import pytest

from rekisteri.catalogue.model import RetentionRule
from rekisteri.catalogue.retention import ALL_RULES
from rekisteri.config import Settings
from rekisteri.services.rights import periods

YEARS = {"fi": "vuo", "sv": "år", "en": "year"}
MONTHS = {"fi": "kuukau", "sv": "månad", "en": "month"}


def stated_months(text: str, lang: str) -> int:
    """The period the text's first number states, in months."""
    found = re.search(r"(\d+)\s+(\w+)", text)
    assert found, f"no period in {text!r}"
    number, unit = int(found.group(1)), found.group(2)
    if unit.startswith(YEARS[lang]):
        return number * 12
    assert unit.startswith(MONTHS[lang]), f"no unit in {text!r}"
    return number


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_the_words_state_the_rules_own_period(rule: RetentionRule) -> None:
    for lang in ("fi", "sv", "en"):
        assert stated_months(rule.describe(lang), lang) == rule.months, (rule.name, lang)


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.setting], ids=lambda r: r.name)
def test_a_setting_that_overrides_a_period_defaults_to_what_the_words_say(
    rule: RetentionRule,
) -> None:
    assert periods.months(rule, Settings(database_url="sqlite://")) == rule.months


def test_the_periods_are_those_of_the_privacy_notice() -> None:
    # Written out once more: a period changed in the catalogue and its words together is
    # still a change of the notice, and must be made here too.
    assert {r.name: r.months for r in ALL_RULES} == {
        "contract_records": 120,
        "customer_data": 12,
        "marketing_data": 24,
        "contact_history": 36,
        "recordings": 12,
        "feedback": 24,
        "readings": 72,
        "disclosure_records": 60,
        "access_log": 60,
        "breach_records": 60,
        "payments_in_review": 72,
        "outbox": 1,
        "address_notices": 6,
        "credit_checks": 6,
    }
