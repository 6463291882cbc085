"""/api/v1: call recordings. The phone system PUTs a call's audio as the request body
(audio/wav or audio/ogg), streamed: it is sealed into the encrypted file store as it arrives,
never spooled to a temporary file (no multipart) nor held whole, and limited by
REKISTERI_MAX_RECORDING_BYTES before it is read (body_limits.RECORDING_UPLOADS). Played back,
streamed, only to roles that may read recordings; each play audited before the first byte."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.recordings import (
    LONGEST_CALL_SECONDS,
    MEDIA_TYPES,
    RecordingMeta,
    audio_kind,
)
from rekisteri.entrypoints.api.deps import PersonKey, Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import Created
from rekisteri.services.recordings import audio

router = APIRouter(prefix="/api/v1", tags=["recordings"], route_class=RegisterRoute)
PURPOSE = Purpose.VERIFYING_TRANSACTIONS
WriteRecording = Annotated[Principal, Depends(guard(PURPOSE, Category.RECORDING, writes=True))]
ReadRecording = Annotated[Principal, Depends(guard(PURPOSE, Category.RECORDING))]
# The media types taken, by the kind the audio's first bytes must then show.
TAKEN = {"audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/ogg": "opus"}


@router.put(
    "/persons/{key}/recordings",
    status_code=201,
    response_model=Created,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in TAKEN},
        }
    },
)
async def add_recording(
    key: PersonKey,
    request: Request,
    reg: RegisterDep,
    who: WriteRecording,
    recorded_at: Annotated[dt.datetime, Query(description="when the call began, with zone")],
    duration_seconds: Annotated[int, Query(ge=1, le=LONGEST_CALL_SECONDS)],
    contact_log_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    call_id: Annotated[str | None, Query(max_length=80)] = None,
) -> Created:
    """Take in a call's audio (the body, WAV or Ogg Opus) for the person; what is not audio of
    the declared type is refused (422) and nothing is stored."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in TAKEN:
        raise InvalidInput("Content-Type", f"must be one of {', '.join(TAKEN)}")
    meta = RecordingMeta(recorded_at, duration_seconds, contact_log_id, call_id)
    with audio.AudioIntake(reg.files, reg.settings.max_recording_bytes, "body") as intake:
        async for chunk in request.stream():
            if chunk:
                await run_in_threadpool(intake.feed, chunk)
        stored, kind = await run_in_threadpool(intake.finish)
    if kind != TAKEN[media]:
        reg.files.destroy(stored.ref)
        raise InvalidInput("body", f"is {MEDIA_TYPES[kind]}, not {media}; nothing was stored")

    def record() -> int:
        with reg.unit_of_work(who.actor) as uow:
            return audio.add_recording(uow, key, stored, meta)

    return Created(id=await run_in_threadpool(record))


@router.get("/persons/{key}/recordings")
def list_recordings(key: PersonKey, reg: RegisterDep, who: ReadRecording) -> list[dict[str, Any]]:
    """The person's call recordings: when, how long, whether the audio is still kept."""
    with reg.reading(who.actor) as uow:
        found = audio.of_person(uow, key)
    return [
        {
            "id": r.id,
            "recorded_at": r.recorded_at,
            "duration_seconds": r.duration_seconds,
            "audio_kept": r.file_ref is not None,
            "audio_destroyed_at": r.file_destroyed_at,
        }
        for r in found
    ]


@router.get(
    "/recordings/{recording_id}/audio",
    response_class=StreamingResponse,
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}},
)
def play_recording(recording_id: RowId, reg: RegisterDep, who: ReadRecording) -> StreamingResponse:
    """The recording's audio, streamed; the play is in the audit trail before the first byte
    is sent, and every chunk was checked first (a damaged file gives nothing)."""
    with reg.reading(who.actor) as uow:
        rec, chunks = audio.hear(uow, recording_id, "played")
    head = next(chunks, b"")
    kind = audio_kind(head) or "wav"

    def body() -> Iterator[bytes]:
        yield head
        yield from chunks

    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="recording-{rec.id}.{kind}"'},
    )
