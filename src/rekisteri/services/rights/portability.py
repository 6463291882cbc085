"""Portability (Art. 20): the data the person provided themself, and their consumption data, in
machine-readable JSON and CSV. "Provided" is read from each row's provenance (P2): rows whose
source is the person (quote request, order, contract, other contact), attributes the catalogue
says may come from the person.

The JSON holds the provided data and the consumption readings (records with the same fields as
the readings CSV); both are written from columns, not reading by reading."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import select

from rekisteri.catalogue import Visibility
from rekisteri.domain.access_package import no_readings, readings_table
from rekisteri.domain.errors import NotFound
from rekisteri.domain.vocabulary import FROM_THE_PERSON as FROM_THE_PERSON_SOURCES
from rekisteri.services.exports import spreadsheet_cell
from rekisteri.services.register.presenting import attribute_value
from rekisteri.services.register.subjects import belongs_to, personal_tables, table_of
from rekisteri.services.rights import package
from rekisteri.services.unit_of_work import UnitOfWork

FROM_PERSON = frozenset(s.value for s in FROM_THE_PERSON_SOURCES)


@dataclass
class PortabilityPackage:
    person_id: int
    generated_at: dt.datetime
    provided: dict[str, list[dict[str, Any]]]
    readings: pl.DataFrame = field(default_factory=no_readings)

    def to_json(self) -> bytes:
        data = {
            "person_id": self.person_id,
            "generated_at": self.generated_at.isoformat(),
            "provided_by_the_person": self.provided,
        }
        head = json.dumps(data, ensure_ascii=False, indent=1, default=str)
        # The readings' records are serialised by polars and set in as the last member.
        records = readings_table(self.readings).write_json()
        return f'{head[:-2]},\n "consumption_readings": {records}\n}}'.encode()

    def provided_csv(self) -> str:
        """One line per value: table, row, attribute, value."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(("table", "row", "attribute", "value"))
        for table, rows in self.provided.items():
            for i, r in enumerate(rows, 1):
                for k, v in r.items():
                    if v is not None:  # opened in a spreadsheet too: no formulas
                        w.writerow((table, i, k, spreadsheet_cell(v)))
        return out.getvalue()


def build(uow: UnitOfWork, person_id: int) -> PortabilityPackage:
    cat = uow.catalogue
    people = table_of("person")
    if not uow.execute(select(people.c.id).where(people.c.id == person_id)).first():
        raise NotFound("person", person_id)
    provided: dict[str, list[dict[str, Any]]] = {}
    for spec in personal_tables(cat):
        t = table_of(spec.name)
        attrs = [a for a in cat.for_table(spec.name) if a.sources & FROM_THE_PERSON_SOURCES]
        if not attrs or "source" not in t.c:
            continue
        rows = uow.execute(
            select(t).where(belongs_to(spec, person_id), t.c.source.in_(FROM_PERSON))
        ).mappings()
        out = []
        for r in rows:
            entry: dict[str, Any] = {}
            for a in attrs:
                entry[a.name] = attribute_value(uow, a, r, Visibility.FULL)
            entry["source"] = r["source"]
            out.append(entry)
        if out:
            provided[spec.name] = out

    readings = package.readings_of(uow, person_id)  # noted by the consumption area
    # What the package holds: the categories of the attributes given of each table with rows.
    given = {
        a.category
        for name in provided
        for a in cat.for_table(name)
        if a.sources & FROM_THE_PERSON_SOURCES
    }
    uow.note_read([person_id], given, "portability package")
    return PortabilityPackage(person_id, uow.now(), provided, readings)
