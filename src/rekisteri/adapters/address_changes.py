"""Address-change notices as a mover-update service delivers them (the notice a person makes
once, for Posti and the population register): a semicolon-separated UTF-8 file with a header
line, one notice a line (docs/formats/address-changes.md).

There is no identity code in such a notice: the person is named by name and previous address,
and the register matches on those (services/updates/address_changes). The file is read within
bounds (MAX_FILE_BYTES, the line bound of adapters/input_files); a bad record is an
InvalidInput naming the file, the record (and its line) and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rekisteri.adapters.input_files import LineTooLong, read_line, too_long, undecodable
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, excerpt

MAX_FILE_BYTES = 64 * 1024 * 1024
SEPARATOR = ";"
COLUMNS = (
    "notice_id",
    "last_name",
    "first_names",
    "previous_street",
    "previous_postal_code",
    "previous_post_office",
    "new_street",
    "new_postal_code",
    "new_post_office",
    "new_country",
    "moved_on",
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OPTIONAL = frozenset({"previous_post_office", "new_country"})


@dataclass(frozen=True)
class AddressChange:
    record: int  # from 1, in the file's order
    line: int
    notice_id: str  # the service's own id of the notice
    last_name: str
    first_names: str
    previous_street: str
    previous_postal_code: str
    previous_post_office: str | None
    new_street: str
    new_postal_code: str
    new_post_office: str
    new_country: str
    moved_on: dt.date


def _fields(line: bytes, where: str) -> list[str]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        field, reason = undecodable(line, SEPARATOR.encode(), COLUMNS)
        raise InvalidInput(field, reason, where=where) from None
    try:
        return next(csv.reader([text.rstrip("\r\n")], delimiter=SEPARATOR, strict=True))
    except csv.Error as exc:
        raise InvalidInput(
            "row", f"is not a {SEPARATOR}-separated line: {exc}", where=where
        ) from None


def _record(fields: list[str], record: int, line: int, where: str) -> AddressChange:
    if len(fields) != len(COLUMNS):
        raise InvalidInput(
            "row", f"has {len(fields)} fields, the header names {len(COLUMNS)}", where=where
        )
    raw = dict(zip(COLUMNS, fields, strict=True))

    def text(name: str, max_len: int = 100) -> str | None:
        try:
            return values.text(raw[name], name, max_len=max_len, required=name not in OPTIONAL)
        except InvalidInput as exc:
            raise InvalidInput(name, exc.reason, where=where) from None

    def checked(name: str, check: Callable[[str | None], str]) -> str:
        try:
            return check(text(name))
        except InvalidInput as exc:
            raise InvalidInput(name, exc.reason, where=where) from None

    country = checked("new_country", lambda v: values.country(v or "FI"))
    moved = text("moved_on", 10)
    try:
        if not _DATE.fullmatch(moved or ""):
            raise ValueError(moved)
        moved_on = dt.date.fromisoformat(moved or "")
    except ValueError:
        reason = f"is not a date YYYY-MM-DD (got {excerpt(moved or '')})"
        raise InvalidInput("moved_on", reason, where=where) from None
    return AddressChange(
        record=record,
        line=line,
        notice_id=text("notice_id", 80) or "",
        last_name=text("last_name") or "",
        first_names=text("first_names") or "",
        previous_street=text("previous_street", 200) or "",
        previous_postal_code=checked("previous_postal_code", lambda v: values.postal_code(v or "")),
        previous_post_office=text("previous_post_office"),
        new_street=text("new_street", 200) or "",
        new_postal_code=checked("new_postal_code", lambda v: values.postal_code(v or "", country)),
        new_post_office=text("new_post_office") or "",
        new_country=country,
        moved_on=moved_on,
    )


def read_changes(data: bytes, name: str) -> Iterator[AddressChange]:
    """The notices of one file, in order; InvalidInput at the first bad one."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES:,} bytes", where=name)
    stream = io.BytesIO(data)
    line_no = record = 0
    header_seen = False
    while True:
        where = f"{name}, line {line_no + 1}"
        try:
            line = read_line(stream)
        except LineTooLong as exc:
            field, reason = too_long(exc.head, SEPARATOR.encode(), COLUMNS)
            raise InvalidInput(field, reason, where=where) from None
        if not line:
            break
        line_no += 1
        if not line.strip():
            continue
        fields = _fields(line.removeprefix(b"\xef\xbb\xbf"), where)
        if not header_seen:
            if [f.strip().lower() for f in fields] != list(COLUMNS):
                expected = SEPARATOR.join(COLUMNS)
                raise InvalidInput("header", f"must be {expected}", where=where)
            header_seen = True
            continue
        record += 1
        yield _record(fields, record, line_no, f"{name}, record {record} (line {line_no})")
    if not header_seen:
        raise InvalidInput("header", "is missing: the file is empty", where=name)
