"""The DPO's desk in the web: requests found by state, kind, reference or requester, one
request with whose it is, and the answer package served from the register.

A request names its person by customer number and name, never by the register's internal id.
A request from the public form is the requester's words (name, contact) until it is verified;
then it is the linked person's. Every name shown is a read of identity data and noted so.

The answer package is built in memory when the DPO downloads it (a ZIP of the files the CLI's
`request fulfil` writes), as the register holds the person's data at that moment; nothing is
written to the server's disk, and the download is a step of the request and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from rekisteri.adapters.reports import access
from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Category, Lang
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.recordings import audio_kind
from rekisteri.domain.requests import OPEN_STATES, RequestKind, RequestState
from rekisteri.services.register.person_view import display_name, resolve_person
from rekisteri.services.rights import (
    erasure_letter,
    fulfilment,
    package,
    portability,
    recording_copies,
    requests,
)
from rekisteri.services.unit_of_work import UnitOfWork

REQ = rights_request
FILTERS = ("open", "due_soon", "overdue", "done", "all")
DONE_STATES = frozenset({RequestState.FULFILLED, RequestState.REJECTED, RequestState.CLOSED})
DUE_SOON_DAYS = 7
LIMIT = 200  # a page of the desk; the search narrows it
# Kinds whose fulfilment gives the person files: the package the DPO downloads.
WITH_FILES = frozenset({RequestKind.ACCESS, RequestKind.PORTABILITY, RequestKind.ERASURE})


@dataclass(frozen=True)
class Found:
    """A person of the register as the desk names them."""

    person_id: int
    customer_number: str
    name: str


def _names(uow: UnitOfWork, person_ids: Iterable[int], why: str) -> dict[int, Found]:
    """Customer number and name of each person, the read noted (identity data)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = uow.execute(select(person).where(person.c.id.in_(ids)))
    found = {int(r.id): Found(int(r.id), str(r.customer_number), display_name(r)) for r in rows}
    uow.note_read(found, [Category.IDENTITY], why)
    return found


def find_person(uow: UnitOfWork, key: str) -> Found:
    """The person a verification links a request to, by customer number or identity code (the
    register's lookup: a miss by identity code is audited there, a find is a read here)."""
    text = key.strip()
    if not text:
        raise InvalidInput("person", "give a customer number or an identity code")
    person_id = resolve_person(uow, text)
    return _names(uow, [person_id], "DPO desk: whose request")[person_id]


def _details(row: Any) -> dict[str, Any]:
    d = json.loads(row.details) if row.details else {}
    return d if isinstance(d, dict) else {}


def _requester(row: Any, named: dict[int, Found]) -> str:
    if row.person_id is not None and int(row.person_id) in named:
        return named[int(row.person_id)].name
    return str(_details(row).get("name") or "")


def listing(
    uow: UnitOfWork, which: str = "open", kind: str = "", q: str = ""
) -> list[dict[str, Any]]:
    """Requests for the desk, soonest due first: open, due soon (within a week), overdue, done
    (fulfilled, rejected or closed: they stay findable) or all; of one kind; and whose
    reference or requester's name contains `q`."""
    if which not in FILTERS:
        raise InvalidInput("show", f"must be one of {', '.join(FILTERS)}")
    due = func.coalesce(REQ.c.extended_to, REQ.c.due_on)
    today = uow.today()
    open_ = REQ.c.state.in_([s.value for s in OPEN_STATES])
    conditions = {
        "all": None,
        "open": open_,
        "due_soon": and_(open_, due >= today, due <= today + dt.timedelta(days=DUE_SOON_DAYS)),
        "overdue": and_(open_, due < today),
        "done": REQ.c.state.in_([s.value for s in DONE_STATES]),
    }
    query = select(REQ).order_by(due, REQ.c.id)
    condition = conditions[which]
    if condition is not None:
        query = query.where(condition)
    if kind:
        if kind not in {k.value for k in RequestKind}:
            raise InvalidInput("kind", "is not a kind of request")
        query = query.where(REQ.c.kind == kind)
    if which == "done":  # the latest done first: what the DPO looks back for
        query = query.order_by(None).order_by(REQ.c.received_on.desc(), REQ.c.id.desc())
    rows = list(uow.execute(query))
    needle = q.strip().casefold()
    if needle:
        # Names are read only of the rows searched, and noted only for those shown.
        people = _people(uow, {int(r.person_id) for r in rows if r.person_id is not None})
        rows = [
            r
            for r in rows
            if needle in r.reference.casefold() or needle in _requester(r, people).casefold()
        ]
    rows = rows[:LIMIT]
    subjects = {int(r.person_id) for r in rows if r.person_id is not None}
    uow.note_read(subjects, [Category.RIGHTS_REQUEST], "DPO desk: requests")
    named = _names(uow, subjects, "DPO desk: requests")
    return [
        requests.summary(r, today)
        | {
            "requester": _requester(r, named),
            "customer_number": named[int(r.person_id)].customer_number
            if r.person_id is not None
            else None,
            "done": RequestState(r.state) in DONE_STATES,
        }
        for r in rows
    ]


def _people(uow: UnitOfWork, ids: set[int]) -> dict[int, Found]:
    """Names to search in, not shown (so not noted: nothing of them leaves the register)."""
    if not ids:
        return {}
    rows = uow.execute(select(person).where(person.c.id.in_(sorted(ids))))
    return {int(r.id): Found(int(r.id), str(r.customer_number), display_name(r)) for r in rows}


def request_page(uow: UnitOfWork, key: str) -> dict[str, Any]:
    """One request: requests.show, with the requester as they wrote (a web-form request),
    the linked person by customer number and name, and whether files can be downloaded."""
    shown = requests.show(uow, key)
    details = shown.get("details") or {}
    shown["requester"] = {
        k: details.get(k)
        for k in ("name", "contact", "description", "correction", "customer_number", "note")
        if details.get(k)
    }
    shown["person"] = None
    if shown["person_id"] is not None:
        shown["person"] = _names(uow, [int(shown["person_id"])], "DPO desk: whose request")[
            int(shown["person_id"])
        ]
    kind, state = RequestKind(shown["kind"]), RequestState(shown["state"])
    fulfilled = state is RequestState.FULFILLED or (
        state is RequestState.CLOSED and (shown["outcome"] or {}).get("rejected") is None
    )
    shown["has_files"] = kind in WITH_FILES and fulfilled
    shown["open"] = state in OPEN_STATES
    return shown


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes


def answer_package(uow: UnitOfWork, key: str, *, pdf: bool = True) -> Download:
    """The answer of a fulfilled access, portability or erasure request as one ZIP, in memory
    (`answer_zip`); the download is recorded as a step of the request."""
    made, request_id, names = _answer(uow, key, pdf=pdf)
    requests.note_step(uow, request_id, "downloaded", ", ".join(sorted(names)))
    return made


def answer_zip(
    uow: UnitOfWork, key: str, *, pdf: bool = True, rendered: dict[str, bytes] | None = None
) -> Download:
    """The same ZIP the desk downloads, for the person's own delivery (package_delivery seals
    it in the file store); the delivery records its own steps. `rendered`: the package's files
    as the fulfilment just rendered them (not built and rendered a second time)."""
    return _answer(uow, key, pdf=pdf, rendered=rendered)[0]


def _answer(
    uow: UnitOfWork, key: str, *, pdf: bool, rendered: dict[str, bytes] | None = None
) -> tuple[Download, int, list[str]]:
    """Access: the report as JSON, readings CSV, HTML and PDF in the person's language, with the
    call audio the DPO cleared. Portability: the provided data as JSON and CSV, the readings
    CSV. Erasure: the letter saying what was erased and what is kept (from the outcome: the
    person is no longer there to read)."""
    row = requests.load(uow, key)
    kind, state = RequestKind(row.kind), RequestState(row.state)
    if kind not in WITH_FILES:
        raise RuleViolation(f"a {kind.value} request has no files to download")
    if row.fulfilled_at is None or state not in (RequestState.FULFILLED, RequestState.CLOSED):
        raise RuleViolation(f"request {row.reference} is not fulfilled: no answer yet")
    files: dict[str, bytes] = {}
    if kind is RequestKind.ERASURE:
        outcome = json.loads(row.outcome) if row.outcome else {}
        text = erasure_letter.compose(outcome, outcome.get("language", "fi"), row.reference)
        files[f"erasure-{row.reference}.txt"] = text.encode()
    else:
        if row.person_id is None:
            raise RuleViolation(f"request {row.reference}: the person is no longer in the register")
        files = _files_of(uow, row, pdf=pdf, rendered=rendered)
        # The envelope the answer is posted in, as `request fulfil` writes it beside the files:
        # to the representative who asked, or through the forwarding route of a turvakielto.
        envelope = fulfilment.answer_envelope(uow, row)
        if envelope is not None:
            files[f"envelope-{row.reference}.txt"] = envelope.text().encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return Download(f"answer-{row.reference}.zip", buffer.getvalue()), int(row.id), list(files)


def _files_of(
    uow: UnitOfWork, row: Any, *, pdf: bool, rendered: dict[str, bytes] | None = None
) -> dict[str, bytes]:
    person_id = int(row.person_id)
    outcome = json.loads(row.outcome) if row.outcome else {}
    if RequestKind(row.kind) is RequestKind.PORTABILITY:
        portable = portability.build(uow, person_id)
        stem = f"portability-{row.reference}"
        return {
            f"{stem}.json": portable.to_json(),
            f"{stem}-provided.csv": portable.provided_csv().encode(),
            f"{stem}-readings.csv": access.readings_csv(portable.readings).encode(),
        }
    if rendered is not None:
        files = dict(rendered)
    else:
        lang = outcome.get("language")
        built = package.build(uow, person_id, lang=Lang(lang) if lang else None, reveal=True)
        files = access.render(built, pdf=pdf)
    copies = recording_copies.copies_for(uow, row)
    if copies:
        uow.note_read([person_id], [Category.RECORDING], "DPO desk: recordings in the package")
    for copy in copies:
        uow.files.verify(copy.file_ref)  # a damaged file gives nothing, not a part
        audio = b"".join(uow.files.read(copy.file_ref))
        files[f"recording-{row.reference}-{copy.recording_id}.{audio_kind(audio)}"] = audio
    return files
