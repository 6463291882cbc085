"""Reading the feeds of the customer-service, survey and self-service systems (docs/feeds.md).

A feed is CSV (UTF-8, comma-separated, a header row naming the columns) or JSON lines (one JSON
object a line), told apart by the file's suffix. This module only reads: each record comes out
as its line number and its fields as given (text, or a JSON number), for the services to check
field by field. Whatever makes the file unreadable is refused here naming the file, the line and
what is wrong: a file over the size bound, bytes that are not UTF-8, a NUL, a line over the line
bound, a header with a column the feed does not have or without one it needs, a record with too
many or too few fields, a JSON line that is not an object of plain values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rekisteri.domain.errors import InvalidInput, excerpt

MAX_FEED_BYTES = 64 << 20  # a day's feed is a few megabytes; this bounds memory, not trust
MAX_LINE_CHARS = 16_384  # a record with a 4,000-character summary fits many times over
MAX_RECORDS = 200_000
CSV_SUFFIXES = (".csv",)
JSON_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class FeedRecord:
    line: int
    fields: dict[str, Any]


def _where(path: Path, line: int | None = None) -> str:
    return path.name if line is None else f"{path.name}, line {line}"


def read_feed(
    path: Path, required: Collection[str], optional: Collection[str] = ()
) -> list[FeedRecord]:
    """Every record of the feed at `path`, or InvalidInput naming file, line and field."""
    known = set(required) | set(optional)
    text = _text_of(path)
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        records = list(_csv_records(path, text, required, known))
    elif name.endswith(JSON_SUFFIXES):
        records = list(_json_records(path, text, required, known))
    else:
        raise InvalidInput(
            "FILE", "is neither CSV (.csv) nor JSON lines (.jsonl, .ndjson)", where=path.name
        )
    if len(records) > MAX_RECORDS:
        raise InvalidInput("FILE", f"has more than {MAX_RECORDS:,} records", where=path.name)
    return records


def _text_of(path: Path) -> str:
    if not path.is_file():
        raise InvalidInput("FILE", "does not exist or is not a file", where=str(path))
    size = path.stat().st_size
    if size > MAX_FEED_BYTES:
        raise InvalidInput(
            "FILE", f"is {size:,} bytes, over the bound of {MAX_FEED_BYTES:,}", where=path.name
        )
    data = path.read_bytes()[:MAX_FEED_BYTES]
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark some spreadsheets write is allowed
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput("encoding", "is not UTF-8", where=_where(path, line)) from None
    for number, line_text in enumerate(text.split("\n"), start=1):
        if "\x00" in line_text:
            raise InvalidInput("line", "contains a NUL character", where=_where(path, number))
        if len(line_text) > MAX_LINE_CHARS:
            raise InvalidInput(
                "line",
                f"is {len(line_text):,} characters, over the bound of {MAX_LINE_CHARS:,}",
                where=_where(path, number),
            )
    return text


def _header(path: Path, names: list[str], required: Collection[str], known: set[str]) -> None:
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput(
            "header",
            f"column {excerpt(unknown[0])} is not one of {', '.join(sorted(known))}",
            where=_where(path, 1),
        )
    if len(set(names)) != len(names):
        raise InvalidInput("header", "names a column twice", where=_where(path, 1))
    missing = [n for n in required if n not in names]
    if missing:
        raise InvalidInput("header", f"lacks the column {missing[0]}", where=_where(path, 1))


def _csv_records(
    path: Path, text: str, required: Collection[str], known: set[str]
) -> Iterator[FeedRecord]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput("header", "is missing: the file is empty", where=_where(path, 1))
        names = [h.strip() for h in header]
        _header(path, names, required, known)
        for row in reader:
            line = reader.line_num
            if not row or row == [""]:
                continue  # a blank line (a file's last newline doubled) is no record
            if len(row) != len(names):
                raise InvalidInput(
                    "record",
                    f"has {len(row)} fields, the header {len(names)}",
                    where=_where(path, line),
                )
            fields = {n: (v if v.strip() else None) for n, v in zip(names, row, strict=True)}
            yield FeedRecord(line, fields)
    except csv.Error as exc:
        where = _where(path, reader.line_num)
        raise InvalidInput("record", f"is not CSV ({exc})", where=where) from None


def _json_records(
    path: Path, text: str, required: Collection[str], known: set[str]
) -> Iterator[FeedRecord]:
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            raise InvalidInput("record", "is not a JSON object", where=_where(path, line)) from None
        if not isinstance(value, dict):
            raise InvalidInput("record", "is not a JSON object", where=_where(path, line))
        for key, item in value.items():
            if key not in known:
                raise InvalidInput(
                    key[:60],
                    f"is not one of the feed's fields ({', '.join(sorted(known))})",
                    where=_where(path, line),
                )
            if isinstance(item, dict | list | bool):
                raise InvalidInput(key, "must be text, a number or null", where=_where(path, line))
        missing = [n for n in required if n not in value]
        if missing:
            raise InvalidInput(missing[0], "is missing", where=_where(path, line))
        yield FeedRecord(line, {k: v for k, v in value.items()})
