"""A retention period set in the settings overrides the catalogue's (P14): a setting named
*_years counts years, one named *_months counts months (services/rights/periods.months)."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.catalogue import Anchor, OnErasure, RetentionRule
from rekisteri.catalogue.retention import ALL_RULES
from rekisteri.config import Settings
from rekisteri.services.rights import periods, retention

BY_NAME = {rule.name: rule for rule in ALL_RULES}


@pytest.mark.parametrize(
    ("rule", "setting", "value", "months"),
    [
        ("contract_records", "contract_retention_years", 7, 84),
        ("contract_records", "contract_retention_years", 1, 12),
        ("breach_records", "breach_retention_years", 3, 36),
        ("recordings", "recording_retention_months", 18, 18),
        ("recordings", "recording_retention_months", 1, 1),
        ("readings", "reading_retention_months", 100, 100),
        ("credit_checks", "credit_check_retention_months", 9, 9),
    ],
)
def test_a_setting_overrides_the_period_in_its_own_unit(
    rule: str, setting: str, value: int, months: int
) -> None:
    assert BY_NAME[rule].setting == setting
    settings = Settings(database_url="sqlite://", **{setting: value})
    assert periods.months(BY_NAME[rule], settings) == months


def test_a_rule_without_a_setting_keeps_its_own_period() -> None:
    settings = Settings(database_url="sqlite://", contract_retention_years=3)
    assert periods.months(BY_NAME["customer_data"], settings) == 12
    assert periods.months(BY_NAME["contact_history"], settings) == 36


def test_a_setting_the_settings_do_not_have_leaves_the_period_as_it_is() -> None:
    """A rule naming a setting that does not exist (a typo in the catalogue) keeps its own
    period rather than failing the retention run."""
    rule = RetentionRule(
        "example", Anchor.RECORDED, 5, OnErasure.ERASE, setting="no_such_retention_years"
    )
    assert periods.months(rule, Settings(database_url="sqlite://")) == 5


def test_a_run_result_adds_up_what_each_step_counts_under_one_name() -> None:
    result = retention.RunResult(dry_run=True, today=dt.date(2026, 3, 3))
    result.add("call audio files destroyed", 2)
    result.add("call audio files destroyed", 3)
    result.add("feedback: feedback", 0)
    assert result.counts == {"call audio files destroyed": 5, "feedback: feedback": 0}
