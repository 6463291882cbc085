"""The rules of personal attributes: every rule refuses junk with InvalidInput naming the field
(never a bare ValueError or TypeError), a stored value passes its own rule unchanged, and the
drafts and the write path answer to the same rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rekisteri.adapters.schema.register import billing_account, person, site
from rekisteri.catalogue import catalogue
from rekisteri.domain import attribute_rules as rules
from rekisteri.domain.drafts import BillingAccountDraft, PersonDraft, SiteDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.register.attributes import target_of
from rekisteri.services.register.customers import RECTIFIABLE
from rekisteri.services.register.updates import BILLING_CHANGEABLE, SITE_CHANGEABLE

TODAY = dt.date(2026, 3, 3)
GIVEN = rules.Given(today=TODAY)
KEYS = sorted(rules.RULES)
FIELD = "the.field"
# Yes-or-no attributes, for which a boolean is the value.
FLAGS = frozenset(k for k, rule in rules.RULES.items() if rule is rules.flag)

# Nothing a JSON body or a form can carry that is a value of any attribute.
NOT_A_VALUE = st.one_of(
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _check(key: str, value: Any) -> Any:
    return rules.check(key, value, FIELD, GIVEN)


@pytest.mark.parametrize("key", KEYS)
@given(junk=NOT_A_VALUE)
def test_every_rule_refuses_junk_naming_the_field(key: str, junk: Any) -> None:
    assume(not (key in FLAGS and isinstance(junk, bool)))
    with pytest.raises(InvalidInput) as err:
        _check(key, junk)
    assert err.value.field == FIELD


@pytest.mark.parametrize("key", KEYS)
@given(text=st.text(max_size=40))
def test_any_text_is_stored_or_refused_naming_the_field_and_a_stored_value_passes_again(
    key: str, text: str
) -> None:
    try:
        stored = _check(key, text)
    except InvalidInput as err:
        assert err.field == FIELD
        return
    assert _check(key, stored) == stored  # the write path compares stored values with new ones


@pytest.mark.parametrize(
    ("key", "junk"),
    [
        ("person.birth_year", "abc"),
        ("person.birth_year", "5"),
        ("person.birth_year", "1849"),
        ("person.birth_year", "2027"),  # after this year
        ("person.birth_year", "1_980"),  # int() would take it
        ("person.birth_year", "١٩٨٠"),  # so would it these digits
        ("person.birth_year", 1980.0),
        ("person.birth_year", True),
        ("site.consumption_estimate_kwh", "-1"),
        ("site.consumption_estimate_kwh", "lots"),
        ("site.main_fuse_a", "10001"),
        ("site.main_fuse_a", "9" * 5000),  # int() would raise ValueError on so many digits
        ("billing_account.terms.due_day", "29"),
        ("billing_account.terms.due_day", "0"),
        ("billing_account.terms.due_day", ""),  # required: the column has no empty value
        ("billing_account.billing_address.street", " "),
        ("billing_account.iban", "FI21 1234 5600 0007 86"),
        ("person.personal_identity_code", "131052-308X"),
        ("person.personal_identity_code", "131052-900T"),  # temporary, not allowed here
        ("person.gender", "robot"),
        ("person.deceased_on", "2026-02-30"),
        ("site.heating_type", "coal"),
        ("contact_point.email", "not-an-address"),
    ],
)
def test_a_rule_refuses_naming_the_field(key: str, junk: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        _check(key, junk)
    assert err.value.field == FIELD


@pytest.mark.parametrize(
    ("key", "raw", "stored"),
    [
        ("person.birth_year", "1980", 1980),
        ("person.birth_year", " 1980 ", 1980),
        ("person.birth_year", 1850, 1850),
        ("person.birth_year", "2026", 2026),
        ("person.birth_year", "", None),
        ("site.main_fuse_a", "25", 25),
        ("site.main_fuse_a", "0" * 40 + "25", 25),
        ("billing_account.terms.due_day", 15, 15),
        ("billing_account.iban", "fi21 1234 5600 0007 85", "FI2112345600000785"),
        ("person.first_names", "  Maija   Liisa ", "Maija Liisa"),
        ("person.gender", "female", "female"),
        ("person.deceased_on", "2026-01-31", dt.date(2026, 1, 31)),
        ("person.customer_class", None, None),
    ],
)
def test_a_rule_gives_the_value_to_store(key: str, raw: Any, stored: Any) -> None:
    assert _check(key, raw) == stored


@given(year=st.integers())
def test_a_birth_year_is_from_1850_to_this_year(year: int) -> None:
    if 1850 <= year <= TODAY.year:
        assert _check("person.birth_year", str(year)) == year
    else:
        with pytest.raises(InvalidInput, match="between 1850 and 2026"):
            _check("person.birth_year", str(year))


def test_a_postal_code_answers_to_its_country() -> None:
    key = "billing_account.billing_address.postal_code"
    with pytest.raises(InvalidInput):
        rules.check(key, "SE-1234", FIELD, rules.Given(country="FI"))
    assert rules.check(key, "114 55", FIELD, rules.Given(country="SE")) == "114 55"


def test_temporary_identity_codes_only_where_allowed() -> None:
    key = "person.personal_identity_code"
    allowed = rules.Given(today=TODAY, temporary_codes=True)
    assert rules.check(key, "131052-900W", FIELD, allowed) == "131052-900W"


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (PersonDraft(kind="legal", organisation_name="X Oy", birth_year=5), "birth_year"),  # type: ignore[arg-type]
        (PersonDraft(kind="legal", organisation_name="X Oy", birth_year="abc"), "birth_year"),  # type: ignore[arg-type]
        (SiteDraft("Katu 1", "00100", "Helsinki", main_fuse_a="x"), "site.main_fuse_a"),  # type: ignore[arg-type]
        (SiteDraft(" ", "00100", "Helsinki"), "site.street"),
        (BillingAccountDraft("K 1", "00100", "H", "x", "monthly", "paper"), "billing.due_day"),  # type: ignore[arg-type]
        (BillingAccountDraft("K 1", "00100", "H", 1, "monthly", "paper", "FI00"), "billing.iban"),  # type: ignore[arg-type]
    ],
)
def test_the_drafts_answer_to_the_same_rules(draft: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        draft.validated(TODAY) if isinstance(draft, PersonDraft) else draft.validated()
    assert err.value.field == field


@pytest.mark.parametrize(
    ("table", "writable"),
    [(person, RECTIFIABLE), (site, SITE_CHANGEABLE), (billing_account, BILLING_CHANGEABLE)],
    ids=["person", "site", "billing_account"],
)
def test_every_writable_field_is_a_catalogued_attribute_with_a_rule(
    table: Any, writable: frozenset[str]
) -> None:
    for field in writable:
        target = target_of(catalogue, table, field, writable)
        assert target.rule in rules.RULES, f"{table.name}.{field}: {target.rule} has no rule"


def test_an_encrypted_attribute_is_written_by_its_name_never_by_its_columns() -> None:
    everything = {c.name for c in person.c} | {"personal_identity_code"}
    assert target_of(catalogue, person, "personal_identity_code", everything).column is None
    for column in catalogue["person.personal_identity_code"].columns:
        with pytest.raises(InvalidInput) as err:
            target_of(catalogue, person, column, everything)
        assert err.value.field == column


@pytest.mark.parametrize("key", sorted(FLAGS))
def test_a_flag_is_a_boolean_or_the_words_true_and_false(key: str) -> None:
    assert _check(key, True) is True
    assert _check(key, "false") is False
    for junk in ("yes", "1", None, " "):
        with pytest.raises(InvalidInput, match="must be true or false") as err:
            _check(key, junk)
        assert err.value.field == FIELD
