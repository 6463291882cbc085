"""What an audit entry's hash covers and how an entry is stored: the chain is only as strong
as these (adapters/audit_chain.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from zoneinfo import ZoneInfo

import pytest

from rekisteri.adapters import audit_chain
from rekisteri.adapters.audit_chain import NewEntry, canonical, entry_hash, head_tag, stored_values

KEY = b"k" * 32
AT = dt.datetime(2026, 3, 3, 12, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Helsinki"))
ENTRY = NewEntry(
    actor="maija",
    role="customer_service",
    subject_self=None,
    purpose="customer_relationship",
    via="GET /api/v1/persons/{key}",
    action="read",
    outcome="allowed",
    categories=("identity", "contact", "identity"),
    person_ids=(12, 3, 12),
    what="customer view",
)


def test_an_entry_is_stored_in_utc_with_its_sets_sorted_once() -> None:
    row = stored_values(ENTRY, 7, AT)
    assert row == {
        "seq": 7,
        "at": dt.datetime(2026, 3, 3, 10, 0, 0, 123456, tzinfo=dt.UTC),
        "actor": "maija",
        "role": "customer_service",
        "subject_self": None,
        "purpose": "customer_relationship",
        "via": "GET /api/v1/persons/{key}",
        "action": "read",
        "outcome": "allowed",
        "categories": "contact identity",
        "person_ids": "3 12",
        "what": "customer view",
    }
    assert row["at"].utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(("field", "limit"), [("actor", 60), ("via", 200), ("what", 400)])
def test_long_texts_are_cut_to_their_columns_with_an_ellipsis(field: str, limit: int) -> None:
    fits = ENTRY.__class__(**{**ENTRY.__dict__, field: "x" * limit})
    assert stored_values(fits, 1, AT)[field] == "x" * limit
    long = ENTRY.__class__(**{**ENTRY.__dict__, field: "x" * (limit + 1)})
    assert stored_values(long, 1, AT)[field] == "x" * (limit - 1) + "…"


def test_the_canonical_form_is_every_field_in_order_as_compact_json() -> None:
    row = stored_values(ENTRY, 7, AT)
    expected = [7, "2026-03-03T10:00:00.123456Z", "maija", "customer_service", None]
    expected += ["customer_relationship", "GET /api/v1/persons/{key}", "read", "allowed"]
    expected += ["contact identity", "3 12", "customer view"]
    assert canonical(row) == json.dumps(expected, separators=(",", ":")).encode()
    assert list(audit_chain._CANONICAL_FIELDS)[:2] == ["seq", "at"]


def test_non_ascii_is_kept_as_it_is_in_the_canonical_form() -> None:
    row = stored_values(ENTRY.__class__(**{**ENTRY.__dict__, "actor": "pääkäyttäjä"}), 1, AT)
    assert "pääkäyttäjä".encode() in canonical(row)


@pytest.mark.parametrize("field", audit_chain._CANONICAL_FIELDS)
def test_each_field_changes_the_hash(field: str) -> None:
    row = stored_values(ENTRY, 7, AT)
    changed = dict(row)
    changed[field] = AT + dt.timedelta(microseconds=1) if field == "at" else "other"
    assert entry_hash(KEY, "0" * 64, canonical(changed)) != entry_hash(
        KEY, "0" * 64, canonical(row)
    )


def test_the_hash_is_keyed_and_chains_the_previous_one() -> None:
    content = canonical(stored_values(ENTRY, 7, AT))
    prev = "a" * 64
    expected = hmac.new(KEY, prev.encode() + b"\n" + content, hashlib.sha256).hexdigest()
    assert entry_hash(KEY, prev, content) == expected
    assert entry_hash(b"j" * 32, prev, content) != expected


def test_the_head_tag_covers_the_seq_and_the_last_hash() -> None:
    tag = head_tag(KEY, 6, "b" * 64)
    assert tag == hmac.new(KEY, f"head 6 {'b' * 64}".encode(), hashlib.sha256).hexdigest()
    assert tag != head_tag(KEY, 5, "b" * 64) and tag != head_tag(KEY, 6, "c" * 64)


def test_the_canonical_form_does_not_depend_on_the_servers_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    row = stored_values(ENTRY, 7, AT)
    in_utc = canonical(row)
    monkeypatch.setenv("TZ", "Europe/Helsinki")
    time.tzset()
    try:
        assert canonical(row) == in_utc
        assert canonical({**row, "at": AT}) == in_utc  # a row read back in another zone
        assert stored_values(ENTRY, 7, AT)["at"].utcoffset() == dt.timedelta(0)  # stored in UTC
    finally:
        monkeypatch.undo()
        time.tzset()
