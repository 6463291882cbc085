"""Fees for data subject requests follow the GDPR (Art. 12(5), 15(3)), not the Personal Data Act
of seed 002: the first copy is free, a further copy may carry a reasonable fee, and a manifestly
unfounded or excessive request may be charged for or refused with reasons."""

from __future__ import annotations

import pytest

from rekisteri.catalogue import catalogue
from rekisteri.config import Settings
from rekisteri.domain import rights_words
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.requests import ChargeDecision, RequestKind, check_charge
from rekisteri.services.statement.notice import build_notice

D = ChargeDecision
SETTINGS = Settings(database_url="sqlite://", secret_key=None, access_repeat_months=12)


@pytest.mark.parametrize("kind", list(RequestKind))
@pytest.mark.parametrize("further_copy", [False, True])
@pytest.mark.parametrize("decision", list(ChargeDecision))
def test_which_request_may_carry_which_fee(
    kind: RequestKind, further_copy: bool, decision: ChargeDecision
) -> None:
    further_copy = further_copy and kind is RequestKind.ACCESS  # only access gives copies
    first_copy = kind is RequestKind.ACCESS and not further_copy
    allowed = {
        D.NONE: True,
        D.WAIVED: True,
        D.CHARGED: further_copy,  # a fee for the copy is for a further copy only
        D.EXCESSIVE: not first_copy,  # the first copy is free, however its request is judged
        D.REFUSED: True,  # any request may be refused as manifestly unfounded or excessive
    }[decision]
    if allowed:
        check_charge(decision, kind, further_copy)
    else:
        with pytest.raises(RuleViolation):
            check_charge(decision, kind, further_copy)


SAID = {
    "fi": (
        "Ensimmäinen jäljennös on aina maksuton",
        "uuden jäljennöksen 12 kuukauden kuluessa",
        "ilmeisen perusteeton tai kohtuuton",
        "kieltäytyä",
    ),
    "sv": (
        "Den första kopian är alltid kostnadsfri",
        "ny kopia inom 12 månader",
        "uppenbart ogrundad eller orimlig",
        "vägra",
    ),
    "en": (
        "The first copy is always free",
        "further copy within 12 months",
        "manifestly unfounded or excessive",
        "refuse",
    ),
}
NOT_SAID = ("kerran vuodessa", "en gång om året", "once a year")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_statement_says_the_gdpr_rule_for_fees(lang: str) -> None:
    rights = build_notice(catalogue, SETTINGS, lang).section("rights").words()
    for words in SAID[lang]:
        assert words in rights, words
    assert not any(old in rights for old in NOT_SAID)


def test_the_access_report_says_the_first_copy_is_free() -> None:
    access = rights_words.RIGHTS[0]
    assert "ensimmäinen jäljennös on maksuton" in access.fi
    assert "den första kopian är kostnadsfri" in access.sv
    assert "the first copy is free" in access.en
    assert not any(old in w for old in NOT_SAID for w in (access.fi, access.sv, access.en))
