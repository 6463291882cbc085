"""Copies of call recordings in an access package (GDPR Art. 15(3) and 15(4)).

A recording holds the voice of the customer service agent, and perhaps of others, as well as
the person's: a copy may not adversely affect their rights and freedoms (Art. 15(4)). So a
copy is included only once the DPO has recorded, on the access request, that the person asked
for it and that they checked it (`mark_checked`); the package always lists the recordings
(date, duration) whatever is decided. The audio is decrypted only into the package's own
owner-only files (services/rights/delivery.py), never elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from rekisteri.adapters.file_store import is_stored
from rekisteri.adapters.schema.register import call_recording
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.domain import values
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.requests import OPEN_STATES, RequestKind, RequestState
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import UnitOfWork

KEY = "recording_copies"


@dataclass(frozen=True)
class Copy:
    recording_id: int
    file_ref: str


def mark_checked(uow: UnitOfWork, key: int | str, note: str) -> None:
    """The DPO records that the person asked for copies of their recordings and that a copy
    does not adversely affect others' rights (what was checked, in `note`)."""
    text = values.required_text(note, "note", max_len=500)
    row = requests.load(uow, key)
    if RequestKind(row.kind) is not RequestKind.ACCESS:
        raise RuleViolation(f"request {row.reference} is not an access request")
    if RequestState(row.state) not in OPEN_STATES:
        raise RuleViolation(f"request {row.reference} is {row.state}: nothing more goes out")
    details = json.loads(row.details) if row.details else {}
    details[KEY] = {"checked_by": uow.actor.name, "checked_at": uow.now().isoformat()}
    uow.execute(
        update(rights_request)
        .where(rights_request.c.id == row.id)
        .values(details=json.dumps(details, ensure_ascii=False))
    )
    # (an event name is at most 20 characters)
    requests.note_step(uow, int(row.id), "recordings checked", text)


def copies_for(uow: UnitOfWork, row: Any) -> list[Copy]:
    """The recordings whose audio goes into the request's package: none unless checked."""
    details = json.loads(row.details) if row.details else {}
    if KEY not in details or row.person_id is None:
        return []
    found = uow.execute(
        select(call_recording.c.id, call_recording.c.file_ref)
        .where(call_recording.c.person_id == row.person_id, call_recording.c.file_ref.is_not(None))
        .order_by(call_recording.c.recorded_at, call_recording.c.id)
    ).all()
    return [Copy(int(r.id), str(r.file_ref)) for r in found if is_stored(r.file_ref)]
