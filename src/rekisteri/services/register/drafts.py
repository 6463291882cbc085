"""Drafts from JSON documents (the CLI's --file and imports), with errors naming the field."""

from __future__ import annotations

from typing import Any

from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.errors import InvalidInput

_PERSON_FIELDS = {
    "kind",
    "relationship",
    "first_names",
    "last_name",
    "organisation_name",
    "personal_identity_code",
    "business_id",
    "birth_year",
    "gender",
    "mother_tongue",
    "customer_class",
    "allow_temporary_code",
}


def person_draft_from_json(data: Any) -> tuple[PersonDraft, tuple[PermissionDraft, ...]]:
    if not isinstance(data, dict):
        raise InvalidInput("person", "must be a JSON object")
    unknown = set(data) - _PERSON_FIELDS - {"contact_points", "permissions"}
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "is not a known field")
    if "kind" not in data:
        raise InvalidInput("kind", "is required (natural or legal)")
    try:
        contacts = tuple(ContactPointDraft(**cp) for cp in data.get("contact_points", []))
        perms = tuple(PermissionDraft(**p) for p in data.get("permissions", []))
    except TypeError as exc:
        raise InvalidInput("contact_points", f"has an unknown or missing field ({exc})") from exc
    fields = {k: v for k, v in data.items() if k in _PERSON_FIELDS}
    return PersonDraft(**fields, contact_points=contacts), perms
