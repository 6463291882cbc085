"""Segments in the web (issue 17 item 5d): marketing builds a segment from rules, sees them
explained in its language and how many persons it places today (those who objected to
profiling counted apart, never placed), with a link to the audience by the segment; a bad rule
is refused with its reason and nothing stored; customer service may not open or post; the
form needs the CSRF token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from rekisteri.adapters.schema.marketing import segment
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Role
from rekisteri.domain.consent import ANY_CHANNEL
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_dpo_desk_web import _post, _session
from tests.integration.marketing_helpers import consent
from tests.support.registered import add_person

PAGE = "/console/segments"


def _stored(register: RegisterApp) -> list[str]:
    with register.engine.connect() as conn:
        return list(conn.execute(select(segment.c.name)).scalars())


def test_marketing_builds_a_segment_and_previews_its_counts(register: RegisterApp) -> None:
    add_person(register, 0)
    objects = add_person(register, 1)
    consent(register, objects, "profiling", ANY_CHANNEL, "prohibited")
    died = add_person(register, 2)
    with register.engine.begin() as conn:  # a death from the population register: never placed
        conn.execute(
            update(person).where(person.c.id == died).values(deceased_on=dt.date(2026, 1, 5))
        )
    mk = _session(register, "mari.mk", Role.MARKETING)
    assert "Segmenttejä ei ole vielä." in mk.get(PAGE, params={"lang": "fi"}).text
    made = _post(mk, PAGE, name="yksityiset", rules="person_kind=natural", description="Kaikki")
    assert made.status_code == 303
    page = mk.get(PAGE, params={"lang": "fi"}).text
    assert "asiakastyyppi: yksityishenkilö" in page and ": natural" not in page
    assert "<dt>Segmentissä tänään</dt><dd>1</dd>" in page
    assert "kieltänyt profiloinnin: ei segmentissä</dt><dd>1</dd>" in page
    assert 'href="/console/marketing?segment=yksityiset&amp;lang=fi"' in page
    sv = mk.get(PAGE, params={"lang": "sv"}).text
    assert "kundtyp: privatperson" in sv

    bad = _post(mk, f"{PAGE}?lang=fi", name="huono", rules="shoe_size=42")
    assert bad.status_code == 422 and "rule" in bad.text
    assert 'value="huono"' in bad.text  # what was typed stays in the form
    assert _stored(register) == ["yksityiset"]


def test_the_segments_are_marketings_and_the_form_needs_the_token(
    register: RegisterApp,
) -> None:
    cs = _session(register, "maija.cs", Role.CUSTOMER_SERVICE)
    assert cs.get(PAGE, headers={"accept": "text/html"}).status_code == 403
    assert _post(cs, PAGE, name="x", rules="person_kind=natural").status_code == 403
    mk = _session(register, "mari.mk", Role.MARKETING)
    no_token = mk.post(
        PAGE, data={"name": "x", "rules": "person_kind=natural"}, follow_redirects=False
    )
    assert no_token.status_code == 403
    assert _stored(register) == []
