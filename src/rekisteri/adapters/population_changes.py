"""The population register's changes (DVV's change service, "VTJ-muutosrajapinta"), read from
the JSON document this register takes them in (docs/formats/population-changes.md).

DVV delivers changes as JSON over REST, to the register itself or through an address-update
provider that passes the same changes on; its interface description is not public, so this
adapter reads a document of the shape the format page documents: a list of change records, each
naming the person by identity code, the change's kind and date and the new values. Everything
outside this module sees only `Change` records, so the real feed replaces this one module.

Hostile input is bad input: the document is bounded in bytes and records before it is parsed,
each string in length, an object may not repeat a key, and any record that does not answer to
the format is refused naming the file, the record (from 1) and the field. Nothing here touches
the database: a refusal stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from rekisteri.domain import identifiers
from rekisteri.domain.errors import InvalidInput, excerpt
from rekisteri.domain.values import has_controls, refuse_controls

FORMAT = "population-changes/1"
# A day's changes for a large retailer's customers run to tens of thousands; a bench file of
# 100,000 records is about 15 MB. Beyond these bounds a file is refused before it is parsed.
MAX_BYTES = 64 * 1024 * 1024
MAX_RECORDS = 250_000
MAX_TEXT = 200  # longer than any name or address line the register keeps
_MAX_DEPTH = 4  # document > changes > record > guardian


class Kind(StrEnum):
    """What a change record changes."""

    NAME = "name"
    PERMANENT_ADDRESS = "permanent_address"
    TEMPORARY_ADDRESS = "temporary_address"
    MOTHER_TONGUE = "mother_tongue"
    DEATH = "death"
    GUARDIANSHIP = "guardianship"
    NON_DISCLOSURE = "non_disclosure"
    MARKETING_BAN = "marketing_ban"


ADDRESS_KINDS = frozenset({Kind.PERMANENT_ADDRESS, Kind.TEMPORARY_ADDRESS})
# The fields each kind carries besides the common ones, and which of them must be there.
_FIELDS: dict[Kind, tuple[frozenset[str], frozenset[str]]] = {
    Kind.NAME: (frozenset({"first_names", "last_name"}), frozenset({"first_names", "last_name"})),
    Kind.PERMANENT_ADDRESS: (
        frozenset({"street", "postal_code", "post_office", "country"}),
        frozenset({"street", "postal_code", "post_office"}),
    ),
    Kind.TEMPORARY_ADDRESS: (
        frozenset({"street", "postal_code", "post_office", "country", "valid_until"}),
        frozenset({"street", "postal_code", "post_office"}),
    ),
    Kind.MOTHER_TONGUE: (frozenset({"language"}), frozenset({"language"})),
    Kind.DEATH: (frozenset(), frozenset()),
    Kind.GUARDIANSHIP: (frozenset({"in_force", "guardian"}), frozenset({"in_force"})),
    # A turvakielto record carries no address: the register never learns one from it.
    Kind.NON_DISCLOSURE: (frozenset({"in_force"}), frozenset({"in_force"})),
    Kind.MARKETING_BAN: (frozenset({"in_force"}), frozenset({"in_force"})),
}
_COMMON = frozenset({"change_id", "identity_code", "kind", "date"})
_LANGUAGE = re.compile(r"[a-z]{2,3}")
# No control characters (refuse_controls' set, as JSON Schema's pattern can say it).
_PRINTABLE = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]*$"
_GUARDIAN = frozenset({"first_names", "last_name", "identity_code"})


@dataclass(frozen=True)
class Change:
    """One change record as the file states it, checked for shape (values the register's own
    rules check again on the write path)."""

    record: int  # position in the file, from 1
    change_id: str
    identity_code: str
    kind: Kind
    date: dt.date  # the day the change took effect in the population register
    values: dict[str, Any]
    guardian_named: bool = False  # a guardianship record names who the guardian is


@dataclass(frozen=True)
class ChangeFile:
    name: str
    delivered_at: dt.datetime | None
    changes: list[Change]


def bad(name: str, record: int | None, field: str, reason: str) -> InvalidInput:
    """An error naming the file, the record (from 1) and the field."""
    where = name if record is None else f"{name} record {record}"
    return InvalidInput(field, reason, where=where)


def read(stream: IO[bytes], name: str) -> ChangeFile:
    """The file's change records, or InvalidInput naming file, record and field."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise bad(name, None, "file", f"is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return parse(data, name)


def parse(data: bytes, name: str) -> ChangeFile:
    try:
        text = data.decode("utf-8")
        doc = json.loads(text, object_pairs_hook=_no_repeats)
    except UnicodeDecodeError as exc:
        raise bad(name, None, "file", f"is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise bad(name, None, "file", f"is not JSON: {exc.msg} at line {exc.lineno}") from None
    except _Repeated as exc:
        raise bad(name, None, _key({exc.key}), "appears twice in one object") from None
    except RecursionError:
        raise bad(name, None, "file", "nests deeper than the format allows") from None
    if not isinstance(doc, dict):
        raise bad(name, None, "file", "is not a JSON object")
    if _depth(doc) > _MAX_DEPTH:
        raise bad(name, None, "file", "nests deeper than the format allows")
    unknown = set(doc) - {"format", "delivered_at", "changes"}
    if unknown:
        raise bad(name, None, _key(unknown), "is not a field of the document")
    if doc.get("format") != FORMAT:
        raise bad(name, None, "format", f"must be {FORMAT!r}")
    delivered = (
        _moment(doc["delivered_at"], name, "delivered_at") if "delivered_at" in doc else None
    )
    records = doc.get("changes")
    if not isinstance(records, list):
        raise bad(name, None, "changes", "must be a list of change records")
    if len(records) > MAX_RECORDS:
        raise bad(name, None, "changes", f"holds more than {MAX_RECORDS:,} records")
    # A document with no escape (no backslash) holds no text but what it shows: when none of it
    # is a control character, no text in it is, and each need not be looked at again.
    clean = "\\" not in text and not has_controls(text)
    return ChangeFile(
        name, delivered, [_change(r, n, name, clean) for n, r in enumerate(records, 1)]
    )


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key[:60]


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Repeated(key)
        seen.add(key)
    raise AssertionError("a key repeats")  # pragma: no cover


def _key(keys: set[str]) -> str:
    """An unknown key as an error may name it: a short one as it is, any other escaped."""
    key = sorted(keys)[0]
    plain = len(key) <= 40 and key.isprintable() and key.isascii()
    return key if plain else excerpt(key)


def json_schema() -> dict[str, Any]:
    """The document's shape as JSON Schema (the API's description of its body). Texts exclude
    control characters; what a schema cannot say (the identity code's checksum, which fields
    each kind takes) the reader refuses naming the record and field."""
    text = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": _PRINTABLE}
    day = {"type": "string", "format": "date"}
    fields: dict[str, Any] = {
        "change_id": text,
        "identity_code": text,
        "kind": {"type": "string", "enum": [k.value for k in Kind]},
        "date": day,
        "valid_until": day,
        "in_force": {"type": "boolean"},
        "guardian": {
            "type": "object",
            "properties": {f: text for f in sorted(_GUARDIAN)},
            "additionalProperties": False,
        },
    }
    for allowed, _ in _FIELDS.values():
        for f in allowed:
            fields.setdefault(f, text)
    record = {
        "type": "object",
        "properties": fields,
        "required": sorted(_COMMON - {"change_id"}),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "format": {"type": "string", "enum": [FORMAT]},
            "delivered_at": {"type": "string", "format": "date-time"},
            "changes": {"type": "array", "items": record, "maxItems": MAX_RECORDS},
        },
        "required": ["format", "changes"],
        "additionalProperties": False,
    }


def _depth(value: Any) -> int:
    # Only containers are descended into: a file of 100,000 records holds a million texts,
    # and a call for each would cost more than reading the records.
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return 0
    return 1 + max((_depth(v) for v in items if isinstance(v, dict | list)), default=0)


def _moment(value: Any, name: str, field: str) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise bad(name, None, field, "must be a time like 2026-03-02T06:00:00Z")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise bad(name, None, field, "must be a time like 2026-03-02T06:00:00Z") from None
    if moment.tzinfo is None:
        raise bad(name, None, field, "must name its time zone (Z for UTC)")
    return moment.astimezone(dt.UTC)


def _text(record: dict[str, Any], field: str, n: int, name: str, clean: bool = False) -> str:
    """A text field (`clean`: the document holds no control character anywhere)."""
    value = record[field]
    if not isinstance(value, str):
        raise bad(name, n, field, "must be a string")
    if len(value) > MAX_TEXT:
        raise bad(name, n, field, f"is longer than {MAX_TEXT} characters")
    try:
        if not clean:
            refuse_controls(value, field)  # NUL, bidi overrides and other controls
    except InvalidInput as exc:
        raise bad(name, n, field, exc.reason) from None
    if not value.strip():
        raise bad(name, n, field, "is empty")
    return value


def _in_force(record: dict[str, Any], n: int, name: str) -> bool:
    value = record["in_force"]
    if not isinstance(value, bool):
        raise bad(name, n, "in_force", "must be true or false")
    return value


def _date(record: dict[str, Any], field: str, n: int, name: str, clean: bool = False) -> dt.date:
    text = _text(record, field, n, name, clean)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise bad(name, n, field, "must be a date YYYY-MM-DD") from None


# Per kind, worked out once rather than for each of a file's records: the fields a record must
# have (in the order they are named when missing) and the texts it may carry.
_KINDS = {k.value: k for k in Kind}  # a dict: Kind(text) costs an enum look-up each time
_NEEDED = tuple(sorted(_COMMON - {"change_id"}))
_REQUIRED = {kind: tuple(sorted(required)) for kind, (_, required) in _FIELDS.items()}
_TEXTS = {
    kind: tuple(sorted(allowed - {"in_force", "guardian", "valid_until"}))
    for kind, (allowed, _) in _FIELDS.items()
}


def _change(record: Any, n: int, name: str, clean: bool = False) -> Change:
    if not isinstance(record, dict):
        raise bad(name, n, "record", "must be a JSON object")
    for field in _NEEDED:
        if field not in record:
            raise bad(name, n, field, "is missing")
    kind_text = _text(record, "kind", n, name, clean)
    kind = _KINDS.get(kind_text)
    if kind is None:
        known = ", ".join(k.value for k in Kind)
        raise bad(name, n, "kind", f"must be one of {known}") from None
    allowed, _ = _FIELDS[kind]
    unknown = record.keys() - _COMMON - allowed
    if unknown:
        raise bad(name, n, _key(unknown), f"is not a field of a {kind.value} record")
    for field in _REQUIRED[kind]:
        if field not in record:
            raise bad(name, n, field, f"is missing (a {kind.value} record needs it)")
    try:
        code = identifiers.personal_identity_code(
            _text(record, "identity_code", n, name, clean),
            allow_temporary=True,
            field="identity_code",
        )
    except InvalidInput as exc:
        # The reason only: an identity code is never echoed back in an error.
        raise bad(name, n, "identity_code", "is not a valid personal identity code") from exc
    change_id = _text(record, "change_id", n, name, clean) if "change_id" in record else f"#{n}"
    date = _date(record, "date", n, name, clean)
    values: dict[str, Any] = {}
    for field in _TEXTS[kind]:
        if field in record:
            values[field] = _text(record, field, n, name, clean)
    if "language" in values and not _LANGUAGE.fullmatch(values["language"]):
        raise bad(name, n, "language", "must be a language code of ISO 639-1 like fi, sv or en")
    if "in_force" in allowed:
        values["in_force"] = _in_force(record, n, name)
    if "valid_until" in record:
        until = _date(record, "valid_until", n, name, clean)
        if until < date:
            raise bad(name, n, "valid_until", "is before the change's date")
        values["valid_until"] = until
    guardian = False
    if "guardian" in record:
        guardian = _guardian(record["guardian"], n, name)
    return Change(n, change_id[:80], code, kind, date, values, guardian)


def _guardian(value: Any, n: int, name: str) -> bool:
    """Whether the record names a guardian (checked for shape; the register does not keep who:
    staff record them as the person's representative)."""
    if not isinstance(value, dict):
        raise bad(name, n, "guardian", "must be an object naming the guardian")
    unknown = set(value) - _GUARDIAN
    if unknown:
        raise bad(name, n, f"guardian.{_key(unknown)}", "is not a field of a guardian")
    for field in sorted(value):
        try:
            _text(value, field, n, name)
        except InvalidInput as exc:
            raise bad(name, n, f"guardian.{field}", exc.reason) from None
    return bool(value)
