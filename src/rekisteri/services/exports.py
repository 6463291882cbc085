"""Files the register writes for staff to open: audience lists, hand-overs, loan manifests,
answers to authorities. They hold personal data, so they are readable by their owner only
(P16), and they are written whole or not at all: a half-written mailing list must never be used.
Never over a symbolic link or the register's own files (adapters/private_files.py).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rekisteri.adapters import db
from rekisteri.adapters.private_files import open_private
from rekisteri.config import Settings


def register_files(settings: Settings) -> dict[Path, str]:
    """The files no export may be written over, by what each is."""
    files = db.register_files(settings.database_url)
    files[settings.key_file] = "the register's key file"
    return files


def write_table(
    path: Path,
    header: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    *,
    settings: Settings,
    delimiter: str = ",",
) -> int:
    """A CSV file of a header and batches of rows (csv.writerows: the rows are written in C);
    returns how many rows."""
    count = 0
    with open_private(path, keep=register_files(settings)) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        for batch in batches:
            writer.writerows(batch)
            count += len(batch)
    return count


def write_json(path: Path, document: Any, *, settings: Settings) -> None:
    with open_private(path, keep=register_files(settings)) as fh:
        json.dump(document, fh, ensure_ascii=False, indent=2, default=str)
