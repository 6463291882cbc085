"""One person, one language: the access report, the preference centre and the audiences all
choose it by the one rule (`vocabulary.lang_of`), on SQLite and PostgreSQL."""

from __future__ import annotations

from rekisteri.catalogue import Lang
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.services.marketing import audience, preferences
from rekisteri.services.rights import package
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person, consent


def test_each_person_gets_the_same_language_in_the_report_the_preferences_and_audiences(
    register: RegisterApp,
) -> None:
    expected = {
        add_person(register, tongue="fi"): Lang.FI,
        add_person(register, tongue="sv"): Lang.SV,
        add_person(register, tongue="en"): Lang.EN,
        # Neither national language, or none recorded: English, everywhere.
        add_person(register, tongue="other"): Lang.EN,
        add_person(register, tongue=None): Lang.EN,
    }
    for pid in expected:
        consent(register, pid, "own_marketing", "email", "granted")
    with register.reading(STAFF) as uow:
        report = {pid: package.build(uow, pid).lang for pid in expected}
        answers = {pid: package.language_of(uow, pid) for pid in expected}
        centre = {
            pid: preferences.open_page(
                uow, preferences.settings_link(uow, pid).rsplit("/", 1)[1]
            ).language
            for pid in expected
        }
        spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.EMAIL)
        with audience.build(uow, spec) as built:
            listed = {row["id"]: row["language"] for row in built.rows()}
    assert report == answers == centre == expected
    assert {pid: listed[pid] for pid in expected} == {p: lang.value for p, lang in expected.items()}
