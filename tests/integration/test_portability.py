"""Portability (P14, GDPR Art. 20): the data the person gave, in a machine-readable form."""

from __future__ import annotations

import csv
import io
import json

import pytest

from rekisteri.domain.vocabulary import FROM_THE_PERSON
from rekisteri.services.rights import portability
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import EMAIL, make_customer

DPO = Actor("tietosuoja.dpo")


@pytest.mark.proves("P14.portability")
def test_the_persons_own_data_comes_as_json_and_csv_and_nobody_elses(
    register: RegisterApp,
) -> None:
    own = make_customer(register)
    other = make_customer(
        register, hetu="311280-888Y", email="toinen@example.fi", phone="+358409876543",
        site_numbers=(3, 4),
    )  # fmt: skip
    with register.reading(DPO) as uow:
        package = portability.build(uow, own.person_id)
        theirs = portability.build(uow, other.person_id)
    data = json.loads(package.to_json())
    given = data["provided_by_the_person"]
    assert given["person"][0]["last_name"] == "Meikäläinen"
    assert EMAIL in {p["email"] for p in given["contact_point"]}
    # Only what came from the person: every row names a source that is the person.
    sources = {row["source"] for rows in given.values() for row in rows}
    assert sources and sources <= {s.value for s in FROM_THE_PERSON}
    text = json.dumps(data)
    assert "toinen@example.fi" not in text and "311280-888Y" not in text
    assert "toinen@example.fi" in theirs.to_json().decode()
    lines = list(csv.reader(io.StringIO(package.provided_csv())))
    assert lines[0] == ["table", "row", "attribute", "value"]
    assert ["contact_point", "1", "email", EMAIL] in lines
