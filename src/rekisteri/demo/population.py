"""The population register's changes of the demo's own persons, sent through its door
(`rekisteri import population`, docs/formats/population-changes.md): a few deaths, turvakielto
persons, a guardianship with its guardian named (a staff task), name, address and
mother-tongue changes, and the population register's marketing bans (some with a move, so the
register holds an address it may not use for marketing), dated within the demo's last days."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.population_changes import FORMAT
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category
from rekisteri.demo.traffic import DOOR_DAYS, DoorTraffic
from rekisteri.services.population.changes import apply_change_file
from rekisteri.services.register import attributes
from rekisteri.services.unit_of_work import Actor, RegisterApp

ACTOR = Actor("demo")
# How many of the demo's persons each kind of change concerns (fewer in a small demo).
SHARE = {
    "death": 3,
    "non_disclosure": 3,
    "guardianship": 1,
    "name": 4,
    "permanent_address": 6,
    "temporary_address": 2,
    "mother_tongue": 2,
    "marketing_ban": 4,
}
STREETS = ("Muuttajantie", "Uusikatu", "Kotiranta", "Asemakatu", "Koivukuja", "Satamatie")
TOWNS = (("00530", "Helsinki"), ("02100", "Espoo"), ("33100", "Tampere"), ("20100", "Turku"))


def _codes(reg: RegisterApp, traffic: DoorTraffic) -> list[str]:
    """The identity codes of this demo's natural persons, opened from the register (a read
    of the demo's own data, audited as any)."""
    first = int(traffic.run) if traffic.run.isdigit() else 0
    with reg.reading(ACTOR) as uow:
        attr = uow.catalogue["person.personal_identity_code"]
        rows = [
            r
            for r in uow.execute(
                select(person)
                .where(person.c.kind == "natural", person.c.hetu_ct.is_not(None))
                .order_by(person.c.id)
            )
            if r.customer_number.isdigit() and int(r.customer_number) >= first
        ]
        uow.note_read(
            [int(r.id) for r in rows], [Category.IDENTITY], "demo: population register changes"
        )
        return [c for r in rows if (c := attributes.opened(uow, r, attr)) is not None]


def changes_of(codes: list[str], traffic: DoorTraffic) -> list[dict[str, Any]]:
    """The change records for a sample of the codes, deterministic for the demo's seed."""
    rng = random.Random(f"population-{traffic.seed}")
    wanted = sum(SHARE.values())
    scale = min(1.0, len(codes) / (wanted * 4))
    chosen = rng.sample(codes, min(len(codes), wanted))
    records: list[dict[str, Any]] = []
    at = 0
    for kind, count in SHARE.items():
        for _ in range(max(1, round(count * scale))):
            if at >= len(chosen):
                return records
            code = chosen[at]
            at += 1
            on = traffic.today - dt.timedelta(days=rng.randint(1, DOOR_DAYS))
            records += _records(kind, code, on, rng, len(records))
    return records


def _records(kind: str, code: str, on: dt.date, rng: random.Random, n: int) -> list[dict[str, Any]]:
    base = {"change_id": f"DEMO-VTJ-{n + 1:05d}", "identity_code": code, "date": on.isoformat()}
    postal_code, town = rng.choice(TOWNS)
    address = {
        "street": f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
        "postal_code": postal_code,
        "post_office": town,
    }
    if kind == "name":
        return [base | {"kind": "name", "first_names": "Aino", "last_name": "Uusinimi"}]
    if kind in ("permanent_address", "temporary_address"):
        extra = {"valid_until": (on + dt.timedelta(days=120)).isoformat()}
        return [base | {"kind": kind} | address | (extra if kind == "temporary_address" else {})]
    if kind == "mother_tongue":
        return [base | {"kind": "mother_tongue", "language": "sv"}]
    if kind == "death":
        return [base | {"kind": "death"}]
    if kind == "guardianship":
        guardian = {"first_names": "Eeva", "last_name": "Edunvalvoja"}
        return [base | {"kind": "guardianship", "in_force": True, "guardian": guardian}]
    if kind == "non_disclosure":
        return [base | {"kind": "non_disclosure", "in_force": True}]
    # The ban comes with a move: the address the register now holds from the population
    # register is one marketing may not use.
    moved = base | {"change_id": f"{base['change_id']}-A", "kind": "permanent_address"}
    return [moved | address, base | {"kind": "marketing_ban", "in_force": True}]


def population_changes(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    """Write the demo persons' change file to `path` and apply it through the door."""
    records = changes_of(_codes(reg, traffic), traffic)
    if not records:
        return "population register: no changes (no persons with identity codes)"
    doc = {"format": FORMAT, "delivered_at": traffic.now.isoformat(), "changes": records}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    with reg.unit_of_work(ACTOR) as uow:
        return "population register " + apply_change_file(uow, path).describe().splitlines()[0]
