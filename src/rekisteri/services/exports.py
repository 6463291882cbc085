"""Files the register writes for staff to open: audience lists, hand-overs, loan manifests,
answers to authorities. They hold personal data, so they are readable by their owner only
(P16), and they are written whole or not at all: a half-written mailing list must never be used.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from rekisteri.adapters.private_files import open_private


@contextmanager
def _whole(path: Path) -> Iterator[IO[str]]:
    """A text file that appears under `path` only once it is complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open_private(tmp) as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(
    path: Path,
    header: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    *,
    delimiter: str = ",",
) -> int:
    """A CSV file of a header and batches of rows (csv.writerows: the rows are written in C);
    returns how many rows."""
    count = 0
    with _whole(path) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        for batch in batches:
            writer.writerows(batch)
            count += len(batch)
    return count


def write_json(path: Path, document: Any) -> None:
    with _whole(path) as fh:
        json.dump(document, fh, ensure_ascii=False, indent=2, default=str)
