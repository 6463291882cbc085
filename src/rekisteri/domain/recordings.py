"""Call recordings as the register takes them: audio whose first bytes say what it is, and
the metadata of the call (P9, P18)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rekisteri.domain.errors import InvalidInput

# How many bytes tell the kind: a WAV file's RIFF header (12 bytes), an Ogg page header
# (27 bytes and one segment-table byte) followed by the Opus identification header "OpusHead".
HEAD_BYTES = 36
MEDIA_TYPES = {"wav": "audio/wav", "opus": "audio/ogg"}
LONGEST_CALL_SECONDS = 24 * 3600
_CALL_ID = re.compile(r"[0-9A-Za-z._:-]{1,80}")


def audio_kind(head: bytes) -> str | None:
    """'wav' or 'opus' by the first `HEAD_BYTES` bytes; None for anything else."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if len(head) >= 36 and head[:4] == b"OggS" and head[28:36] == b"OpusHead":
        return "opus"
    return None


def refused_audio(field: str) -> InvalidInput:
    return InvalidInput(
        field, "is not audio the register takes (a WAV file, or Opus in Ogg); nothing was stored"
    )


@dataclass(frozen=True)
class RecordingMeta:
    """What the phone system says of a call: when, how long, which contact, its own id."""

    recorded_at: dt.datetime
    duration_seconds: int
    contact_log_id: int | None = None
    call_id: str | None = None

    def validated(self, now: dt.datetime) -> RecordingMeta:
        if self.recorded_at.tzinfo is None:
            raise InvalidInput("recorded_at", "needs a time zone (e.g. 2026-03-01T10:00:00+02:00)")
        if self.recorded_at > now + dt.timedelta(minutes=5):
            raise InvalidInput("recorded_at", "is in the future")
        if not 1 <= self.duration_seconds <= LONGEST_CALL_SECONDS:
            raise InvalidInput(
                "duration_seconds", f"must be between 1 and {LONGEST_CALL_SECONDS} seconds"
            )
        if self.call_id is not None and not _CALL_ID.fullmatch(self.call_id):
            raise InvalidInput(
                "call_id", "must be 1-80 letters, digits or . _ : - (the phone system's id)"
            )
        return RecordingMeta(
            self.recorded_at.astimezone(dt.UTC),
            self.duration_seconds,
            self.contact_log_id,
            self.call_id,
        )
