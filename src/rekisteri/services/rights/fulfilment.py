"""Fulfilling a verified request: each kind has a handler that does the work and returns what was
done; the request then becomes fulfilled with that outcome recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.file_store import FileStore
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Lang
from rekisteri.domain.access_package import AccessPackage
from rekisteri.domain.consent import CaptureMethod
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ReceivedHow, RequestKind, RequestState, require_transition
from rekisteri.domain.vocabulary import lang_of
from rekisteri.services.register import letters
from rekisteri.services.register.person_view import display_name
from rekisteri.services.rights import (
    erasure,
    objection,
    package,
    portability,
    recipient_notices,
    recording_copies,
    rectification,
    requests,
)
from rekisteri.services.rights.restriction import restrict
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass
class Fulfilment:
    reference: str
    kind: RequestKind
    person_id: int
    outcome: dict[str, Any]
    access: AccessPackage | None = None
    portable: portability.PortabilityPackage | None = None
    # Call audio to copy into the package, once the DPO checked it (recording_copies), and
    # the store it is read from.
    recordings: list[recording_copies.Copy] = field(default_factory=list)
    store: FileStore | None = None
    # A request a representative made is answered to them (requests.answer_to).
    answer_to: dict[str, Any] | None = None
    # How the answer is posted (a turvakielto: through the forwarding route; a representative's
    # request: to them), read before the request is acted on (an erasure may end the address).
    envelope: letters.Envelope | None = None
    # The access package's files as rendered once for the answer (delivery.write_answer_files):
    # the ZIP sealed for the person's download is made of the same bytes, not rendered again.
    rendered: dict[str, bytes] | None = None


def answer_envelope(uow: UnitOfWork, row: Any) -> letters.Envelope | None:
    """How a request's answer is posted: to the representative who made it, else to the person
    (a turvakielto through the forwarding route); None when there is no postal way."""
    return _envelope(uow, int(row.person_id), requests.answer_to(uow, row))


def _envelope(
    uow: UnitOfWork, person_id: int, answer_to: dict[str, Any] | None
) -> letters.Envelope | None:
    if answer_to is None:
        return letters.envelope(uow, person_id)
    return _representatives_envelope(uow, person_id, answer_to)


def _representatives_envelope(
    uow: UnitOfWork, person_id: int, to: dict[str, Any]
) -> letters.Envelope | None:
    """The answer's envelope to the representative who asked, at the address they gave."""
    if not to.get("address"):
        return None
    own = uow.execute(select(person).where(person.c.id == person_id)).one()
    lines = [p for p in str(to["address"]).split(", ") if p]
    if lines and lines[-1].upper() == "FI":  # a letter within Finland names no country
        lines.pop()
    name = f"{to['name']} ({display_name(own)})"
    return letters.Envelope(person_id, lang_of(own.mother_tongue), (name, *lines))


Handler = Callable[[UnitOfWork, Any, Provenance, Fulfilment, Lang | None], None]

_CAPTURE = {
    ReceivedHow.SIGNED_LETTER: CaptureMethod.LETTER,
    ReceivedHow.IN_PERSON: CaptureMethod.LETTER,
    ReceivedHow.STRONG_IDENTIFICATION: CaptureMethod.WEB_FORM,
    ReceivedHow.EMAIL: CaptureMethod.LETTER,
    ReceivedHow.WEB_FORM: CaptureMethod.WEB_FORM,
}


def _details(row: Any) -> dict[str, Any]:
    return json.loads(row.details) if row.details else {}


def _access(uow: UnitOfWork, row: Any, _: Provenance, f: Fulfilment, lang: Lang | None) -> None:
    f.access = package.build(uow, row.person_id, lang=lang, reveal=True)
    f.outcome = {
        "sections": {s.key: len(s.rows) for s in f.access.sections},
        "language": f.access.lang.value,
    }
    f.recordings = recording_copies.copies_for(uow, row)
    if f.recordings:
        f.store = uow.files
        f.outcome["recording_copies"] = len(f.recordings)


def _rectification(
    uow: UnitOfWork, row: Any, prov: Provenance, f: Fulfilment, _: Lang | None
) -> None:
    d = _details(row)
    done = rectification.rectify(
        uow,
        row.person_id,
        requests.changes_to_apply(uow, row),
        d.get("reason") or coded(Reason.RECTIFICATION_REQUEST, row.reference),
        prov,
        for_request=row.id,
    )
    f.outcome = {"changed": done.changed, "recipients_to_notify": done.recipients_to_notify}


def _objection(uow: UnitOfWork, row: Any, prov: Provenance, f: Fulfilment, _: Lang | None) -> None:
    d = _details(row)
    n = objection.record_objection(
        uow,
        row.person_id,
        prov,
        captured_how=_CAPTURE[ReceivedHow(row.received_how)],
        wording=d.get("wording") or f"objection, request {row.reference}",
    )
    f.outcome = {"prohibitions": n}


def _restriction(
    uow: UnitOfWork, row: Any, prov: Provenance, f: Fulfilment, _: Lang | None
) -> None:
    why = _details(row).get("reason") or coded(Reason.RIGHTS_REQUEST, row.reference)
    done = restrict(uow, row.person_id, why, prov, for_request=row.id)
    told = recipient_notices.recipients_of(uow, row.person_id) if done else []
    f.outcome = {"restricted": True, "already": not done, "recipients_to_notify": told}


def _portability(uow: UnitOfWork, row: Any, _: Provenance, f: Fulfilment, __: Lang | None) -> None:
    f.portable = portability.build(uow, row.person_id)
    f.outcome = {"tables": {k: len(v) for k, v in f.portable.provided.items()}}


def _erasure(uow: UnitOfWork, row: Any, prov: Provenance, f: Fulfilment, lang: Lang | None) -> None:
    answer = erasure.erase_person(
        uow,
        row.person_id,
        prov,
        reason=coded(Reason.RIGHTS_REQUEST, row.reference),
        lang=lang or package.language_of(uow, row.person_id),
        for_request=row.id,
    )
    f.outcome = answer.as_dict()


HANDLERS: dict[RequestKind, Handler] = {
    RequestKind.ACCESS: _access,
    RequestKind.RECTIFICATION: _rectification,
    RequestKind.OBJECTION: _objection,
    RequestKind.RESTRICTION: _restriction,
    RequestKind.PORTABILITY: _portability,
    RequestKind.ERASURE: _erasure,
}


def fulfil(uow: UnitOfWork, key: int | str, *, lang: Lang | str | None = None) -> Fulfilment:
    row = requests.load(uow, key)
    require_transition(RequestState(row.state), RequestState.FULFILLED)
    if row.person_id is None:
        raise RuleViolation(f"request {row.reference}: the person is no longer in the register")
    kind = RequestKind(row.kind)
    prov = requests.request_provenance(uow, row.reference)
    f = Fulfilment(row.reference, kind, int(row.person_id), {})
    requests.begin_fulfilment(uow, row)
    # Read before the work: an erasure takes the representation with the person's data.
    f.answer_to = requests.answer_to(uow, row)
    f.envelope = _envelope(uow, f.person_id, f.answer_to)
    HANDLERS[kind](uow, row, prov, f, Lang(lang) if lang else None)
    if f.answer_to is not None:
        # The record says whom the answer went to (the events name them), not their address.
        f.outcome["answered_to_representative"] = f.answer_to["representative_id"]
    requests.mark_fulfilled(uow, row, f.outcome)
    return f
