"""The retention run previewed and approved by the DPO in the web (issue 17 item 5b): the
preview removes nothing; an approval runs exactly what was previewed, and is refused when the
register changed since, or for a preview that is no longer the latest; the run is recorded with
the DPO as its actor; the page is the DPO's alone and its forms need the CSRF token."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from rekisteri.adapters.schema.register import call_recording, person
from rekisteri.adapters.schema.rights import retention_run
from rekisteri.catalogue import Role
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.register import ContactKind, PersonKind, Provenance, Relationship
from rekisteri.services.register import customers
from rekisteri.services.rights import objection
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_dpo_desk_web import _post, _session
from tests.support.clock import FakeClock

PAGE = "/console/retention"
PURGED = "Potentiaaliset asiakkaat ilman voimassa olevaa lupaa: poistettu"


def _objecting_prospect(reg: RegisterApp, name: str) -> int:
    """A prospect who objected to marketing: the next run removes them."""
    with reg.unit_of_work(Actor("test")) as uow:
        prov = Provenance.of("competition_or_event", uow.now(), "messut")
        pid = customers.register_person(
            uow,
            PersonDraft(
                kind=PersonKind.NATURAL,
                relationship=Relationship.PROSPECT,
                first_names=name,
                last_name="Näkymä",
                contact_points=(ContactPointDraft(ContactKind.EMAIL, f"{name}@example.fi"),),
            ),
            prov,
            (
                PermissionDraft(
                    ConsentPurpose.OWN_MARKETING,
                    Channel.LETTER,
                    CaptureMethod.COMPETITION_OR_EVENT,
                    "Saa lähettää tarjouksia",
                    "v1",
                ),
            ),
        ).person_id
        objection.record_objection(
            uow, pid, Provenance.of("customer_contact", uow.now()), captured_how="letter",
            wording="Älkää markkinoiko",
        )  # fmt: skip
    return pid


def _exists(reg: RegisterApp, pid: int) -> bool:
    with reg.engine.connect() as conn:
        return conn.execute(select(person.c.id).where(person.c.id == pid)).first() is not None


def _preview_id(dpo: TestClient) -> str:
    page = dpo.get(PAGE, params={"lang": "fi"}).text
    found = re.search(r'name="preview_id" value="(\d+)"', page)
    assert found, page
    return found[1]


def test_the_dpo_previews_and_approves_the_run(register: RegisterApp, clock: FakeClock) -> None:
    first = _objecting_prospect(register, "Ensimmäinen")
    clock.advance(days=1)
    dpo = _session(register, "olli.dpo", Role.DPO)
    assert _post(dpo, f"{PAGE}/preview").status_code == 303
    page = dpo.get(PAGE, params={"lang": "fi"}).text
    assert "Esikatselu" in page and f"<dt>{PURGED}</dt><dd>1</dd>" in page
    assert _exists(register, first)  # a preview removes nothing
    previewed = _preview_id(dpo)

    second = _objecting_prospect(register, "Toinen")  # the register changes after the preview
    refused = _post(dpo, f"{PAGE}/approve?lang=fi", preview_id=previewed)
    assert refused.status_code == 409
    assert "rekisteri on muuttunut esikatselun jälkeen" in refused.text
    assert _exists(register, first) and _exists(register, second)

    assert _post(dpo, f"{PAGE}/preview").status_code == 303
    latest = _preview_id(dpo)
    stale = _post(dpo, f"{PAGE}/approve?lang=fi", preview_id=previewed)
    assert stale.status_code == 409 and "hyväksy viimeisin esikatselu" in stale.text
    assert _post(dpo, f"{PAGE}/approve", preview_id=latest).status_code == 303
    assert not _exists(register, first) and not _exists(register, second)
    with register.engine.connect() as conn:
        run = conn.execute(select(retention_run).order_by(retention_run.c.id.desc()).limit(1)).one()
    assert (run.dry_run, run.actor) == (False, "olli.dpo")
    done = dpo.get(PAGE, params={"lang": "fi"}).text
    assert f"Ajo {run.id}" in done and f"<dt>{PURGED}</dt><dd>2</dd>" in done
    assert 'name="preview_id"' not in done  # a run is not approved again


def test_the_page_is_the_dpos_and_its_forms_need_the_token(register: RegisterApp) -> None:
    cs = _session(register, "maija.cs", Role.CUSTOMER_SERVICE)
    assert cs.get(PAGE, headers={"accept": "text/html"}).status_code == 403
    assert _post(cs, f"{PAGE}/preview").status_code == 403
    dpo = _session(register, "olli.dpo", Role.DPO)
    assert dpo.post(f"{PAGE}/preview", follow_redirects=False).status_code == 403
    with register.engine.connect() as conn:
        assert conn.execute(select(retention_run)).first() is None


def test_the_run_reads_in_the_desks_language_with_the_files_to_destroy(
    register: RegisterApp, clock: FakeClock
) -> None:
    """Every count in the DPO's words (the data and its period from the catalogue), only those
    that are not zero; the notes in the same language; the audio files kept elsewhere listed."""
    import datetime as dt

    from tests.support.people import make_customer

    make_customer(register, ended_on=dt.date(2025, 12, 31))  # a recording kept outside
    with register.engine.connect() as conn:
        audio = conn.execute(select(call_recording.c.file_ref)).scalar_one()
    clock.advance(days=400)
    dpo = _session(register, "olli.dpo", Role.DPO)
    assert _post(dpo, f"{PAGE}/preview").status_code == 303
    with register.engine.connect() as conn:
        stored = json.loads(conn.execute(select(retention_run.c.result)).scalar_one())
    said = {
        "fi": (
            "<dt>Puhelutallenteet ja niiden tallennusaika (12 kuukautta tallennuksesta)</dt>"
            "<dd>1</dd>",
            "Poistettujen puhelutallenteiden äänitiedostoja rekisterin ulkopuolella: 1. Hävitä "
            "ne siellä, missä niitä säilytetään (luettelo alla).",
        ),
        "sv": (
            "<dt>Samtalsinspelningar och tidpunkten för inspelningen (12 månader från inspelningen)"
            "</dt>"
            "<dd>1</dd>",
            "Ljudfiler av raderade samtalsinspelningar utanför registret: 1. Förstör dem där de "
            "förvaras (förteckning nedan).",
        ),
    }
    for lang, (count, note) in said.items():
        page = dpo.get(PAGE, params={"lang": lang}).text
        assert count in page and note in page, lang
        assert f"<li><code>{audio}</code></li>" in page
        for name in stored["counts"]:
            assert f"<dt>{name}</dt>" not in page, (lang, name)
        assert page.count("<dt>") == sum(1 for n in stored["counts"].values() if n), lang
        desk = dpo.get("/console/dpo", params={"lang": lang}).text
        assert count in desk and note in desk, lang
