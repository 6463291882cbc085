"""The files of a fulfilled request, written where the staff member asked: the access report
(JSON, readings CSV, HTML, PDF), the portable data (JSON, CSV) and the erasure letter
(text). Owner-only files (P16), each whole or not at all, never over a symbolic link or the
register's own files."""

from __future__ import annotations

from pathlib import Path

from rekisteri.adapters.private_files import open_private, private_directory, write_private
from rekisteri.adapters.reports import access
from rekisteri.config import Settings
from rekisteri.domain.requests import RequestKind
from rekisteri.services.exports import register_files
from rekisteri.services.rights import erasure_letter
from rekisteri.services.rights.fulfilment import Fulfilment


def write_answer_files(
    done: Fulfilment, directory: Path, *, settings: Settings, pdf: bool = True
) -> dict[str, Path]:
    """Write the answer's files into `directory`; returns them by format."""
    keep = register_files(settings)
    files: dict[str, Path] = {}
    if done.access is not None:
        files = access.write_files(done.access, directory, keep=keep, pdf=pdf)
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
    return files
