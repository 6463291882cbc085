"""Call recordings (P9, P18): audio taken in from the phone system as it streams, sealed into
the encrypted file store (adapters/file_store.py), and played back only to the roles the
catalogue lets read recordings, each play and export audited.

Intake is in two steps so that an upload is sealed as it arrives and nothing is held whole:
`AudioIntake` seals the stream (refusing what is not audio at its first bytes, and anything
larger than REKISTERI_MAX_RECORDING_BYTES), then `add_recording` records the row naming the
file in a unit of work; if that unit does not commit, the file is destroyed with it.
Destruction by retention and erasure is in services/rights/deletion.erase_rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.file_store import FileStore, SealingWriter, StoredFile, is_stored
from rekisteri.adapters.private_files import check_target, replacing
from rekisteri.adapters.schema.register import call_recording, contact_log
from rekisteri.catalogue import Category, Purpose, Visibility
from rekisteri.config import Settings, file_store_path
from rekisteri.domain.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from rekisteri.domain.recordings import HEAD_BYTES, RecordingMeta, audio_kind, refused_audio
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.exports import register_files
from rekisteri.services.register import attributes
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

R = Category.RECORDING


class AudioIntake:
    """Seals an audio stream fed piece by piece; refuses it at once when its first bytes are
    not WAV or Ogg Opus. Use as a context manager: leaving it without `finish` keeps nothing."""

    def __init__(
        self, files: FileStore, max_bytes: int, field: str = "audio", where: str | None = None
    ) -> None:
        self.field, self.where = field, where  # `where`: the file, named in a refusal
        self.writer: SealingWriter = files.writer(max_bytes, field)
        self.head = b""
        self.kind: str | None = None

    def __enter__(self) -> AudioIntake:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.writer.done:
            self.writer.discard()

    def feed(self, data: bytes) -> None:
        try:
            if self.kind is None and len(self.head) < HEAD_BYTES:
                self.head += data[: HEAD_BYTES - len(self.head)]
                if len(self.head) >= HEAD_BYTES:
                    self._check()
            self.writer.write(data)
        except InvalidInput as exc:
            raise InvalidInput(exc.field, exc.reason, where=self.where) from None

    def _check(self) -> None:
        self.kind = audio_kind(self.head)
        if self.kind is None:
            self.writer.discard()
            raise refused_audio(self.field)

    def finish(self) -> tuple[StoredFile, str]:
        if self.kind is None:
            try:
                self._check()  # shorter than a header: refused
            except InvalidInput as exc:
                raise InvalidInput(exc.field, exc.reason, where=self.where) from None
        assert self.kind is not None
        return self.writer.close(), self.kind


@dataclass(frozen=True)
class Recording:
    id: int
    person_id: int
    recorded_at: dt.datetime
    duration_seconds: int
    file_ref: str | None
    file_destroyed_at: dt.datetime | None

    @staticmethod
    def of(row: Any) -> Recording:
        return Recording(
            row.id,
            row.person_id,
            row.recorded_at,
            row.duration_seconds,
            row.file_ref,
            row.file_destroyed_at,
        )


def add_recording(
    uow: UnitOfWork, person_key: str | int, stored: StoredFile, meta: RecordingMeta
) -> int:
    """The row of a call recording whose audio `stored` holds; the audio goes if this unit of
    work does not commit (bad metadata, a restricted person: nothing is stored)."""
    files = uow.files
    uow.after_rollback.append(lambda: files.destroy(stored.ref))
    m = meta.validated(uow.now())
    person_id = resolve_person(uow, person_key)
    ensure_processing_allowed(uow, person_id, Purpose.VERIFYING_TRANSACTIONS)
    if m.contact_log_id is not None:
        owner = uow.execute(
            select(contact_log.c.person_id).where(contact_log.c.id == m.contact_log_id)
        ).scalar()
        if owner != person_id:
            raise InvalidInput("contact_log_id", "is not a contact log entry of this person")
    detail = f"phone system call {m.call_id}" if m.call_id else "phone system"
    provenance = Provenance.of(Source.CUSTOMER_CONTACT, uow.now(), detail)
    given = attributes.received(
        uow,
        call_recording,
        {
            "recorded_at": m.recorded_at,
            "duration_seconds": m.duration_seconds,
            "file_ref": stored.ref,
        },
        provenance,
    )
    row = call_recording.insert().values(
        person_id=person_id,
        contact_log_id=m.contact_log_id,
        **given,
        source=provenance.source.value,
        source_detail=provenance.detail,
        received_at=provenance.received_at,
    )
    return int(uow.execute(row).inserted_primary_key[0])


def _may_hear(uow: UnitOfWork) -> None:
    """Only roles the catalogue lets read recordings hear them (the register's own jobs, with
    no role, do: the access package)."""
    role = uow.actor.role
    if role is not None and uow.catalogue.category_visibility(R, role) is Visibility.NONE:
        raise Forbidden(f"role {role.value} may not read call recordings")


def recording(uow: UnitOfWork, recording_id: int) -> Recording:
    _may_hear(uow)
    row = uow.execute(select(call_recording).where(call_recording.c.id == recording_id)).first()
    if row is None:
        raise NotFound("call recording", recording_id)
    return Recording.of(row)


def hear(uow: UnitOfWork, recording_id: int, how: str) -> tuple[Recording, Iterator[bytes]]:
    """The recording and its verified audio, chunk by chunk; audited as `how` (played,
    exported). Every chunk is checked before the first is given, so a damaged file gives
    nothing at all."""
    rec = recording(uow, recording_id)
    if rec.file_ref is None:
        raise RuleViolation(f"call recording {recording_id}: the audio has been destroyed")
    if not is_stored(rec.file_ref):
        raise RuleViolation(
            f"call recording {recording_id}: the audio is kept outside the register "
            f"({rec.file_ref})"
        )
    uow.note_read([rec.person_id], [R], f"call recording {recording_id} {how}")
    files = uow.files
    files.verify(rec.file_ref)
    return rec, files.read(rec.file_ref)


def of_person(uow: UnitOfWork, person_key: str | int) -> list[Recording]:
    _may_hear(uow)
    person_id = resolve_person(uow, person_key)
    rows = uow.execute(
        select(call_recording)
        .where(call_recording.c.person_id == person_id)
        .order_by(call_recording.c.recorded_at, call_recording.c.id)
    ).all()
    if rows:  # nothing returned, nothing read
        uow.note_read([person_id], [R], "call recordings listed")
    return [Recording.of(r) for r in rows]


def write_audio(settings: Settings, chunks: Iterable[bytes], out: Path) -> int:
    """Write verified audio to `out`, owner-only, whole or not at all, never over a symbolic
    link or the register's own files; its size. This copy is outside the register: whoever
    exported it answers for it (the export is audited)."""
    keep = {**register_files(settings), file_store_path(settings): "the register's file store"}
    check_target(out, keep)
    size = 0
    with replacing(out) as fh:
        for chunk in chunks:
            fh.write(chunk)
            size += len(chunk)
    return size


def parse_time(text: str, field: str) -> dt.datetime:
    """An ISO 8601 time with its zone, as the command line gives it."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            field, f"{text[:40]!r} is not a time like 2026-03-01T10:00:00+02:00"
        ) from None
