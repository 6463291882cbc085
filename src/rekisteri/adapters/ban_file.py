"""The ASML ban register file (docs/ban-register.md): CSV, UTF-8 (a BOM allowed), one row a line.

Each line is read within the bound of adapters.input_files and decoded and split on its own,
so a line past the bound, a byte that is not UTF-8, a quote left open or a row with too few or
too many fields is refused naming the file, its line and the field, before anything is stored.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rekisteri.adapters.input_files import (
    LineTooLong,
    field_at,
    open_bytes,
    read_line,
    too_long,
    undecodable,
)
from rekisteri.domain.bans import Ban, parse_ban
from rekisteri.domain.errors import InvalidInput, excerpt

COLUMNS = (
    "kind",
    "last_name",
    "first_names",
    "street",
    "postal_code",
    "post_office",
    "phone",
    "registered_on",
)


@dataclass(frozen=True)
class BanFile:
    """The validated rows of a ban file and where it ends (its last line), for refusals that
    concern the file as a whole."""

    bans: list[Ban]
    end: str  # "<file>:<last line>"


def read_ban_file(path: Path, today: dt.date) -> BanFile:
    """Every row of a ban file, validated; InvalidInput names the file, line and field."""
    where = str(path)
    header: tuple[str, ...] = ("header",)
    number = 0
    bans: list[Ban] = []
    with open_bytes(path, where) as stream:
        while True:
            try:
                raw = read_line(stream)
            except LineTooLong as exc:
                field, reason = too_long(exc.head, b",", header)
                raise InvalidInput(field, reason, where=f"{where}:{number + 1}") from None
            if not raw:
                break
            number += 1
            try:
                fields = _fields(raw, number, header)
                if number == 1:
                    header = _header(fields)
                elif fields:
                    bans.append(parse_ban(_row(fields, header), today))
            except InvalidInput as exc:
                raise InvalidInput(exc.field, exc.reason, where=f"{where}:{number}") from None
    if number == 0:
        raise InvalidInput("header", "is missing: the file is empty", where=f"{where}:1")
    return BanFile(bans, f"{where}:{number}")


def _fields(raw: bytes, number: int, header: tuple[str, ...]) -> list[str]:
    """One line's fields; none for a blank line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(*undecodable(raw, b",", header)) from None
    if number == 1:
        text = text.removeprefix("\ufeff")
    text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        return []
    try:
        return next(csv.reader([text], strict=True))
    except csv.Error:
        # A quote left open (a value must not span lines), a character after a closing quote,
        # or a bare carriage return (a file with old Mac line ends is one long line).
        at = min((i for i in (text.find('"'), text.find("\r")) if i >= 0), default=len(text))
        reason = (
            "holds a carriage return inside the line"
            if text[at : at + 1] == "\r"
            else "has a quote that is not closed as CSV closes it, on its own line"
        )
        raise InvalidInput(field_at(text[:at].encode(), b",", header), reason) from None


def _header(fields: list[str]) -> tuple[str, ...]:
    names = tuple(f.strip() for f in fields)
    unknown = [c for c in names if c not in COLUMNS]
    twice = [c for c in names if names.count(c) > 1]
    columns = f"the columns are {','.join(COLUMNS)}"
    if unknown:
        raise InvalidInput("header", f"{excerpt(unknown[0])} is not a column; {columns}")
    if twice:
        raise InvalidInput("header", f"names {twice[0]} twice; {columns}")
    if "kind" not in names:
        raise InvalidInput("header", f"has no kind column; {columns}")
    return names


def _row(fields: list[str], header: tuple[str, ...]) -> dict[str, str | None]:
    if len(fields) < len(header):
        raise InvalidInput(
            header[len(fields)], f"is missing: the row has {len(fields)} of {len(header)} fields"
        )
    if len(fields) > len(header):
        raise InvalidInput("row", f"has {len(fields)} fields, more than the header's {len(header)}")
    return dict(zip(header, fields, strict=True))
