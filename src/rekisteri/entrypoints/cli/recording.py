"""recording add|list|play|export: call recordings in the encrypted file store (P9, P18).

Intake is staff work (a role that may change recordings: customer service, the DPO); the phone
system sends its recordings through the API with an integration token instead
(PUT /api/v1/persons/{key}/recordings)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.recordings import RecordingMeta
from rekisteri.entrypoints.cli.common import (
    console,
    fail,
    print_json,
    register_errors,
    staff,
)
from rekisteri.services.recordings import audio

app = typer.Typer(
    help="Call recordings: audio kept encrypted, played only by those who may (P9).",
    no_args_is_help=True,
)
PURPOSE = Purpose.VERIFYING_TRANSACTIONS
READ = 1024 * 1024


@app.command()
def add(
    person: str = typer.Argument(..., help="customer number, id or personal identity code"),
    audio_file: Path = typer.Argument(..., metavar="AUDIO", help="WAV, or Opus in Ogg"),
    recorded_at: str = typer.Option(..., help="when the call began, e.g. 2026-03-01T10:00+02:00"),
    duration: int = typer.Option(..., help="the call's length in seconds"),
    contact_log_id: int = typer.Option(None, help="the contact log entry of the call"),
    call_id: str = typer.Option(None, help="the phone system's id of the call"),
) -> None:
    """Take in a call recording: the audio is sealed into the encrypted file store as it is
    read (never a plain copy on disk); what is not WAV or Ogg Opus is refused, nothing stored."""
    reg, actor = staff(PURPOSE, Category.RECORDING, writes=True)
    with register_errors():
        meta = RecordingMeta(
            audio.parse_time(recorded_at, "--recorded-at"), duration, contact_log_id, call_id
        )
        try:
            source = audio_file.open("rb")
        except OSError as exc:
            raise InvalidInput("AUDIO", f"{audio_file}: {exc.strerror}") from None
        limit, where = reg.settings.max_recording_bytes, str(audio_file)
        with source, audio.AudioIntake(reg.files, limit, "AUDIO", where) as intake:
            while data := source.read(READ):
                intake.feed(data)
            stored, kind = intake.finish()
        with reg.unit_of_work(actor) as uow:
            new_id = audio.add_recording(uow, person, stored, meta)
    console.print(f"call recording {new_id} added ({kind}, {stored.size} bytes)", markup=False)


@app.command("list")
def list_(
    person: str = typer.Argument(..., help="customer number, id or personal identity code"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The person's call recordings: when, how long, whether the audio is still kept."""
    reg, actor = staff(PURPOSE, Category.RECORDING)
    with register_errors(), reg.reading(actor) as uow:
        found = audio.of_person(uow, person)
    rows = [
        {
            "id": r.id,
            "recorded_at": r.recorded_at.isoformat(),
            "duration_seconds": r.duration_seconds,
            "audio": "kept" if r.file_ref else f"destroyed {r.file_destroyed_at or ''}".strip(),
        }
        for r in found
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "recorded at", "seconds", "audio")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table, soft_wrap=False)


@app.command()
def play(recording_id: int = typer.Argument(..., min=1)) -> None:
    """Write the recording's audio to standard output, for a player to read (audited)."""
    if sys.stdout.isatty():
        fail("the audio is binary: pipe it to a player, e.g. `| aplay`, or use export --out")
    reg, actor = staff(PURPOSE, Category.RECORDING)
    with register_errors():
        with reg.reading(actor) as uow:
            _, chunks = audio.hear(uow, recording_id, "played")
        out = sys.stdout.buffer
        for chunk in chunks:
            out.write(chunk)
        out.flush()


@app.command()
def export(
    recording_id: int = typer.Argument(..., min=1),
    out: Path = typer.Option(..., "--out", help="the audio file to write (owner-readable only)"),
) -> None:
    """Write the recording's audio to a file only you can read (audited)."""
    reg, actor = staff(PURPOSE, Category.RECORDING)
    with register_errors():
        with reg.reading(actor) as uow:
            _, chunks = audio.hear(uow, recording_id, "exported")
        size = audio.write_audio(reg.settings, chunks, out)
    console.print(f"call recording {recording_id}: {size} bytes written to {out}", markup=False)
