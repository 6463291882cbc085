"""P2 in the catalogue: a value of an attribute comes only from a source declared for it."""

from __future__ import annotations

import pytest

from rekisteri.catalogue import Attribute, Sensitivity, Source, catalogue
from rekisteri.domain.errors import InvalidInput


@pytest.mark.parametrize("a", catalogue.attributes, ids=lambda a: a.key)
def test_every_attribute_takes_exactly_its_declared_sources(a: Attribute) -> None:
    field = a.name if a.sensitivity is Sensitivity.ENCRYPTED else a.columns[0]
    assert catalogue.attribute_of(a.table, field) is a
    for source in Source:
        if source in a.sources:
            catalogue.require_source(a.table, [field], source)
            continue
        with pytest.raises(InvalidInput) as err:
            catalogue.require_source(a.table, [field], source)
        assert err.value.field == field and source.value in err.value.reason


def test_a_field_that_is_no_attribute_is_left_to_the_caller() -> None:
    catalogue.require_source("person", ["shoe_size", "hetu_ct"], Source.ENERGY_METER)
