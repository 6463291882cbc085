"""The files of a fulfilled request, written where the staff member asked: the access report
(JSON, readings CSV, HTML, PDF), the portable data (JSON, CSV) and the erasure letter
(text), with the envelope the answer is posted in (services/register/letters). Owner-only
files (P16), each whole or not at all, never over a symbolic link or the register's own
files."""

from __future__ import annotations

from pathlib import Path

from rekisteri.adapters.private_files import (
    Keep,
    check_target,
    open_private,
    private_directory,
    replacing,
    write_private,
)
from rekisteri.adapters.reports import access
from rekisteri.config import Settings
from rekisteri.domain.recordings import audio_kind
from rekisteri.domain.requests import RequestKind
from rekisteri.services.exports import register_files
from rekisteri.services.rights import erasure_letter
from rekisteri.services.rights.fulfilment import Fulfilment


def _recording_copies(done: Fulfilment, directory: Path, keep: Keep) -> dict[str, Path]:
    """The call audio the DPO cleared for the package, each decrypted straight into an
    owner-only file of the package (checked whole first: a damaged file gives nothing)."""
    if not done.recordings or done.store is None:
        return {}
    private_directory(directory)
    written: dict[str, Path] = {}
    for copy in done.recordings:
        done.store.verify(copy.file_ref)
        chunks = done.store.read(copy.file_ref)
        first = next(chunks, b"")
        path = directory / f"recording-{done.reference}-{copy.recording_id}.{audio_kind(first)}"
        check_target(path, keep)
        with replacing(path) as fh:
            fh.write(first)
            for chunk in chunks:
                fh.write(chunk)
        written[f"recording {copy.recording_id}"] = path
    return written


def write_answer_files(
    done: Fulfilment, directory: Path, *, settings: Settings, pdf: bool = True
) -> dict[str, Path]:
    """Write the answer's files into `directory`; returns them by format."""
    keep = register_files(settings)
    files: dict[str, Path] = {}
    if done.access is not None:
        done.rendered = access.render(done.access, pdf=pdf)
        files = access.write_files(done.access, directory, keep=keep, rendered=done.rendered)
        files |= _recording_copies(done, directory, keep)
    if done.kind is RequestKind.ERASURE:
        private_directory(directory)
        files["letter"] = directory / f"erasure-{done.reference}.txt"
        text = erasure_letter.compose(done.outcome, done.outcome["language"], done.reference)
        write_private(files["letter"], text, keep=keep)
    if done.portable is not None:
        private_directory(directory)
        stem = directory / f"portability-{done.reference}"
        files["json"] = stem.with_suffix(".json")
        write_private(files["json"], done.portable.to_json(), keep=keep)
        files["csv"] = directory / f"portability-{done.reference}-provided.csv"
        write_private(files["csv"], done.portable.provided_csv(), keep=keep)
        files["readings"] = directory / f"portability-{done.reference}-readings.csv"
        with open_private(files["readings"], keep=keep) as fh:
            access.write_readings_csv(done.portable.readings, fh)
    if files and done.envelope is not None:
        # The answer goes by post in this envelope (a turvakielto: the forwarding route).
        files["envelope"] = directory / f"envelope-{done.reference}.txt"
        write_private(files["envelope"], done.envelope.text(), keep=keep)
    return files


def write_notice_letter(
    reference: str, letter: str, directory: Path, *, settings: Settings
) -> Path:
    """The access package's notice letter (its envelope and download link) beside the answer's
    files, to be printed and posted (services/rights/package_delivery)."""
    private_directory(directory)
    path = directory / f"package-notice-{reference}.txt"
    write_private(path, letter, keep=register_files(settings))
    return path
