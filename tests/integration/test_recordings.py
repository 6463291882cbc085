"""Call recordings (P9, P18): audio sealed into the encrypted file store as it is taken in,
heard only by roles the catalogue lets read recordings (audited), and destroyed for real by
retention and erasure; the person's access package lists their recordings."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import call_recording
from rekisteri.adapters.schema.rights import rights_request_event
from rekisteri.catalogue import Role
from rekisteri.config import file_store_path
from rekisteri.domain.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from rekisteri.domain.recordings import RecordingMeta
from rekisteri.domain.register import Provenance
from rekisteri.services.access import disclosures, recording_loans
from rekisteri.services.recordings import audio
from rekisteri.services.rights import (
    delivery,
    fulfilment,
    package,
    recording_copies,
    requests,
    retention,
)
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.integration.test_erasure_and_retention import _erase
from tests.support.audio import wav_bytes
from tests.support.clock import FakeClock
from tests.support.people import make_customer

SYSTEM = Actor("tester")
SERVICE = Actor("anna.asiakaspalvelu", Role.CUSTOMER_SERVICE)
AUDIO = wav_bytes(3.0)


def take_in(reg: RegisterApp, person_id: int, data: bytes = AUDIO, **meta: object) -> int:
    with audio.AudioIntake(reg.files, reg.settings.max_recording_bytes) as intake:
        for i in range(0, len(data), 10_000):
            intake.feed(data[i : i + 10_000])
        stored, _ = intake.finish()
    m = RecordingMeta(
        meta.pop("recorded_at", reg.clock() - dt.timedelta(hours=1)),  # type: ignore[arg-type]
        int(meta.pop("duration_seconds", 3)),  # type: ignore[call-overload]
        **meta,  # type: ignore[arg-type]
    )
    with reg.unit_of_work(SERVICE) as uow:
        return audio.add_recording(uow, person_id, stored, m)


def stored_files(reg: RegisterApp) -> list[str]:
    return [ref for ref, _ in reg.files.stored()]


def heard(reg: RegisterApp, recording_id: int, actor: Actor = SERVICE) -> bytes:
    with reg.reading(actor) as uow:
        _, chunks = audio.hear(uow, recording_id, "played")
    return b"".join(chunks)


def test_taken_in_sealed_and_heard_back_audited(register: RegisterApp) -> None:
    pid = add_person(register)
    rid = take_in(register, pid, call_id="pbx-42")
    assert heard(register, rid) == AUDIO
    with register.reading(SYSTEM) as uow:
        row = uow.execute(select(call_recording).where(call_recording.c.id == rid)).one()
        played = uow.execute(
            select(audit_entry.c.actor, audit_entry.c.person_ids, audit_entry.c.categories).where(
                audit_entry.c.what == f"call recording {rid} played"
            )
        ).all()
    assert row.source == "customer_contact" and row.source_detail == "phone system call pbx-42"
    assert stored_files(register) == [row.file_ref]
    assert played == [("anna.asiakaspalvelu", str(pid), "recording")]


def test_not_audio_and_bad_metadata_store_nothing(register: RegisterApp) -> None:
    pid = add_person(register)
    with pytest.raises(InvalidInput, match="audio: is not audio"):
        take_in(register, pid, b"%PDF-1.7 " + AUDIO)
    with pytest.raises(InvalidInput, match="duration_seconds"):
        take_in(register, pid, duration_seconds=0)
    with pytest.raises(NotFound):
        take_in(register, 987654)
    with pytest.raises(InvalidInput, match="is in the future"):
        take_in(register, pid, recorded_at=register.clock() + dt.timedelta(days=1))
    with register.reading(SYSTEM) as uow:
        assert uow.execute(select(func.count()).select_from(call_recording)).scalar_one() == 0
    assert stored_files(register) == []


@pytest.mark.proves("P18.recordings-encrypted")
@pytest.mark.parametrize("role", [Role.MARKETING, Role.BILLING, Role.PROCESSOR])
def test_only_roles_that_read_recordings_hear_them(register: RegisterApp, role: Role) -> None:
    rid = take_in(register, add_person(register))
    with pytest.raises(Forbidden, match="may not read call recordings"):
        heard(register, rid, Actor("someone", role))
    assert heard(register, rid, Actor("tietosuoja", Role.DPO)) == AUDIO


@pytest.mark.proves("P14.kept.recordings")
def test_a_recording_past_its_period_loses_its_file(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    old = take_in(register, pid)
    clock.advance(days=200)
    kept = take_in(register, pid)
    with register.reading(SYSTEM) as uow:
        refs = dict(uow.execute(select(call_recording.c.id, call_recording.c.file_ref)).all())
    clock.advance(days=200)  # the first is 400 days old, the second 200
    with register.unit_of_work(Actor("retention")) as uow:
        dry = retention.run(uow, dry_run=True)
    assert dry.counts[retention.FILES_DESTROYED] == 1
    assert dry.files_outside == []  # the store's own file is destroyed, not listed elsewhere
    assert sorted(stored_files(register)) == sorted(refs.values())
    with register.unit_of_work(Actor("retention")) as uow:
        result = retention.run(uow)
    assert result.counts[retention.FILES_DESTROYED] == 1
    assert result.notes == [
        "1 audio files destroyed in the register's encrypted file store (once this run commits)"
    ]
    assert stored_files(register) == [refs[kept]]
    assert not register.files.exists(refs[old])
    with register.unit_of_work(Actor("retention")) as uow:
        again = retention.run(uow)
    assert again.counts[retention.FILES_DESTROYED] == 0


def _age(reg: RegisterApp, ref: str, days: int) -> None:
    name = ref.removeprefix("store:")
    path = file_store_path(reg.settings) / name[:2] / f"{name}.rkf"
    aged = path.stat().st_mtime - days * 24 * 3600
    os.utime(path, (aged, aged))


def test_an_orphaned_file_is_swept_once_a_day_old(register: RegisterApp) -> None:
    """Only a file no row names goes, once a day old; a file a recording names stays however
    old it is. A preview counts the orphan and destroys nothing."""
    recorded = take_in(register, add_person(register))
    with register.reading(SYSTEM) as uow:
        named = uow.execute(
            select(call_recording.c.file_ref).where(call_recording.c.id == recorded)
        ).scalar_one()
    with register.files.writer() as w:  # an intake whose row never came (a killed process)
        w.write(AUDIO)
        orphan = w.close().ref
    with register.unit_of_work(Actor("retention")) as uow:
        assert retention.run(uow).counts[retention.FILES_DESTROYED] == 0
    assert register.files.exists(orphan)
    _age(register, orphan, 2)
    _age(register, named, 2)
    with register.unit_of_work(Actor("retention")) as uow:
        preview = retention.run(uow, dry_run=True)
    assert preview.counts[retention.FILES_DESTROYED] == 1
    assert sorted(stored_files(register)) == sorted([named, orphan])
    with register.unit_of_work(Actor("retention")) as uow:
        done = retention.run(uow)
    assert done.counts == preview.counts
    assert stored_files(register) == [named]
    assert heard(register, recorded) == AUDIO


def test_erasure_destroys_the_audio(register: RegisterApp, clock: FakeClock) -> None:
    # A customer (records kept, restricted) and a prospect (purged whole): both lose their audio.
    c = make_customer(register, ended_on=dt.date(2025, 12, 31))
    mine = take_in(register, c.person_id)
    prospect = add_person(register)
    theirs = take_in(register, prospect)
    with register.reading(SYSTEM) as uow:
        refs = dict(uow.execute(select(call_recording.c.id, call_recording.c.file_ref)).all())
    done = _erase(register, c.person_id).outcome
    assert done["files_destroyed"] == 1
    assert done["files_to_destroy_elsewhere"] == ["recordings/2026/03/call-1.opus"]
    assert not register.files.exists(refs[mine]) and register.files.exists(refs[theirs])
    done = _erase(register, prospect).outcome
    assert done["files_destroyed"] == 1
    assert stored_files(register) == []


def test_an_erasure_that_fails_keeps_the_audio(register: RegisterApp) -> None:
    c = make_customer(register)  # a contract in force: erasure is refused
    rid = take_in(register, c.person_id)
    with pytest.raises(Exception, match="contract in force"):
        _erase(register, c.person_id)
    assert heard(register, rid) == AUDIO


def test_a_lent_recording_past_its_period_stays_listed_but_its_audio_goes(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    rid = take_in(register, pid)
    with register.unit_of_work(SYSTEM) as uow:
        to = disclosures.add_recipient(
            uow, "Tutkimuslaitos", "research_institute", "FI", ["service_quality"],
            agreement_ref="T-1",
        )  # fmt: skip
        recording_loans.lend_recordings(
            uow,
            disclosures.find_recipient(uow, str(to)),
            [rid],
            study="palvelun laatu",
            due_on=uow.today() + dt.timedelta(days=600),
        )
    clock.advance(days=400)
    with register.unit_of_work(Actor("retention")) as uow:
        result = retention.run(uow)
    assert result.counts[retention.FILES_DESTROYED] == 1
    with register.reading(SYSTEM) as uow:
        row = uow.execute(select(call_recording).where(call_recording.c.id == rid)).one()
    # The loan still lists it (the institute must return or destroy its copy); ours is gone.
    assert row.file_ref is None and row.file_destroyed_at == clock()
    assert stored_files(register) == []
    with register.reading(SERVICE) as uow, pytest.raises(Exception, match="destroyed"):
        audio.hear(uow, rid, "played")


def test_the_access_package_lists_the_recordings(register: RegisterApp) -> None:
    pid = add_person(register)
    take_in(register, pid, duration_seconds=125)
    with register.reading(SYSTEM) as uow:
        p = package.build(uow, pid, lang="en")
    rows = {s.key: s for s in p.sections}["call_recording"].rows
    assert [r["duration_seconds"] for r in rows] == [125]
    assert rows[0]["recorded_at"] is not None


def test_the_store_lives_beside_the_database_owner_only(register: RegisterApp) -> None:
    take_in(register, add_person(register))
    root = file_store_path(register.settings)
    assert root.name == "rekisteri.files"
    assert (root.stat().st_mode & 0o777) == 0o700
    assert isinstance(root, Path)


def _access(reg: RegisterApp, pid: int, tmp: Path, *, checked: bool) -> dict[str, Path]:
    with reg.unit_of_work(SYSTEM) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        new = requests.new_request(uow, pid, "access", "signed_letter", prov)
        requests.verify(uow, new.reference, "signature_matched")
        if checked:
            recording_copies.mark_checked(uow, new.reference, "agent's voice only; agreed")
        done = fulfilment.fulfil(uow, new.reference, lang="en")
        return delivery.write_answer_files(done, tmp, settings=reg.settings, pdf=False)


def test_a_copy_of_the_audio_goes_into_the_package_only_once_the_dpo_checked_it(
    register: RegisterApp, tmp_path: Path
) -> None:
    unchecked, checked = add_person(register), add_person(register, first="Eeva")
    take_in(register, unchecked)
    rid = take_in(register, checked)
    files = _access(register, unchecked, tmp_path / "a", checked=False)
    assert not any(k.startswith("recording") for k in files)
    files = _access(register, checked, tmp_path / "b", checked=True)
    copy = files[f"recording {rid}"]
    assert copy.name.endswith(f"-{rid}.wav") and copy.read_bytes() == AUDIO
    assert (copy.stat().st_mode & 0o777) == 0o600
    with register.reading(SYSTEM) as uow:
        steps = uow.execute(
            select(rights_request_event.c.actor, rights_request_event.c.note).where(
                rights_request_event.c.event == "recordings checked"
            )
        ).all()
    assert steps == [("tester", "agent's voice only; agreed")]
    with register.unit_of_work(SYSTEM) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        other = requests.new_request(uow, checked, "objection", "signed_letter", prov)
        with pytest.raises(RuleViolation, match="not an access request"):
            recording_copies.mark_checked(uow, other.reference, "checked")
