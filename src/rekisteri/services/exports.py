"""Files the register writes for staff to open: audience lists, hand-overs, loan manifests,
answers to authorities. They hold personal data, so they are readable by their owner only
(P16), and they are written whole or not at all: a half-written mailing list must never be used.
Never over a symbolic link or the register's own files (adapters/private_files.py).

Their CSV cells are safe to open in a spreadsheet: a text starting like a formula gets a `'`
before it (a name `=HYPERLINK(...)` or `+cmd|...` must stay a name on the recipient's machine).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from rekisteri.adapters import db
from rekisteri.adapters.private_files import open_private, write_private
from rekisteri.config import Settings

# What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, CR)...
_FORMULA_START = frozenset("=+-@\t\r")
# ...unless the whole text is a value: a plain number, and so a phone number in E.164 (+ and
# digits, as the register stores phones), which must not be mangled.
_VALUE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def register_files(settings: Settings) -> dict[Path, str]:
    """The files no export may be written over, by what each is."""
    files = db.register_files(settings.database_url)
    files[settings.key_file] = "the register's key file"
    return files


def spreadsheet_cell(value: Any) -> Any:
    """The value, with a `'` before a text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return _quoted(value)
    return value


def _quoted(text: str) -> str:
    return text if _VALUE.fullmatch(text) else "'" + text


def spreadsheet_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    # spreadsheet_cell spelled inline: a call per cell would double the time of a long list.
    return [
        [_quoted(c) if isinstance(c, str) and c[:1] in _FORMULA_START else c for c in row]
        for row in rows
    ]


@cache
def _cell_start(delimiter: str) -> re.Pattern[str]:
    """Where a cell starting like a formula would show in CSV text: after a delimiter or a
    line's end (the text's start is checked apart: an anchor would slow the search down),
    perhaps after the opening quote, the only thing csv writes before a cell."""
    return re.compile(f'[{re.escape(delimiter)}\n]"?[=+\\-@\t\r]')


def _batch_text(batch: Sequence[Sequence[Any]], delimiter: str) -> str:
    """The rows as CSV text, written in C; cell by cell in Python only when some cell may
    start like a formula (a list of e-mail addresses or letters usually has none)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(batch)
    text, start = out.getvalue(), _cell_start(delimiter)
    if start.search("\n" + text[:2]) is None and start.search(text) is None:
        return text
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(spreadsheet_rows(batch))
    return out.getvalue()


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
        fh.write(_batch_text([header], delimiter))
        for batch in batches:
            fh.write(_batch_text(batch, delimiter))
            count += len(batch)
    return count


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A download a person opens in a spreadsheet, as Excel in a Finnish or Swedish locale reads
    it without an import dialog: UTF-8 with a byte-order mark (else it guesses a legacy code
    page and breaks ä and ö), `;` between cells (the comma is those locales' decimal sign), CRLF
    line ends, cells as safe as a written file's."""
    return ("\ufeff" + _batch_text([header, *rows], ";")).encode()


def write_json(path: Path, document: Any, *, settings: Settings) -> None:
    with open_private(path, keep=register_files(settings)) as fh:
        json.dump(document, fh, ensure_ascii=False, indent=2, default=str)


def write_file(path: Path, data: bytes | str, *, settings: Settings) -> None:
    """A document (such as the record of processing) written whole, owner-readable only, and
    never over the register's own files."""
    write_private(path, data, keep=register_files(settings))
